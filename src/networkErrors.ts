/**
 * The app's own network errors name their request. When a watched API call
 * rejects, the app's code usually lets the rejection go unhandled and its
 * Sentry records `TypeError: Failed to fetch` (Chromium), `TypeError:
 * NetworkError when attempting to fetch resource.` (Firefox) or `TypeError:
 * Load failed` (WebKit), with no URL, method or cause. The worker knows which
 * request failed: after its write-ahead and before the rejection goes on, it
 * tells the tab that made the request (a `failed` message: the report's
 * event id, method, scrubbed URL, endpoint template, kind and time).
 *
 * Here, the page side: a log of what this tab was told, and an event
 * processor on the app's Sentry client that finds, for such an error, the
 * failures told within a short moment before it. One: the event gains the
 * request (`backend_request` context, tags `api_endpoint` and
 * `failure_kind`) and the worker is told the app event's id for its report.
 * Several: the event lists them all, marked ambiguous, and no report is named.
 * None: the event is left as it is. The app's `fetch` is never patched, and
 * the processor fails open: it never drops an event or changes anything of it
 * but the fields it adds.
 */
import type { Event, EventHint } from '@sentry/core';
import isNetworkError from 'is-network-error';
import type { FailureKind, FailureNotice } from '../sw/protocol.js';

/** The failures a rejection may come from: those told this long before the app's event, at most. */
export const MATCH_WINDOW_MS = 3000;
/** When nothing was told yet, how long the event waits for the worker's message, at most. */
export const MAX_WAIT_MS = 300;
/**
 * The moment's end, after the event: a second request failing at the same
 * moment may be told a little after the app's event of the first (each
 * request's write-ahead is its own storage transaction), and then the event
 * must say it is ambiguous rather than name the first. Once one failure is
 * found, the event waits this long after its own moment to hear of others.
 */
export const SETTLE_MS = 250;
/** Notices kept, at most (the oldest go first); older than the window they are dropped anyway. */
const KEEP = 100;
/** Candidates an ambiguous event lists, at most (each is a context of its own). */
export const MAX_CANDIDATES = 5;

/**
 * Which of the app's errors a failed request can explain. `network`: a fetch
 * rejection's TypeError in any engine's wording (is-network-error knows them,
 * WebKit's `Load failed` included once Sentry has seen the error);
 * `abort`: the `AbortError` or `TimeoutError` of a fetch the app cut itself
 * (an AbortController, `AbortSignal.timeout`), which only a timeout the worker
 * had reported can explain.
 */
export type RejectionKind = 'network' | 'abort';

/** What an app error says of the request it came from: its kind, and the request's host when the error names it. */
export interface Rejection {
  kind: RejectionKind;
  host?: string;
}

/**
 * Sentry's fetch instrumentation (`enhanceFetchErrorMessages`, on by default)
 * appends the request's host to the three engines' wordings: `Failed to fetch
 * (api.example.com)`, `NetworkError when attempting to fetch resource.
 * (api.example.com)`, `Load failed (api.example.com)`. is-network-error knows
 * the suffix on the first and last only.
 */
const HOST_SUFFIX = / \(([^()\s]+)\)$/;
/** WebKit's wording when the request went through a service worker whose answer was a network error (the monitor's, rethrowing the rejection). */
const THROUGH_A_WORKER = 'Response served by service worker is an error';

export function rejectionOf(error: unknown): Rejection | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError') return { kind: 'abort' };
  if (name !== 'TypeError' || typeof message !== 'string') return undefined;
  const suffix = HOST_SUFFIX.exec(message);
  const bare = suffix ? message.slice(0, suffix.index) : message;
  // The same error with the bare wording, and whatever is-network-error reads besides (no stack, Sentry's mark).
  const asEngineSaidIt = () => {
    const copy = new TypeError(bare);
    if ((error as Error).stack === undefined) Object.defineProperty(copy, 'stack', { value: undefined });
    if ('__sentry_captured__' in error) Object.defineProperty(copy, '__sentry_captured__', { value: true });
    return copy;
  };
  if (!(isNetworkError(error) || bare === THROUGH_A_WORKER || (suffix && isNetworkError(asEngineSaidIt())))) return undefined;
  // With `enhanceFetchErrorMessages: 'report-only'` Sentry keeps the host aside instead.
  const aside = (error as { __sentry_fetch_url_host__?: unknown }).__sentry_fetch_url_host__;
  const host = suffix?.[1] ?? (typeof aside === 'string' ? aside : undefined);
  return host ? { kind: 'network', host } : { kind: 'network' };
}

/** Which of the app's errors a failed request can explain (rejectionOf's kind). */
export function rejectionKind(error: unknown): RejectionKind | undefined {
  return rejectionOf(error)?.kind;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};

/** The failure kinds each rejection can come from: an abort only from a reported timeout; a network error from any told kind. */
const explains = (r: RejectionKind, kind: FailureKind) => r === 'network' || kind === 'timeout';

export interface MatchClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const realClock: MatchClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

/** What this tab was told of its failed requests. */
export interface FailureLog {
  /** A `failed` message from the worker. */
  add(notice: FailureNotice): void;
  /**
   * The failures an error of this kind, seen at `at`, may come from: those
   * told within MATCH_WINDOW_MS before it (and SETTLE_MS after), to `host`
   * when the error names the request's host. Waits for the worker's message up
   * to MAX_WAIT_MS when none came yet, and until SETTLE_MS after `at` once
   * one did, so that two failing at once are both found.
   */
  match(at: number, kind: RejectionKind, host?: string): Promise<FailureNotice[]>;
}

export function createFailureLog(clock: MatchClock = realClock): FailureLog {
  const notices: FailureNotice[] = [];
  const waiting = new Set<() => void>();
  const found = (at: number, kind: RejectionKind, host?: string) =>
    notices.filter((n) => n.at <= at + SETTLE_MS && n.at >= at - MATCH_WINDOW_MS && explains(kind, n.kind) && (host === undefined || hostOf(n.url) === host));
  /** Resolves after `ms`, or sooner when a notice arrives. */
  const nextNotice = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clock.clearTimeout(timer);
        waiting.delete(done);
        resolve();
      };
      const timer = clock.setTimeout(done, ms);
      waiting.add(done);
    });
  return {
    add(notice) {
      const old = clock.now() - MATCH_WINDOW_MS - MAX_WAIT_MS;
      while (notices.length > 0 && (notices.length >= KEEP || notices[0]!.at < old)) notices.shift();
      notices.push(notice);
      for (const wake of [...waiting]) wake();
    },
    async match(at, kind, host) {
      for (;;) {
        const candidates = found(at, kind, host);
        const until = at + (candidates.length > 0 ? SETTLE_MS : MAX_WAIT_MS);
        const now = clock.now();
        if (now >= until) return candidates;
        await nextNotice(until - now);
      }
    },
  };
}

const describe = (n: FailureNotice) => ({
  method: n.method,
  url: n.url,
  endpoint: n.endpoint,
  failure_kind: n.kind,
  ...(n.eventId && { monitor_event_id: n.eventId }),
  failed_at: new Date(n.at).toISOString(),
});

/**
 * Adds the failures found to the app's event: never its message, exception,
 * level or fingerprint (so never its grouping), and never a tag or context it
 * already has. One failure: the `backend_request` context is that request
 * (method, scrubbed url, endpoint template, failure_kind, the monitor's
 * report as monitor_event_id, failed_at), with tags `api_endpoint` and
 * `failure_kind`. Several: `backend_request` is `{ ambiguous: true,
 * candidates: N }` and each candidate is a context of its own,
 * `backend_request_1` to `backend_request_N` (at most MAX_CANDIDATES, the
 * latest), shaped as one; a tag only where every candidate agrees. (Contexts
 * side by side, not a list inside one: Sentry normalizes an event to depth 3,
 * which would turn a list's entries into "[Object]".)
 */
export function addFailures(event: Event, failures: FailureNotice[]): Event {
  if (failures.length === 0) return event;
  const contexts: Record<string, Record<string, unknown>> = {};
  if (failures.length === 1) contexts.backend_request = describe(failures[0]!);
  else {
    contexts.backend_request = { ambiguous: true, candidates: failures.length };
    failures.slice(-MAX_CANDIDATES).forEach((f, i) => (contexts[`backend_request_${i + 1}`] = describe(f)));
  }
  const tags: Record<string, string> = {};
  const agreed = (values: string[]) => (values.every((v) => v === values[0]) ? values[0] : undefined);
  const endpoint = agreed(failures.map((f) => f.endpoint));
  const kind = agreed(failures.map((f) => f.kind));
  if (endpoint !== undefined) tags.api_endpoint = endpoint;
  if (kind !== undefined) tags.failure_kind = kind;
  event.contexts = { ...contexts, ...event.contexts };
  event.tags = { ...tags, ...event.tags };
  return event;
}

export interface NetworkErrorOptions {
  log: FailureLog;
  /** Whether a worker controls this page, so that it can tell of failures at all (else nothing is waited for). */
  watched(): boolean;
  /** The app's event `appEventId` came from the request the worker reported as `eventId`: tell the worker. */
  named(eventId: string, appEventId: string): void;
  now?: () => number;
}

/**
 * The event processor for the app's Sentry client. Only error events whose
 * original exception is a fetch's network error (or abort) are looked at; any
 * other event goes on untouched and at once. Fails open: whatever goes wrong,
 * the event goes on as it was given.
 */
export function networkErrorProcessor({ log, watched, named, now = Date.now }: NetworkErrorOptions) {
  return (event: Event, hint: EventHint): Event | PromiseLike<Event> => {
    try {
      if (event.type !== undefined || !watched()) return event;
      const rejection = rejectionOf(hint?.originalException);
      if (!rejection) return event;
      return log.match(now(), rejection.kind, rejection.host).then(
        (failures) => {
          try {
            addFailures(event, failures);
            const one = failures.length === 1 ? failures[0]! : undefined;
            if (one?.eventId && event.event_id) named(one.eventId, event.event_id);
          } catch {
            // The event goes on with what it had.
          }
          return event;
        },
        () => event,
      );
    } catch {
      return event;
    }
  };
}
