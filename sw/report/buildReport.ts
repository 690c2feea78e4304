import type { Classification } from './classify.js';
import type { MonitorConfig } from '../config.js';
import { endpointTemplate } from './endpointTemplate.js';
import type { BackendReport } from '../protocol.js';
import { scrubPreview, scrubText, scrubUrl } from './scrub.js';
import { traceOf } from './trace.js';

/** Response headers that identify a request on the server; read only where CORS exposes them. */
export const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id', 'cf-ray', 'x-amzn-requestid', 'x-vercel-id'] as const;

/** `previewChars` when the caller's config leaves it out (the default). */
const DEFAULT_PREVIEW_CHARS = 500;

/** What the worker observed of one failed request; everything raw, unscrubbed. */
export interface Observation {
  classification: Classification;
  method: string;
  url: string;
  status: number;
  statusText: string;
  startedAt: number;
  endedAt: number;
  retryCount: number;
  online: boolean;
  /** The request's headers: only the trace headers are read (sentry-trace, baggage, traceparent). */
  requestHeaders?: { get(name: string): string | null };
  /** Response headers (only the allowlisted ones are read). */
  headers?: { get(name: string): string | null };
  /** The start of the error body: previewChars and a margin past it, cut only after scrubbing. */
  preview?: string;
  errorMessage?: string;
  /** The request's own timeout (its endpoint's, else `timeoutMs`): for timeout and stream_stalled. */
  timeoutMs?: number;
}

/** The `gateway` query parameter, `all` when absent (the seed's tag), scrubbed. */
export function gatewayOf(url: URL | undefined): string {
  return scrubText(url?.searchParams.get('gateway') || 'all').slice(0, 100);
}

export function newEventId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

/** The Retry-After header, else a `retry_after` field in a JSON error body (as the seed's 429 shows). */
export function retryAfterOf(headers: Observation['headers'], preview: string | undefined): string | undefined {
  const header = headers?.get('retry-after');
  if (header) return header.slice(0, 64);
  const m = preview && /"retry[_-]?after"\s*:\s*"?(\d+(?:\.\d+)?)/i.exec(preview);
  return m ? m[1] : undefined;
}

/**
 * Builds a report from an observation, scrubbing every field that carries
 * text from the network: URL, gateway, status text, request id, preview and
 * error message. Each is scrubbed whole, then cut to its length.
 */
export function buildReport(
  o: Observation,
  config: Pick<MonitorConfig, 'timeoutMs' | 'scrubParams'> & Partial<Pick<MonitorConfig, 'previewChars'>>,
  eventId = newEventId(),
): BackendReport {
  let parsed: URL | undefined;
  try {
    parsed = new URL(o.url);
  } catch {
    /* a Request always has an absolute URL; defensive only */
  }
  const { kind, level } = o.classification;
  const requestId = o.headers && REQUEST_ID_HEADERS.map((h) => o.headers!.get(h)).find((v) => v);
  const contentType = o.headers?.get('content-type') ?? undefined;
  const report: BackendReport = {
    eventId,
    kind,
    level,
    method: o.method.toUpperCase(),
    url: scrubUrl(o.url, config.scrubParams),
    endpoint: parsed ? endpointTemplate(parsed.pathname) : '/',
    gateway: gatewayOf(parsed),
    status: o.status,
    // The reason phrase as sent (empty over HTTP/2 and 3); the page fills a standard one in. A server chooses it, so it is scrubbed too.
    statusText: scrubText(o.statusText).slice(0, 100),
    retryCount: o.retryCount,
    durationMs: Math.max(0, Math.round(o.endedAt - o.startedAt)),
    startedAt: o.startedAt,
    online: o.online,
    occurrences: 1,
    firstSeen: o.endedAt,
    lastSeen: o.endedAt,
  };
  if (kind === 'timeout' || kind === 'stream_stalled') report.timeoutMs = o.timeoutMs ?? config.timeoutMs;
  const ra = kind === 'http_error' ? retryAfterOf(o.headers, o.preview) : undefined;
  if (ra) report.retryAfter = ra;
  // A request id from an allowlisted header is an id by definition: kept even when it looks random, but known key formats and URLs in it are not.
  if (requestId) report.requestId = scrubText(requestId, true).slice(0, 200);
  if (contentType) report.contentType = contentType.slice(0, 100);
  if (o.preview !== undefined) report.responsePreview = scrubPreview(o.preview, config.previewChars ?? DEFAULT_PREVIEW_CHARS);
  if (o.errorMessage) report.errorMessage = scrubPreview(o.errorMessage, 300);
  const trace = traceOf(o.requestHeaders);
  if (trace) report.trace = trace;
  return report;
}
