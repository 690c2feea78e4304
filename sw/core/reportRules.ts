/**
 * Rules about a report that the worker and the page must agree on, each
 * written once: what makes two failures the same Sentry issue, and which
 * status an event shows. Pure; the page imports this module too.
 */
import type { BackendReport, FailureKind } from '../protocol.js';

/**
 * The fingerprint: the same method, endpoint template, and status (an HTTP or
 * stream error) or kind (anything else) make the same Sentry issue. The
 * worker folds duplicates by it (`foldKey` in quota/gate.ts); the page sends
 * it, after `backend_api`, as the event's fingerprint (a burst alert has its
 * own, by scope). Parts a rule added (the `rules` option) come last, so a
 * failure a rule changed folds, and groups, apart from those it left alone.
 */
export function fingerprintOf(r: Pick<BackendReport, 'method' | 'endpoint' | 'kind' | 'status' | 'fingerprintExtra'>): string[] {
  return [r.method, r.endpoint, r.kind === 'http_error' || r.kind === 'stream_error' ? String(r.status) : r.kind, ...(r.fingerprintExtra ?? [])];
}

/** The status an event shows (`status_code`): 408 for the worker's own timeout (no answer came in time), else the status seen. */
export function statusCodeOf(kind: FailureKind, status: number): number {
  return kind === 'timeout' ? 408 : status;
}

/** The `http_status` tag: the status code above, and 0 for what has no answer of its own (offline, network error, summaries). */
export function statusTag(kind: FailureKind, status: number): string {
  if (kind === 'offline' || kind === 'network_error' || kind === 'rate_limited' || kind === 'burst') return '0';
  return String(statusCodeOf(kind, status));
}
