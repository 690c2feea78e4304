import { baggageHeaderToDynamicSamplingContext, extractTraceparentData, type Event, type SeverityLevel } from '@sentry/core';
import { fingerprintOf, statusCodeOf, statusTag } from '../sw/core/reportRules.js';
import type { BackendReport } from '../sw/protocol.js';
import { reasonPhrase } from './statusText.js';

/** The path and (scrubbed) query of a report's URL, as the seed's timeout message shows it. */
function pathAndQuery(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

export function reportMessage(r: BackendReport): string {
  switch (r.kind) {
    case 'http_error': {
      const reason = reasonPhrase(r.status, r.statusText);
      return `Backend API ${r.method} ${r.endpoint} failed: ${r.status}${reason ? ` ${reason}` : ''}`;
    }
    case 'timeout':
      return `Backend API timeout after ${r.timeoutMs ?? 0}ms: ${pathAndQuery(r.url)}`;
    case 'offline':
      return `Backend API ${r.method} ${r.endpoint} failed: offline`;
    case 'network_error':
      // The rejection's text (which Chromium suffixes with the host) stays in the
      // context, so the message is the same for every occurrence.
      return `Backend API ${r.method} ${r.endpoint} failed: network error`;
    case 'stream_error':
      return `Backend API ${r.method} ${r.endpoint} stream interrupted after ${r.durationMs}ms`;
    case 'stream_stalled':
      return `Backend API ${r.method} ${r.endpoint} stream stalled: no data for ${r.timeoutMs ?? 0}ms`;
    case 'rate_limited':
      return `Backend API: ${r.heldBack ?? 0} failures held back by the rate limit`;
    case 'burst': {
      const b = r.burst;
      const where = b?.scope === 'gateway' ? `gateway ${b.key}` : (b?.key ?? r.endpoint);
      return b?.reason === 'sustained_5xx'
        ? `Backend API 5xx sustained for ${Math.round((b.count ?? 0) / 1000)}s on ${where}`
        : `Backend API burst: ${b?.count ?? 0} failures in a minute on ${where}`;
    }
  }
}

/**
 * Maps one worker report to a Sentry event: the fields README.md lists under
 * "What an event carries". Pure: the page's scope (user, release, tags) is
 * applied by the Sentry client that captures it.
 */
/**
 * The request's trace, from the headers it carried: `sentry-trace` (with the
 * sampling context of `baggage`'s `sentry-` entries, when it is that trace's),
 * else W3C `traceparent`. The event's place in it: a span of its own, made
 * from its event id (so every delivery gives the same), under the request's.
 */
function traceContextOf(r: BackendReport): { trace: { trace_id: string; span_id: string; parent_span_id: string }; dsc?: Record<string, unknown> } | undefined {
  const headers = r.trace;
  if (!headers) return undefined;
  const sentry = headers.sentryTrace ? extractTraceparentData(headers.sentryTrace) : undefined;
  const w3c = /^\s*[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\s*$/i.exec(headers.traceparent ?? '');
  const [traceId, spanId] = sentry?.traceId && sentry.parentSpanId ? [sentry.traceId, sentry.parentSpanId] : w3c ? [w3c[1]!.toLowerCase(), w3c[2]!.toLowerCase()] : [];
  if (!traceId || !spanId || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  const dsc = sentry?.traceId && headers.baggage ? baggageHeaderToDynamicSamplingContext(headers.baggage) : undefined;
  return { trace: { trace_id: traceId, span_id: r.eventId.slice(16, 32), parent_span_id: spanId }, ...(dsc?.trace_id === traceId && { dsc }) };
}

export function reportToEvent(r: BackendReport): Event & { event_id: string } {
  const status = statusTag(r.kind, r.status);
  // The seed tracker's fields first, then only what this failure has. The kind
  // is a tag, not repeated here: Spotlight folds any context of more than ten
  // keys away behind "{...}", and a plain failure's context fits in ten.
  const context: Record<string, unknown> = {
    endpoint: r.url,
    status_code: statusCodeOf(r.kind, r.status),
    method: r.method,
    gateway: r.gateway,
    retry_count: r.retryCount,
  };
  if (r.responsePreview !== undefined) context.response_preview = r.responsePreview;
  context.duration_ms = r.durationMs;
  context.online = r.online;
  if (r.retryAfter !== undefined) context.retry_after = r.retryAfter;
  if (r.timeoutMs !== undefined) context.timeout_ms = r.timeoutMs;
  if (r.lateStatus !== undefined) Object.assign(context, { late_status: r.lateStatus, late_after_ms: r.lateAfterMs });
  if (r.requestId !== undefined) context.request_id = r.requestId;
  if (r.contentType !== undefined) context.content_type = r.contentType;
  if (r.errorMessage !== undefined) context.error_message = r.errorMessage;
  if (r.heldBack) context.held_back = r.heldBack;
  if (r.streamBytes !== undefined) context.stream_bytes = r.streamBytes;
  if (r.streamEvents !== undefined) context.stream_events = r.streamEvents;
  if (r.burst) Object.assign(context, { burst_scope: r.burst.scope, burst_key: r.burst.key, burst_reason: r.burst.reason, burst_count: r.burst.count });
  if (r.burst?.suppressed) context.burst_alerts_suppressed = r.burst.suppressed;
  if (r.occurrencesByGateway) context.occurrences_by_gateway = r.occurrencesByGateway;
  if (r.rule !== undefined) context.rule = r.rule;
  if (r.appEventId !== undefined) context.app_event_id = r.appEventId;
  if (r.occurrences > 1) {
    context.occurrences = r.occurrences;
    context.first_seen = new Date(r.firstSeen).toISOString();
    context.last_seen = new Date(r.lastSeen).toISOString();
  }
  const message = reportMessage(r);
  const trace = traceContextOf(r);
  return {
    event_id: r.eventId,
    message,
    // As Sentry's own httpClientIntegration does: an exception gives the issue a
    // type to search by (error.type:BackendApiError) and puts it among errors
    // in every Sentry UI. `handled: true`, so a backend failure never counts as
    // a crash in release health.
    exception: {
      values: [{ type: 'BackendApiError', value: message, mechanism: { type: 'gatewayz-sw-monitor', handled: true } }],
    },
    level: r.level as SeverityLevel,
    timestamp: r.lastSeen / 1000,
    tags: {
      error_category: 'backend_api',
      api_endpoint: r.endpoint,
      http_status: status,
      http_method: r.method,
      gateway: r.gateway,
      failure_kind: r.kind,
    },
    // The request's own trace, when its headers carried one: the event sits in that trace, beside the backend's
    // spans and errors for the same call, as a child of the request's span. Otherwise the client gives the page's.
    contexts: trace ? { backend_api: context, trace: trace.trace } : { backend_api: context },
    ...(trace?.dsc && { sdkProcessingMetadata: { dynamicSamplingContext: trace.dsc } }),
    fingerprint: r.burst
      ? ['backend_api', 'burst', r.burst.scope, r.burst.key, r.burst.reason]
      : ['backend_api', ...fingerprintOf(r)],
  };
}
