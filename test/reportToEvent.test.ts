import { describe, expect, it } from 'vitest';
import { buildReport, type Observation } from '../sw/report/buildReport.js';
import { DEFAULT_CONFIG } from '../sw/config.js';
import { isBackendReport, parsePageMessage, parseWorkerMessage, PROTOCOL_VERSION, workerMessage } from '../sw/protocol.js';
import { reportToEvent } from '../src/reportToEvent.js';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

function observe(partial: Partial<Observation>): Observation {
  return {
    classification: { kind: 'http_error', level: 'error' },
    method: 'get',
    url: 'https://api.gatewayz.ai/v1/models?gateway=openrouter',
    status: 503,
    statusText: '',
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_000_250,
    retryCount: 0,
    online: true,
    ...partial,
  };
}

describe('buildReport → reportToEvent', () => {
  it('a 503 carries the seed event: message, level, tags, context and fingerprint', () => {
    const report = buildReport(
      observe({ headers: headers({ 'x-request-id': 'req-1', 'content-type': 'application/json' }), preview: '{"error":"Service temporarily unavailable"}', retryCount: 2 }),
      DEFAULT_CONFIG,
      'a'.repeat(32),
    );
    expect(isBackendReport(report)).toBe(true);
    expect(reportToEvent(report)).toEqual({
      event_id: 'a'.repeat(32),
      message: 'Backend API GET /v1/models failed: 503 Service Unavailable',
      exception: {
        values: [
          {
            type: 'BackendApiError',
            value: 'Backend API GET /v1/models failed: 503 Service Unavailable',
            mechanism: { type: 'gatewayz-sw-monitor', handled: true },
          },
        ],
      },
      level: 'error',
      timestamp: 1_700_000_000.25,
      tags: {
        error_category: 'backend_api',
        api_endpoint: '/v1/models',
        http_status: '503',
        http_method: 'GET',
        gateway: 'openrouter',
        failure_kind: 'http_error',
      },
      contexts: {
        backend_api: {
          endpoint: 'https://api.gatewayz.ai/v1/models?gateway=openrouter',
          status_code: 503,
          method: 'GET',
          gateway: 'openrouter',
          retry_count: 2,
          duration_ms: 250,
          online: true,
          response_preview: '{"error":"Service temporarily unavailable"}',
          request_id: 'req-1',
          content_type: 'application/json',
        },
      },
      fingerprint: ['backend_api', 'GET', '/v1/models', '503'],
    });
  });

  it('the context leads with the seed\'s fields and stays within the ten keys Spotlight shows unfolded', () => {
    const report = buildReport(
      observe({ headers: headers({ 'x-request-id': 'req-1', 'content-type': 'application/json' }), preview: '{"error":"down"}', retryCount: 1 }),
      DEFAULT_CONFIG,
    );
    const keys = Object.keys(reportToEvent(report).contexts?.backend_api ?? {});
    expect(keys.slice(0, 6)).toEqual(['endpoint', 'status_code', 'method', 'gateway', 'retry_count', 'response_preview']);
    expect(keys.length).toBeLessThanOrEqual(10);
    // The kind is on the event once, as a tag.
    expect(keys).not.toContain('failure_kind');
  });

  it('a timeout says how long, tags 408 and keys the fingerprint on the kind', () => {
    const event = reportToEvent(
      buildReport(observe({ classification: { kind: 'timeout', level: 'error' }, status: 0, url: 'https://api.gatewayz.ai/v1/models?gateway=huggingface' }), DEFAULT_CONFIG),
    );
    expect(event.message).toBe('Backend API timeout after 30000ms: /v1/models?gateway=huggingface');
    expect(event.tags).toMatchObject({ http_status: '408', gateway: 'huggingface', failure_kind: 'timeout' });
    expect(event.contexts?.backend_api).toMatchObject({ status_code: 408, timeout_ms: 30000 });
    expect(event.fingerprint).toEqual(['backend_api', 'GET', '/v1/models', 'timeout']);
  });

  it('a 429 takes retry_after from the header, else from the JSON body', () => {
    const fromHeader = buildReport(observe({ status: 429, headers: headers({ 'retry-after': '30' }), classification: { kind: 'http_error', level: 'warning' } }), DEFAULT_CONFIG);
    expect(reportToEvent(fromHeader).contexts?.backend_api).toMatchObject({ retry_after: '30' });
    const fromBody = buildReport(observe({ status: 429, preview: '{"error":"Rate limit exceeded","retry_after":30}', classification: { kind: 'http_error', level: 'warning' } }), DEFAULT_CONFIG);
    const e = reportToEvent(fromBody);
    expect(e.message).toBe('Backend API GET /v1/models failed: 429 Too Many Requests');
    expect(e.level).toBe('warning');
    expect(e.contexts?.backend_api).toMatchObject({ retry_after: '30' });
  });

  it('offline and network errors tag status 0 and gateway all when absent', () => {
    const off = reportToEvent(buildReport(observe({ classification: { kind: 'offline', level: 'warning' }, status: 0, url: 'https://api.gatewayz.ai/v1/models', online: false }), DEFAULT_CONFIG));
    expect(off.message).toBe('Backend API GET /v1/models failed: offline');
    expect(off.tags).toMatchObject({ http_status: '0', gateway: 'all' });
    expect(off.contexts?.backend_api).toMatchObject({ online: false, status_code: 0 });
    const net = reportToEvent(buildReport(observe({ classification: { kind: 'network_error', level: 'error' }, status: 0, errorMessage: 'TypeError: Failed to fetch (api.gatewayz.ai)' }), DEFAULT_CONFIG));
    expect(net.message).toBe('Backend API GET /v1/models failed: network error');
    expect(net.contexts?.backend_api).toMatchObject({ error_message: 'TypeError: Failed to fetch (api.gatewayz.ai)' });
  });

  it('folded duplicates say how many and when', () => {
    const r = buildReport(observe({}), DEFAULT_CONFIG);
    r.occurrences = 7;
    r.firstSeen = Date.UTC(2026, 0, 1, 0, 0, 0);
    r.lastSeen = Date.UTC(2026, 0, 1, 0, 0, 42);
    expect(reportToEvent(r).contexts?.backend_api).toMatchObject({ occurrences: 7, first_seen: '2026-01-01T00:00:00.000Z', last_seen: '2026-01-01T00:00:42.000Z' });
    expect(reportToEvent(r).contexts?.backend_api).not.toHaveProperty('occurrences_by_gateway');
    r.occurrencesByGateway = { openrouter: 5, groq: 2 };
    expect(reportToEvent(r).contexts?.backend_api).toMatchObject({ occurrences_by_gateway: { openrouter: 5, groq: 2 } });
  });

  it('scrubs the URL and the preview before anything leaves the worker', () => {
    const r = buildReport(observe({ url: 'https://api.gatewayz.ai/v1/models?api_key=sk-live-1234567890abcdefgh&gateway=x', preview: 'bad key sk-live-1234567890abcdefgh for bob@example.com' }), DEFAULT_CONFIG);
    expect(JSON.stringify(r)).not.toContain('1234567890abcdefgh');
    expect(JSON.stringify(r)).not.toContain('bob@example.com');
  });
});

describe('protocol guards', () => {
  const report = buildReport(observe({}), DEFAULT_CONFIG);

  it('accept the worker\'s own messages', () => {
    expect(parseWorkerMessage(workerMessage('reports', { reports: [report] }))).toEqual({ message: workerMessage('reports', { reports: [report] }) });
  });

  it('reject anything else, and flag another protocol version', () => {
    expect(parseWorkerMessage({ type: 'reports', payload: { reports: [report] } })).toBeNull();
    expect(parseWorkerMessage({ source: 'gatewayz-sw-monitor', v: PROTOCOL_VERSION, type: 'reports', payload: { reports: [{ ...report, eventId: 'x' }] } })).toBeNull();
    expect(parseWorkerMessage({ source: 'gatewayz-sw-monitor', v: 99, type: 'reports', payload: {} })).toEqual({ versionMismatch: 99 });
    expect(parsePageMessage({ source: 'gatewayz-sw-monitor', v: PROTOCOL_VERSION, type: 'report', payload: {} })).toBeNull();
    expect(parsePageMessage({ source: 'gatewayz-sw-monitor', v: PROTOCOL_VERSION, type: 'ack', payload: { eventIds: [1] } })).toBeNull();
    expect(parsePageMessage('hello')).toBeNull();
  });
});
