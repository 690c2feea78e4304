import { isFailedStatus } from '../config.js';
import type { FailureKind, ReportLevel } from '../protocol.js';

/** What the worker saw of one request, before it is judged. */
export type Outcome =
  | { type: 'response'; status: number; opaque: boolean }
  | { type: 'timeout' }
  | { type: 'rejected'; online: boolean }
  | { type: 'stream_error' | 'stream_stalled'; status: number };

export interface Classification {
  kind: FailureKind;
  level: ReportLevel;
}

/**
 * the classification table in README.md ("What an event carries"). Names follow W3C Network Error Logging where a
 * worker can tell the difference; a worker sees only `TypeError: Failed to
 * fetch` for DNS, refused, reset, TLS and CORS failures alike, so those are all
 * `network_error` (https://w3c.github.io/network-error-logging/#predefined-network-error-types).
 * Returns null for what is not a failure: opaque (no-cors) responses, statuses
 * outside `failedStatus`.
 */
export function classify(outcome: Outcome, failedStatus: Array<[number, number]>): Classification | null {
  switch (outcome.type) {
    case 'response':
      if (outcome.opaque || !isFailedStatus(outcome.status, failedStatus)) return null;
      return { kind: 'http_error', level: outcome.status >= 500 ? 'error' : 'warning' };
    case 'timeout':
      return { kind: 'timeout', level: 'error' };
    case 'rejected':
      return outcome.online ? { kind: 'network_error', level: 'error' } : { kind: 'offline', level: 'warning' };
    case 'stream_error':
      return { kind: 'stream_error', level: 'error' };
    // A warning: the stream is not cut and may still finish; if it then breaks, that is a stream_error of its own.
    case 'stream_stalled':
      return { kind: 'stream_stalled', level: 'warning' };
  }
}
