import type { WorkboxPlugin, WorkboxPluginCallbackParam } from 'workbox-core/types.js';
import type { Observation } from './buildReport.js';
import { classify, type Outcome } from './classify.js';
import type { Monitor } from './Monitor.js';
import { readPreview } from './readPreview.js';
import { isStreamed, watchStream } from './watchStream.js';

declare const self: ServiceWorkerGlobalScope;

/** How long the preview read may take; it runs under waitUntil, never in front of the response. */
const PREVIEW_DEADLINE_MS = 2000;

interface RequestState {
  startedAt: number;
  retries: number;
  key: string;
  timer?: ReturnType<typeof setTimeout>;
  /** Set when the worker's own timer reported this request: one request, one report. */
  timedOut?: boolean;
}

/**
 * The Workbox plugin that observes each request's outcome. Add it to any
 * strategy; `registerMonitorRoute` adds it to a pass-through strategy for you.
 * Every callback hands back what it was given (or, for a stream, the same
 * response watched on its way), and catches its own errors, so observing can
 * never change or break a request.
 */
export class BackendMonitorPlugin implements WorkboxPlugin {
  #monitor: Monitor;

  constructor(monitor: Monitor) {
    this.#monitor = monitor;
  }

  // handlerWillStart rather than requestWillFetch: Workbox clones the request
  // for every requestWillFetch callback, and this needs only its URL.
  handlerWillStart: WorkboxPlugin['handlerWillStart'] = async ({ request, event, state }) => {
    try {
      const s = state as unknown as Partial<RequestState>;
      const m = this.#monitor;
      m.stats.observed++;
      s.startedAt = Date.now();
      s.key = `${request.method} ${request.url}`;
      s.retries = m.retries.retriesBefore(s.key, s.startedAt);
      // The worker's own timer: observe only, the request goes on.
      s.timer = setTimeout(() => {
        s.timedOut = true;
        const now = Date.now();
        m.retries.failed(s.key!, s.retries!, now);
        const clientId = clientIdOf(event);
        waitUntil(event, m.observe(request.url, 0, now - s.startedAt!, 'timeout', clientId));
        waitUntil(event, m.record(this.#observation(request, s as RequestState, { type: 'timeout' }), clientId));
      }, m.config.timeoutMs);
    } catch (err) {
      this.#monitor.internalError(err);
    }
  };

  fetchDidSucceed: WorkboxPlugin['fetchDidSucceed'] = async ({ request, response, event, state }) => {
    try {
      const s = state as unknown as RequestState;
      clearTimeout(s.timer);
      if (s.timedOut) return response;
      const m = this.#monitor;
      const endedAt = Date.now();
      const outcome: Outcome = { type: 'response', status: response.status, opaque: response.type === 'opaque' || response.type === 'opaqueredirect' };
      const classification = classify(outcome, m.config.failedStatus);
      const clientId = clientIdOf(event);
      waitUntil(event, m.observe(request.url, response.status, endedAt - s.startedAt, classification?.kind, clientId));
      if (!classification) {
        m.retries.succeeded(s.key);
        return isStreamed(response) ? this.#watch(request, response, s, clientId) : response;
      }
      m.retries.failed(s.key, s.retries, endedAt);
      const observed = (async (): Promise<Observation> => {
        let preview: string | undefined;
        try {
          if (!m.wouldFold(request.method, request.url, response.status)) preview = await readPreview(response, m.config.previewChars, PREVIEW_DEADLINE_MS);
        } catch (err) {
          m.internalError(err);
        }
        // Ended when the headers came, not when the preview was read.
        return { ...this.#observation(request, s, outcome, response), endedAt, preview };
      })();
      waitUntil(event, m.record(observed, clientId));
    } catch (err) {
      this.#monitor.internalError(err);
    }
    return response;
  };

  fetchDidFail: WorkboxPlugin['fetchDidFail'] = async ({ request, error, event, state }) => {
    try {
      const s = state as unknown as RequestState;
      clearTimeout(s.timer);
      if (s.timedOut) return;
      const m = this.#monitor;
      const now = Date.now();
      m.retries.failed(s.key, s.retries, now);
      const obs = this.#observation(request, s, { type: 'rejected', online: self.navigator.onLine });
      obs.errorMessage = describe(error);
      const clientId = clientIdOf(event);
      waitUntil(event, m.observe(request.url, 0, now - s.startedAt, obs.classification.kind, clientId));
      waitUntil(event, m.record(obs, clientId));
    } catch (err) {
      this.#monitor.internalError(err);
    }
  };

  // A strategy that answered without fetching (a cache hit) must not leave the timer running.
  handlerDidComplete: WorkboxPlugin['handlerDidComplete'] = async ({ state }) => {
    clearTimeout((state as unknown as RequestState).timer);
  };

  /** A streamed body that breaks mid-way becomes one stream_error report. */
  #watch(request: Request, response: Response, s: RequestState, clientId: string): Response {
    const m = this.#monitor;
    return watchStream(response, ({ bytes, events, ms, error }) => {
      const obs = this.#observation(request, s, { type: 'stream_error', status: response.status }, response);
      obs.errorMessage = describe(error);
      // The page's fetch event may be long over; the stream's own reads keep the worker alive until here.
      void m.observe(request.url, response.status, ms, 'stream_error', clientId, false);
      void m.record(obs, clientId, { streamBytes: bytes, streamEvents: events, durationMs: ms });
    });
  }

  /** What was seen of a failed request; with the response's status and headers when there was one. */
  #observation(request: Request, s: RequestState, outcome: Outcome, response?: Response): Observation {
    return {
      classification: classify(outcome, this.#monitor.config.failedStatus)!,
      method: request.method,
      url: request.url,
      status: response?.status ?? 0,
      statusText: response?.statusText ?? '',
      headers: response?.headers,
      startedAt: s.startedAt,
      endedAt: Date.now(),
      retryCount: s.retries,
      online: self.navigator.onLine,
    };
  }
}

function clientIdOf(event: WorkboxPluginCallbackParam['fetchDidSucceed']['event']): string {
  const e = event as FetchEvent | undefined;
  return e?.clientId || e?.resultingClientId || '';
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Keeps the worker alive for background work when there is an event to extend. */
function waitUntil(event: unknown, promise: Promise<unknown>): void {
  try {
    (event as ExtendableEvent | undefined)?.waitUntil(promise);
  } catch {
    // The event's lifetime already ended (the response is long gone); the work still runs.
  }
}
