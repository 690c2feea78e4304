import { timeoutOf, type MonitorConfig } from '../config.js';
import type { BackendReport, FailureKind, FailureNotice } from '../protocol.js';
import type { Observation } from '../report/buildReport.js';
import { classify, type Outcome } from '../report/classify.js';
import { isTextual, readPreview } from './readPreview.js';
import type { RetryTracker } from './retryTracker.js';
import { isStreamed, watchStream } from './watchStream.js';

declare const self: ServiceWorkerGlobalScope;

/** How long the preview read may take; it runs under waitUntil, after the page has its response. */
export const PREVIEW_DEADLINE_MS = 2000;

/**
 * Where watching a request puts what it saw: all it needs of the monitor
 * (`Monitor` implements it; a test may hand in its own).
 */
export interface RequestSink {
  /** Timeouts, which statuses are failures, how much of an error body to read. */
  readonly config: MonitorConfig;
  /** Failed attempts by method and URL, across requests (a retry's count). */
  readonly retries: RetryTracker;
  /** A request is watched from now (the worker's `observed` count). */
  watching(): void;
  /** A URL's endpoint template: what its timeout is looked up by. */
  endpointOf(url: string): string;
  /** Counts one request's outcome for health; `countRequest` false: a failure found after the request was counted. */
  observe(url: string, status: number, durationMs: number, failure: FailureKind | undefined, countRequest?: boolean): void;
  /** A timed-out request was answered after all: counted for health beside its timeout. */
  late(url: string): void;
  /**
   * The write-ahead: stores a failure; resolves (never rejects) with its event id when it made an event.
   * `noticed`: handed what the page may be told of it, once it is stored (not when a rule or hook dropped it).
   */
  capture(o: Observation, clientId: string, extra?: Partial<BackendReport>, notBefore?: number, noticed?: (n: Notice) => void): Promise<string | undefined>;
  /** Tells the tab that made a request that it failed, before its rejection goes on; never rejects. (Optional: a sink of one's own may tell nothing.) */
  tell?(clientId: string, notice: FailureNotice): Promise<void>;
  /** The error body's preview, read after the page got its response, added to the stored report. */
  addPreview(eventId: string, preview: string | undefined, headers?: { get(name: string): string | null }): Promise<void>;
  /** A timed-out request's late answer, added to its stored report. */
  addLate(eventId: string, status: number, afterMs: number): Promise<void>;
  /** An exception inside the monitor: counted, logged, never rethrown. */
  internalError(err: unknown): void;
}

/** What a failure's notice says, but when. */
export type Notice = Omit<FailureNotice, 'at'>;

/** One request on its way: what the standalone route handler and the Workbox plugin both report through. */
export interface RequestWatch {
  /**
   * The response's headers arrived. A success is handed back as it is (or, for
   * a stream, watched on its way). A failure is stored first (write-ahead), so
   * a worker stopped after the page has its response loses nothing; the error
   * body's preview is read afterwards from a clone.
   */
  responded(response: Response): Response | Promise<Response>;
  /**
   * The fetch rejected: stored, and the page told which request failed (a
   * `failed` message), before the rejection reaches it. `aborted`: the page
   * aborted it, which is no failure; but when the worker had already reported
   * it as a timeout, the page is told that timeout's report.
   */
  failed(error: unknown, aborted?: boolean): Promise<void>;
  /** The request ended without a fetch (a strategy answered from its cache): stop the timer. */
  ended(): void;
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Each config's timeout lookup, compiled once. */
const timeouts = new WeakMap<MonitorConfig, (endpoint: string) => number>();

/**
 * A rejected request's report is offered to pages no sooner than this after
 * it is stored: the page is told of the failure at once, and the app's own
 * event for the rejection (its Sentry's unhandled-rejection handler, then the
 * integration's processor, which may wait 300 ms) names the report back
 * before it can have left (README: The app's own network errors).
 */
const LINK_GRACE_MS = 750;

/**
 * Starts watching one request (sent at `startedAt`): its timer (observe only: past its endpoint's
 * timeout with no headers, a `timeout` is reported and the request goes on;
 * an answer after that only adds its status to the report, and a late count
 * to health) and its retry count. Every step catches its own errors:
 * observing never changes or breaks a request.
 */
export function watchRequest(m: RequestSink, request: Request, clientId: string, waitUntil: (p: Promise<unknown>) => void, startedAt = Date.now()): RequestWatch {
  const key = `${request.method} ${request.url}`;
  let retries = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timeoutMs = m.config.timeoutMs;
  /** Set when the timer fired: the timeout's capture, resolving to its event id when it made an event. */
  let timedOut: Promise<string | undefined> | undefined;
  /** What the page is told when the request's rejection goes on: set once its failure is stored. */
  let notice: Notice | undefined;
  const noticed = (n: Notice) => (notice = n);
  const tell = () => (notice ? m.tell?.(clientId, { ...notice, at: Date.now() }) : undefined);
  m.watching();

  const observation = (outcome: Outcome, response?: Response): Observation => ({
    classification: classify(outcome, m.config.failedStatus)!,
    method: request.method,
    url: request.url,
    status: response?.status ?? 0,
    statusText: response?.statusText ?? '',
    headers: response?.headers,
    requestHeaders: request.headers,
    startedAt,
    endedAt: Date.now(),
    retryCount: retries,
    online: self.navigator.onLine,
    timeoutMs,
  });

  try {
    retries = m.retries.retriesBefore(key, startedAt);
    let timeoutFor = timeouts.get(m.config);
    if (!timeoutFor) timeouts.set(m.config, (timeoutFor = timeoutOf(m.config)));
    timeoutMs = timeoutFor(m.endpointOf(request.url));
    timer = setTimeout(() => {
      try {
        const now = Date.now();
        // First: from here on, an answer is late.
        waitUntil((timedOut = m.capture(observation({ type: 'timeout' }), clientId, undefined, undefined, noticed)));
        m.retries.failed(key, retries, now);
        m.observe(request.url, 0, now - startedAt, 'timeout');
      } catch (err) {
        m.internalError(err);
      }
    }, timeoutMs - (Date.now() - startedAt));
  } catch (err) {
    m.internalError(err);
  }

  return {
    responded(response) {
      clearTimeout(timer);
      if (timedOut) {
        // The late answer: no second report, only its status on the timeout's (while no page has it yet).
        try {
          const status = response.status;
          const after = Date.now() - startedAt;
          m.late(request.url);
          waitUntil(timedOut.then((eventId) => (eventId ? m.addLate(eventId, status, after) : undefined)));
        } catch (err) {
          m.internalError(err);
        }
        return response;
      }
      try {
        const endedAt = Date.now();
        const outcome: Outcome = { type: 'response', status: response.status, opaque: response.type === 'opaque' || response.type === 'opaqueredirect' };
        const failure = classify(outcome, m.config.failedStatus);
        m.observe(request.url, response.status, endedAt - startedAt, failure?.kind);
        if (!failure) {
          m.retries.succeeded(key);
          if (!isStreamed(response)) return response;
          return watchStream(response, timeoutMs, ({ bytes, events, ms, error, stalled }) => {
            const type = stalled ? 'stream_stalled' : 'stream_error';
            const obs = observation({ type, status: response.status }, response);
            if (!stalled) obs.errorMessage = describe(error);
            m.observe(request.url, response.status, ms, type, false);
            // Stored before the page's read fails (a stall: at once, the stream going on); the stream's own reads keep the worker alive.
            return m.capture(obs, clientId, { streamBytes: bytes, streamEvents: events, durationMs: ms });
          });
        }
        m.retries.failed(key, retries, endedAt);
        const obs = { ...observation(outcome, response), endedAt };
        const wantPreview = m.config.previewChars > 0 && !!response.body && isTextual(response.headers.get('content-type'));
        return m.capture(obs, clientId, undefined, wantPreview ? endedAt + PREVIEW_DEADLINE_MS + 500 : undefined).then(
          (eventId) => {
            // Folded or held back: its body is not worth reading (in a storm, most failures are).
            if (eventId && wantPreview) {
              try {
                waitUntil(readPreview(response, m.config.previewChars, PREVIEW_DEADLINE_MS).then((preview) => m.addPreview(eventId, preview, response.headers)));
              } catch (err) {
                m.internalError(err);
              }
            }
            return response;
          },
          () => response,
        );
      } catch (err) {
        m.internalError(err);
        return response;
      }
    },

    failed(error, aborted) {
      clearTimeout(timer);
      // Already reported as a timeout: the page aborted it (or it failed) after that; no second report.
      if (timedOut) return timedOut.then(tell);
      if (aborted) return Promise.resolve();
      try {
        const now = Date.now();
        m.retries.failed(key, retries, now);
        const obs = observation({ type: 'rejected', online: self.navigator.onLine });
        obs.errorMessage = describe(error);
        m.observe(request.url, 0, now - startedAt, obs.classification.kind);
        return m.capture(obs, clientId, undefined, Date.now() + LINK_GRACE_MS, noticed).then(tell);
      } catch (err) {
        m.internalError(err);
        return Promise.resolve();
      }
    },

    ended() {
      clearTimeout(timer);
    },
  };
}
