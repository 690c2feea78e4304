/**
 * The rules option and trace linking, in the worker's write-ahead step (the
 * real Monitor against the in-memory store) and in the page's report → event
 * mapping. The browser half is e2e/rulesAndTrace.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../sw/report/buildReport.js';
import { buildReport } from '../sw/report/buildReport.js';
import { DEFAULT_CONFIG } from '../sw/config.js';
import { readOptions } from '../sw/options.js';
import { Monitor } from '../sw/Monitor.js';
import type { BackendReport } from '../sw/protocol.js';
import { traceOf } from '../sw/report/trace.js';
import { reportToEvent } from '../src/reportToEvent.js';
import { makeReport } from './fixtures/report.js';
import { MemoryStore } from './sim/memoryStore.js';
import { stubWorkerGlobals } from './fixtures/worker.js';

const headers = (h: Record<string, string>) => new Headers(h);

const observation = (path: string, status: number, gateway?: string, requestHeaders?: Headers): Observation => ({
  classification: { kind: 'http_error', level: status >= 500 ? 'error' : 'warning' },
  method: 'GET',
  url: `https://api.gatewayz.ai${path}${gateway ? `?gateway=${gateway}` : ''}`,
  status,
  statusText: '',
  startedAt: Date.now(),
  endedAt: Date.now(),
  retryCount: 0,
  online: true,
  requestHeaders,
});

const noPages = { list: async () => [], offer: async () => ({ received: false, acked: [] }) };

/** The two tunings the hand-written tracker's team planned. */
const TUNINGS = [
  { match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' },
  { match: { gateway: 'flaky-gw', status: 504 }, level: 'info' },
  { match: { endpoint: '/v1/images/*', kind: 'http_error', status: '500-599' }, fingerprint: ['images-upstream'] },
];

function monitor() {
  const { values, errors } = readOptions({ rules: TUNINGS }, 'route');
  expect(errors).toEqual([]);
  const store = new MemoryStore();
  const m = new Monitor({ config: { ...DEFAULT_CONFIG, ...values }, store, pages: noPages });
  const reports = () => [...store.outbox.values()].map((r) => r.report as BackendReport);
  return { m, store, reports };
}

stubWorkerGlobals();

describe('rules in the write-ahead', () => {
  it('ignore: no report is stored and the failure is counted as ignored', async () => {
    const { m, reports } = monitor();
    expect(await m.capture(observation('/v1/legacy/models', 404), 'c1')).toBeUndefined();
    expect(reports()).toEqual([]);
    expect(m.stats.ignored).toBe(1);
    expect(m.stats.failures).toBe(1);
    // The same endpoint's other statuses, and other endpoints' 404s, are reported as before.
    await m.capture(observation('/v1/legacy/models', 500), 'c1');
    await m.capture(observation('/v1/models', 404), 'c1');
    expect(reports().map((r) => [r.endpoint, r.status, r.level, r.rule, r.fingerprintExtra])).toEqual([
      ['/v1/legacy/models', 500, 'error', undefined, undefined],
      ['/v1/models', 404, 'warning', undefined, undefined],
    ]);
  });

  it("level: the flaky gateway's 504s are info and fold apart; another gateway's 504s on the same endpoint stay their own error event", async () => {
    const { m, reports } = monitor();
    await m.capture(observation('/v1/chat/completions', 504, 'flaky-gw'), 'c1');
    await m.capture(observation('/v1/chat/completions', 504, 'other-gw'), 'c1');
    // Within the fold window: each folds into its own first event, not into the other's.
    await m.capture(observation('/v1/chat/completions', 504, 'flaky-gw'), 'c1');
    const stored = reports();
    expect(stored.map((r) => [r.gateway, r.level, r.rule, r.fingerprintExtra])).toEqual([
      ['flaky-gw', 'info', 2, ['level:info']],
      ['other-gw', 'error', undefined, undefined],
    ]);
    const [flaky, other] = stored.map((r) => reportToEvent(r));
    expect(flaky!.level).toBe('info');
    expect(flaky!.fingerprint).toEqual(['backend_api', 'GET', '/v1/chat/completions', '504', 'level:info']);
    expect((flaky!.contexts?.backend_api as Record<string, unknown>).rule).toBe(2);
    expect(other!.level).toBe('error');
    expect(other!.fingerprint).toEqual(['backend_api', 'GET', '/v1/chat/completions', '504']);
    expect(m.stats.reported).toBe(2);
  });

  it('fingerprint: the parts are added after the usual ones', async () => {
    const { m, reports } = monitor();
    await m.capture(observation('/v1/images/generations', 502), 'c1');
    expect(reportToEvent(reports()[0]!).fingerprint).toEqual(['backend_api', 'GET', '/v1/images/generations', '502', 'images-upstream']);
  });
});

describe('trace linking', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanId = 'b7ad6b7169203331';
  const EVENT_ID = 'a'.repeat(16) + 'b'.repeat(16);
  /** A failed request with these headers, through the worker's report and the page's event. */
  const eventFor = (h: Record<string, string>) => reportToEvent(buildReport(observation('/v1/models', 503, undefined, headers(h)), DEFAULT_CONFIG, EVENT_ID));

  it('the worker keeps the trace headers as they came, and of baggage only its sentry- entries', () => {
    expect(traceOf(headers({ 'sentry-trace': `${traceId}-${spanId}-1`, baggage: `other=user-42, sentry-trace_id=${traceId},vendor=x,sentry-release=app%401.0` }))).toEqual({
      sentryTrace: `${traceId}-${spanId}-1`,
      baggage: ` sentry-trace_id=${traceId},sentry-release=app%401.0`,
    });
    expect(traceOf(headers({ traceparent: `00-${traceId}-${spanId}-01`, baggage: 'other=1' }))).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    expect(traceOf(headers({ baggage: `sentry-trace_id=${traceId}` }))).toBeUndefined();
    expect(traceOf(undefined)).toBeUndefined();
  });

  it("sentry-trace: the event's trace context is that trace, a child of the request's span, the same on every delivery; baggage gives the sampling context", () => {
    const event = eventFor({ 'sentry-trace': `${traceId}-${spanId}-1`, baggage: `sentry-trace_id=${traceId},sentry-environment=prod,sentry-public_key=pk` });
    expect(event.contexts?.trace).toEqual({ trace_id: traceId, parent_span_id: spanId, span_id: 'b'.repeat(16) });
    expect(event.sdkProcessingMetadata).toEqual({ dynamicSamplingContext: { trace_id: traceId, environment: 'prod', public_key: 'pk' } });
    expect(eventFor({ 'sentry-trace': `${traceId}-${spanId}-1`, baggage: `sentry-trace_id=${traceId},sentry-environment=prod,sentry-public_key=pk` }).contexts?.trace).toEqual(event.contexts?.trace);
    // A baggage of another trace is not this request's sampling context.
    expect(eventFor({ 'sentry-trace': `${traceId}-${spanId}`, baggage: 'sentry-trace_id=ffffffffffffffffffffffffffffffff' }).sdkProcessingMetadata).toBeUndefined();
  });

  it('W3C traceparent, when there is no sentry-trace; sentry-trace wins when both are there', () => {
    expect(eventFor({ traceparent: `00-${traceId}-${spanId}-01` }).contexts?.trace).toEqual({ trace_id: traceId, parent_span_id: spanId, span_id: 'b'.repeat(16) });
    expect(eventFor({ traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`, 'sentry-trace': `${traceId}-${spanId}` }).contexts?.trace).toMatchObject({ trace_id: traceId, parent_span_id: spanId });
  });

  it('what is not a trace header gives the event no trace of its own (the client gives the page\'s)', () => {
    for (const h of [{ 'sentry-trace': 'nonsense' }, { traceparent: `00-${'0'.repeat(32)}-${spanId}-01` }, { traceparent: `00-${traceId}-${'0'.repeat(16)}-01` }, {}] as Array<Record<string, string>>) {
      const event = eventFor(h);
      expect(event.contexts?.trace, JSON.stringify(h)).toBeUndefined();
      expect(event.sdkProcessingMetadata).toBeUndefined();
    }
    expect(reportToEvent(makeReport({})).contexts?.trace).toBeUndefined();
  });
});
