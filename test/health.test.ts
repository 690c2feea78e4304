import { describe, expect, it } from 'vitest';
import { bucketOf, bucketUpper, HealthAggregator, mergeBuckets, percentile } from '../sw/health/aggregate.js';
import { healthToMetrics, MAX_SAMPLES_PER_SERIES } from '../src/healthToMetrics.js';

describe('latency histogram', () => {
  it('buckets are fixed, four per doubling, and a duration never exceeds its bucket\'s upper bound', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    for (const ms of [1.5, 2, 3, 10, 99, 100, 101, 250, 1000, 30_000]) {
      const b = bucketOf(ms);
      expect(bucketUpper(b)).toBeGreaterThanOrEqual(ms);
      expect(bucketUpper(b - 1)).toBeLessThan(ms);
      // At most 19% wide: 2^(1/4).
      expect(bucketUpper(b) / ms).toBeLessThan(1.19);
    }
    expect(bucketOf(10 ** 9)).toBe(63);
  });

  it('percentiles come from merged histograms, so windows and users add up', () => {
    const a: Record<number, number> = {};
    const b: Record<number, number> = {};
    for (let i = 0; i < 90; i++) a[bucketOf(10)] = (a[bucketOf(10)] ?? 0) + 1;
    for (let i = 0; i < 10; i++) b[bucketOf(1000)] = (b[bucketOf(1000)] ?? 0) + 1;
    const m = mergeBuckets({ ...a }, b);
    expect(percentile(m, 50)).toBe(bucketUpper(bucketOf(10)));
    expect(percentile(m, 90)).toBe(bucketUpper(bucketOf(10)));
    expect(percentile(m, 95)).toBe(bucketUpper(bucketOf(1000)));
    expect(percentile({}, 50)).toBeNaN();
  });

  it('the aggregator counts requests and failures by kind per origin, endpoint and gateway, and drains once', () => {
    const h = new HealthAggregator(1000);
    h.record('https://api.x', '/v1/models', 'a', 12, undefined);
    h.record('https://api.x', '/v1/models', 'a', 30, 'http_error');
    h.record('https://api.x', '/v1/models', 'b', 5, 'timeout');
    const w = h.drain(61_000, 'e'.repeat(32))!;
    expect(w).toMatchObject({ kind: 'health', from: 1000, to: 61_000 });
    expect(w.series.map((s) => [s.gateway, s.requests, s.failures])).toEqual([
      ['a', 2, { http_error: 1 }],
      ['b', 1, { timeout: 1 }],
    ]);
    expect(h.drain(62_000, 'f'.repeat(32))).toBeUndefined();
    expect(h.from).toBe(61_000);
  });
});

describe('healthToMetrics', () => {
  it('gives counters, failures by kind, a sampled distribution and percentile gauges per series', () => {
    const buckets: Record<number, number> = { [bucketOf(10)]: 3, [bucketOf(100)]: 1 };
    const points = healthToMetrics([
      { kind: 'health', eventId: 'a'.repeat(32), from: 0, to: 60_000, series: [{ origin: 'https://api.x', endpoint: '/v1/models', gateway: 'a', requests: 4, failures: { http_error: 1 }, buckets }] },
    ]);
    const attributes = { endpoint: '/v1/models', gateway: 'a', origin: 'https://api.x' };
    expect(points.filter((p) => p.type === 'count')).toEqual([
      { type: 'count', name: 'backend_api.requests', value: 4, attributes },
      { type: 'count', name: 'backend_api.failures', value: 1, attributes: { ...attributes, failure_kind: 'http_error' } },
    ]);
    expect(points.filter((p) => p.name === 'backend_api.duration').map((p) => p.value).sort((x, y) => x - y)).toEqual([
      bucketUpper(bucketOf(10)), bucketUpper(bucketOf(10)), bucketUpper(bucketOf(10)), bucketUpper(bucketOf(100)),
    ]);
    expect(points.find((p) => p.name === 'backend_api.duration.p95')?.value).toBe(bucketUpper(bucketOf(100)));
  });

  it('scales the distribution down past MAX_SAMPLES_PER_SERIES', () => {
    const points = healthToMetrics([
      { kind: 'health', eventId: 'a'.repeat(32), from: 0, to: 1, series: [{ origin: 'o', endpoint: '/', gateway: 'all', requests: 10_000, failures: {}, buckets: { 20: 10_000 } }] },
    ]);
    expect(points.filter((p) => p.name === 'backend_api.duration')).toHaveLength(MAX_SAMPLES_PER_SERIES);
  });
});
