import { afterEach, describe, expect, it, vi } from 'vitest';
import { bucketOf, type HealthReport, type HealthSeries } from '../sw/health/aggregate.js';
import { captureMetricPoints, createHealthMetricsSender, healthToMetrics, MAX_ITEMS_PER_BATCH, MAX_ITEMS_PER_MINUTE, MAX_SERIES, type MetricPoint } from '../src/healthToMetrics.js';

/** A window with `series` endpoints, each with `requests` requests spread over many latency buckets and every failure kind. */
function busyWindow(series: number, requests: number, seed = 0): HealthReport {
  const list: HealthSeries[] = Array.from({ length: series }, (_, i) => {
    const buckets: Record<number, number> = {};
    for (let r = 0; r < requests; r++) {
      const b = bucketOf(1 + ((r * 37 + i * 11 + seed) % 60_000));
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    return { origin: 'https://api.x', endpoint: `/v1/e${i}`, gateway: 'all', requests: requests + i, failures: { http_error: 3, timeout: 2, offline: 1, network_error: 1, stream_error: 1 }, buckets };
  });
  return { kind: 'health', eventId: String(seed).padStart(32, '0'), from: 0, to: 60_000, series: list };
}

const total = (points: MetricPoint[], name: string) => points.filter((p) => p.name === name).reduce((n, p) => n + p.value, 0);

describe('healthToMetrics is bounded', () => {
  it(`gives at most ${MAX_ITEMS_PER_BATCH} items however many windows, endpoints and latencies, and loses no request`, () => {
    const windows = Array.from({ length: 10 }, (_, w) => busyWindow(500, 400, w));
    const points = healthToMetrics(windows);
    expect(points.length).toBeLessThanOrEqual(MAX_ITEMS_PER_BATCH);
    expect(MAX_ITEMS_PER_BATCH).toBeLessThanOrEqual(MAX_ITEMS_PER_MINUTE);
    const requests = windows.flatMap((w) => w.series).reduce((n, s) => n + s.requests, 0);
    expect(total(points, 'backend_api.requests')).toBe(requests);
    expect(total(points, 'backend_api.failures')).toBe(10 * 500 * 8);
    // The busiest series keep their names; the rest are summed into one.
    const endpoints = new Set(points.map((p) => p.attributes.endpoint));
    expect(endpoints.size).toBe(MAX_SERIES + 1);
    expect(endpoints.has('/v1/e499')).toBe(true);
    expect(endpoints.has('/v1/e0')).toBe(false);
    expect(endpoints.has('(other)')).toBe(true);
  });

  it('samples the distribution in proportion to the histogram', () => {
    const w: HealthReport = { kind: 'health', eventId: 'a'.repeat(32), from: 0, to: 1, series: [{ origin: 'o', endpoint: '/', gateway: 'all', requests: 1000, failures: {}, buckets: { [bucketOf(10)]: 900, [bucketOf(1000)]: 100 } }] };
    const values = healthToMetrics([w]).filter((p) => p.name === 'backend_api.duration').map((p) => p.value);
    expect(values).toHaveLength(10);
    expect(values.filter((v) => v < 100)).toHaveLength(9);
  });
});

describe('createHealthMetricsSender', () => {
  afterEach(() => vi.useRealTimers());

  it(`sends at most ${MAX_ITEMS_PER_MINUTE} items in any minute; what waits is merged and sent later, every count kept`, () => {
    vi.useFakeTimers();
    const sent: Array<{ at: number; points: MetricPoint[] }> = [];
    const send = createHealthMetricsSender((points) => sent.push({ at: Date.now(), points }));
    let requests = 0;
    // A window of 40 busy endpoints every second for three minutes.
    for (let s = 0; s < 180; s++) {
      const w = busyWindow(40, 30, s);
      requests += w.series.reduce((n, x) => n + x.requests, 0);
      send([w]);
      vi.advanceTimersByTime(1000);
    }
    vi.advanceTimersByTime(120_000);
    for (const a of sent) {
      const inMinute = sent.filter((b) => b.at >= a.at && b.at < a.at + 60_000).reduce((n, b) => n + b.points.length, 0);
      expect(inMinute).toBeLessThanOrEqual(MAX_ITEMS_PER_MINUTE);
    }
    expect(sent.reduce((n, b) => n + total(b.points, 'backend_api.requests'), 0)).toBe(requests);
    expect(sent.length).toBeGreaterThanOrEqual(3);
  });

  it('a window a minute (the default interval) goes out at once', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const send = createHealthMetricsSender(() => sent.push(Date.now()));
    for (let m = 0; m < 5; m++) {
      send([busyWindow(30, 50, m)]);
      expect(sent).toHaveLength(m + 1);
      vi.advanceTimersByTime(60_000);
    }
  });
});

describe('captureMetricPoints through a real Sentry client', () => {
  it("sends each point as a trace metric of the scope's client: name, type, value, unit and attributes", async () => {
    const { BrowserClient, Scope } = await import('@sentry/browser');
    const items: Array<{ name: string; type: string; value: number; unit?: string; attributes: Record<string, { value: unknown }> }> = [];
    const client = new BrowserClient({
      dsn: 'http://key@127.0.0.1:9/1',
      integrations: [],
      stackParser: () => [],
      transport: () => ({
        send: async (env: unknown) => {
          for (const [h, p] of (env as [unknown, Array<[{ type: string }, { items: typeof items }]>])[1]) if (h.type === 'trace_metric') items.push(...p.items);
          return { statusCode: 200 };
        },
        flush: async () => true,
      }),
    });
    client.init();
    const scope = new Scope();
    scope.setClient(client);
    const attributes = { endpoint: '/v1/models', gateway: 'all', origin: 'https://api.x' };
    const points: MetricPoint[] = [
      { type: 'count', name: 'backend_api.requests', value: 3, attributes },
      { type: 'distribution', name: 'backend_api.duration', value: 120, unit: 'millisecond', attributes },
      { type: 'gauge', name: 'backend_api.duration.p95', value: 250, unit: 'millisecond', attributes },
    ];
    captureMetricPoints(points, scope);
    await client.flush(1000);
    expect(items.map((m) => [m.name, m.type, m.value, m.unit])).toEqual([
      ['backend_api.requests', 'counter', 3, undefined],
      ['backend_api.duration', 'distribution', 120, 'millisecond'],
      ['backend_api.duration.p95', 'gauge', 250, 'millisecond'],
    ]);
    for (const m of items) expect({ endpoint: m.attributes.endpoint?.value, gateway: m.attributes.gateway?.value, origin: m.attributes.origin?.value }).toEqual(attributes);
  });
});
