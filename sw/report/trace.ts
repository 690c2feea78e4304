/**
 * The trace headers a request carried, for its event to join that trace
 * (beside the backend's own spans and errors for the same call): Sentry's
 * `sentry-trace`, W3C `traceparent`, and of `baggage` only its `sentry-`
 * entries (another vendor's are none of ours). Kept as they came, capped; the
 * page reads them with @sentry/core's own parsers (src/reportToEvent.ts), so
 * the worker carries none. The request is never changed.
 */
import type { BackendReport } from '../protocol.js';

export function traceOf(headers: { get(name: string): string | null } | undefined): BackendReport['trace'] {
  const sentryTrace = headers?.get('sentry-trace')?.slice(0, 100);
  const traceparent = headers?.get('traceparent')?.slice(0, 100);
  if (!sentryTrace && !traceparent) return undefined;
  const baggage = headers!
    .get('baggage')
    ?.split(',')
    .filter((entry) => entry.trim().startsWith('sentry-'))
    .join(',')
    .slice(0, 1000);
  return { ...(sentryTrace && { sentryTrace }), ...(traceparent && { traceparent }), ...(baggage && { baggage }) };
}
