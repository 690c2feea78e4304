/**
 * Late answers and stalled streams (issue 15), the pure and in-memory parts:
 * the event each becomes, the protocol guards, health's `late` series and its
 * metric, and `watchStream`'s stall timer on real streams (small timers: a
 * stall of 40 ms). `Monitor.addLate` is tested with the Monitor, in Monitor.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../sw/config.js';
import { HealthAggregator } from '../sw/health/aggregate.js';
import { watchStream, type StreamOutcome } from '../sw/observe/watchStream.js';
import { isBackendReport, isHealthReport, type BackendReport } from '../sw/protocol.js';
import { buildReport, type Observation } from '../sw/report/buildReport.js';
import { classify } from '../sw/report/classify.js';
import { healthToMetrics, mergeSeries } from '../src/healthToMetrics.js';
import { reportToEvent } from '../src/reportToEvent.js';

const observation = (partial: Partial<Observation>): Observation => ({
  classification: { kind: 'timeout', level: 'error' },
  method: 'POST',
  url: 'https://api.gatewayz.ai/v1/chat/completions?gateway=openrouter',
  status: 0,
  statusText: '',
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_120_000,
  retryCount: 0,
  online: true,
  timeoutMs: 120_000,
  ...partial,
});

describe('the event of a timeout answered late', () => {
  it('carries late_status and late_after_ms beside timeout_ms; the rest is the timeout event', () => {
    const report: BackendReport = { ...buildReport(observation({}), DEFAULT_CONFIG, 'b'.repeat(32)), lateStatus: 500, lateAfterMs: 95_012 };
    expect(isBackendReport(report)).toBe(true);
    const event = reportToEvent(report);
    expect(event.message).toBe('Backend API timeout after 120000ms: /v1/chat/completions?gateway=openrouter');
    expect(event.level).toBe('error');
    expect(event.tags).toEqual({
      error_category: 'backend_api',
      api_endpoint: '/v1/chat/completions',
      http_status: '408',
      http_method: 'POST',
      gateway: 'openrouter',
      failure_kind: 'timeout',
    });
    expect(event.fingerprint).toEqual(['backend_api', 'POST', '/v1/chat/completions', 'timeout']);
    expect(event.contexts?.backend_api).toEqual({
      endpoint: 'https://api.gatewayz.ai/v1/chat/completions?gateway=openrouter',
      status_code: 408,
      method: 'POST',
      gateway: 'openrouter',
      retry_count: 0,
      duration_ms: 120_000,
      online: true,
      timeout_ms: 120_000,
      late_status: 500,
      late_after_ms: 95_012,
    });
  });

  it('never answered: no late fields at all', () => {
    const ctx = reportToEvent(buildReport(observation({}), DEFAULT_CONFIG)).contexts?.backend_api as Record<string, unknown>;
    expect(ctx).not.toHaveProperty('late_status');
    expect(ctx).not.toHaveProperty('late_after_ms');
  });

  it('the guard refuses late fields that are not numbers', () => {
    const report = buildReport(observation({}), DEFAULT_CONFIG);
    expect(isBackendReport({ ...report, lateStatus: '200' })).toBe(false);
    expect(isBackendReport({ ...report, lateStatus: 200, lateAfterMs: null })).toBe(false);
  });
});

describe('the event of a stalled stream', () => {
  it('is a warning with its own kind, message and fingerprint, carrying the timeout and what arrived', () => {
    expect(classify({ type: 'stream_stalled', status: 200 }, DEFAULT_CONFIG.failedStatus)).toEqual({ kind: 'stream_stalled', level: 'warning' });
    const report: BackendReport = {
      ...buildReport(
        observation({ method: 'GET', classification: { kind: 'stream_stalled', level: 'warning' }, status: 200, timeoutMs: 30_000, headers: { get: (n) => (n === 'content-type' ? 'text/event-stream' : null) } }),
        DEFAULT_CONFIG,
        'c'.repeat(32),
      ),
      streamBytes: 120,
      streamEvents: 3,
      durationMs: 31_000,
    };
    expect(isBackendReport(report)).toBe(true);
    const event = reportToEvent(report);
    expect(event.message).toBe('Backend API GET /v1/chat/completions stream stalled: no data for 30000ms');
    expect(event.exception?.values?.[0]).toMatchObject({ type: 'BackendApiError', value: event.message });
    expect(event.level).toBe('warning');
    expect(event.tags).toMatchObject({ http_status: '200', failure_kind: 'stream_stalled', api_endpoint: '/v1/chat/completions' });
    expect(event.fingerprint).toEqual(['backend_api', 'GET', '/v1/chat/completions', 'stream_stalled']);
    expect(event.contexts?.backend_api).toMatchObject({ status_code: 200, timeout_ms: 30_000, stream_bytes: 120, stream_events: 3, duration_ms: 31_000, content_type: 'text/event-stream' });
  });
});

describe('health: late answers beside timeouts', () => {
  it('counts late answers per series, also when the timeout was counted in an earlier window, and a stall found after its window too', () => {
    const h = new HealthAggregator(0);
    h.record('https://api.x', '/v1/chat/completions', 'a', 120_000, 'timeout');
    h.record('https://api.x', '/v1/chat/completions', 'a', 120_000, 'timeout');
    h.late('https://api.x', '/v1/chat/completions', 'a');
    const first = h.drain(60_000, 'e'.repeat(32))!;
    expect(first.series).toEqual([{ origin: 'https://api.x', endpoint: '/v1/chat/completions', gateway: 'a', requests: 2, failures: { timeout: 2 }, late: 1, buckets: expect.any(Object) }]);
    // The second late answer, and a stall, come after the window closed: counted in the next one.
    h.late('https://api.x', '/v1/chat/completions', 'a');
    h.fail('https://api.x', '/v1/stream', 'a', 'stream_stalled');
    const second = h.drain(120_000, 'f'.repeat(32))!;
    expect(second.series).toEqual([
      { origin: 'https://api.x', endpoint: '/v1/chat/completions', gateway: 'a', requests: 0, failures: {}, late: 1, buckets: {} },
      { origin: 'https://api.x', endpoint: '/v1/stream', gateway: 'a', requests: 0, failures: { stream_stalled: 1 }, buckets: {} },
    ]);
    expect([first, second].every(isHealthReport)).toBe(true);
    expect(isHealthReport({ ...second, series: [{ ...second.series[0], late: 'one' }] })).toBe(false);

    // Merged across windows, then a metric of its own: backend_api.late, beside backend_api.failures{timeout}.
    expect(mergeSeries([first, second]).find((s) => s.endpoint === '/v1/chat/completions')).toMatchObject({ requests: 2, failures: { timeout: 2 }, late: 2 });
    const points = healthToMetrics([first, second]);
    const attributes = { origin: 'https://api.x', endpoint: '/v1/chat/completions', gateway: 'a' };
    expect(points.filter((p) => p.name === 'backend_api.late')).toEqual([{ type: 'count', name: 'backend_api.late', value: 2, attributes }]);
    expect(points.filter((p) => p.name === 'backend_api.failures' && p.attributes.endpoint === '/v1/chat/completions')).toEqual([
      { type: 'count', name: 'backend_api.failures', value: 2, attributes: { ...attributes, failure_kind: 'timeout' } },
    ]);
    expect(points.filter((p) => p.name === 'backend_api.failures' && p.attributes.endpoint === '/v1/stream')).toEqual([
      { type: 'count', name: 'backend_api.failures', value: 1, attributes: { origin: 'https://api.x', endpoint: '/v1/stream', gateway: 'a', failure_kind: 'stream_stalled' } },
    ]);
  });

  it('a series with no late answer has no late metric', () => {
    const h = new HealthAggregator(0);
    h.record('https://api.x', '/v1/models', 'a', 40_000, 'timeout');
    expect(healthToMetrics([h.drain(1, 'e'.repeat(32))!]).some((p) => p.name === 'backend_api.late')).toBe(false);
  });
});

describe('watchStream: stalls', () => {
  /** A body whose chunks come on a schedule: [delay before it, text]. */
  function source(schedule: Array<[number, string]>, onCancel?: () => void): Response {
    const enc = new TextEncoder();
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        const next = schedule[i++];
        if (!next) return c.close();
        await new Promise((r) => setTimeout(r, next[0]));
        c.enqueue(enc.encode(next[1]));
      },
      cancel: onCancel,
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }
  const readAll = async (r: Response, pauseMs = 0) => {
    const reader = r.body!.getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
      if (pauseMs) await new Promise((res) => setTimeout(res, pauseMs));
    }
  };

  it('a gap longer than stallMs is reported once, with what came before, and the stream goes on uncut', async () => {
    const reports: StreamOutcome[] = [];
    const watched = watchStream(source([[0, 'data: 1\n\n'], [0, 'data: 2\n\n'], [200, 'data: 3\n\n'], [150, 'data: 4\n\n']]), 40, async (o) => void reports.push(o));
    expect(await readAll(watched)).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n');
    expect(reports).toEqual([{ bytes: 18, events: 2, ms: expect.any(Number), stalled: true }]);
    expect(reports[0]!.ms).toBeGreaterThanOrEqual(40);
  });

  it('gaps shorter than stallMs are no stall, however long the stream', async () => {
    const reports: StreamOutcome[] = [];
    const watched = watchStream(source(Array.from({ length: 10 }, (_, i) => [15, `data: ${i}\n\n`] as [number, string])), 60, async (o) => void reports.push(o));
    await readAll(watched);
    expect(reports).toEqual([]);
  });

  it('a reader that pauses is no stall: only waiting on the API counts', async () => {
    const reports: StreamOutcome[] = [];
    const watched = watchStream(source([[0, 'data: 1\n\n'], [0, 'data: 2\n\n'], [0, 'data: 3\n\n']]), 40, async (o) => void reports.push(o));
    expect(await readAll(watched, 150)).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    expect(reports).toEqual([]);
  });

  it('a cancel goes upstream and ends the stall timer', async () => {
    const reports: StreamOutcome[] = [];
    let cancelled = false;
    const watched = watchStream(source([[0, 'data: 1\n\n'], [1000, 'data: 2\n\n']], () => void (cancelled = true)), 40, async (o) => void reports.push(o));
    const reader = watched.body!.getReader();
    await reader.read();
    // A read waits on the API (its stall timer armed) when the page cancels.
    const pending = reader.read();
    await reader.cancel();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(reports).toEqual([]);
  });
});
