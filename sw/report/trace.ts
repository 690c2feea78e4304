/**
 * The trace a request belongs to, from the headers the app's tracing put on
 * it: Sentry's `sentry-trace` (with `baggage`), else W3C `traceparent`. The
 * event for a failed request then joins that trace, beside the backend's own
 * spans and errors for the same call. Only these ids are read; the request is
 * never changed.
 */
import type { BackendReport } from '../protocol.js';

type Headers = { get(name: string): string | null };

/** The keys of Sentry's dynamic sampling context that `baggage` carries as `sentry-<key>`. */
const DSC_KEYS = ['trace_id', 'public_key', 'release', 'environment', 'transaction', 'sample_rate', 'sampled', 'sample_rand', 'org_id'];

export function traceOf(headers: Headers | undefined): BackendReport['trace'] {
  if (!headers) return undefined;
  const sentry = /^\s*([0-9a-f]{32})-([0-9a-f]{16})(?:-([01]))?\s*$/i.exec(headers.get('sentry-trace') ?? '');
  const w3c = sentry ? undefined : /^\s*[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})\s*$/i.exec(headers.get('traceparent') ?? '');
  const m = sentry ?? w3c;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  const trace: NonNullable<BackendReport['trace']> = { traceId: m[1]!.toLowerCase(), spanId: m[2]!.toLowerCase() };
  const flag = sentry ? m[3] : String(Number.parseInt(m[3]!, 16) & 1);
  if (flag) trace.sampled = flag === '1';
  if (sentry) {
    const dsc: Record<string, string> = {};
    for (const part of (headers.get('baggage') ?? '').split(',')) {
      const [k, v] = part.split('=');
      const key = k?.trim().replace(/^sentry-/, '');
      if (v && k?.trim().startsWith('sentry-') && DSC_KEYS.includes(key!)) {
        try {
          dsc[key!] = decodeURIComponent(v.trim()).slice(0, 200);
        } catch {
          /* a malformed value is left out */
        }
      }
    }
    if (dsc.trace_id === trace.traceId) trace.dsc = dsc;
  }
  return trace;
}
