import type { WorkboxPlugin, WorkboxPluginCallbackParam } from 'workbox-core/types.js';
import { classify, type Outcome } from './classify.js';
import type { Monitor } from './Monitor.js';
import { readPreview } from './readPreview.js';
import type { Observation } from './buildReport.js';

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
 * Every callback hands back what it was given, and catches its own errors, so
 * observing can never change or break a request.
 */
export class BackendMonitorPlugin implements WorkboxPlugin {
  constructor(private readonly monitor: Monitor) {}

  requestWillFetch: WorkboxPlugin['requestWillFetch'] = async ({ request, event, state }) => {
    try {
      const s = state as unknown as Partial<RequestState>;
      const m = this.monitor;
      m.stats.observed++;
      s.startedAt = Date.now();
      s.key = `${request.method} ${request.url}`;
      s.retries = m.retries.retriesBefore(s.key, s.startedAt);
      const clientId = clientIdOf(event);
      // The worker's own timer: observe only, the request goes on.
      s.timer = setTimeout(() => {
        s.timedOut = true;
        m.retries.failed(s.key!, s.retries!, Date.now());
        waitUntil(event, m.record(this.observation(request, s as RequestState, { type: 'timeout' }), clientId));
      }, m.config.timeoutMs);
    } catch (err) {
      this.monitor.internalError(err);
    }
    return request;
  };

  fetchDidSucceed: WorkboxPlugin['fetchDidSucceed'] = async ({ request, response, event, state }) => {
    try {
      const s = state as unknown as RequestState;
      clearTimeout(s.timer);
      if (s.timedOut) return response;
      const m = this.monitor;
      const outcome: Outcome = { type: 'response', status: response.status, opaque: response.type === 'opaque' || response.type === 'opaqueredirect' };
      const classification = classify(outcome, m.config.failedStatus);
      if (!classification) {
        m.retries.succeeded(s.key);
        return response;
      }
      const endedAt = Date.now();
      m.retries.failed(s.key, s.retries, endedAt);
      const clientId = clientIdOf(event);
      waitUntil(
        event,
        (async () => {
          let preview: string | undefined;
          try {
            preview = await readPreview(response, m.config.previewChars, PREVIEW_DEADLINE_MS);
          } catch (err) {
            m.internalError(err);
          }
          await m.record(
            { ...this.observation(request, s, outcome), classification, status: response.status, statusText: response.statusText, endedAt, headers: response.headers, preview },
            clientId,
          );
        })(),
      );
    } catch (err) {
      this.monitor.internalError(err);
    }
    return response;
  };

  fetchDidFail: WorkboxPlugin['fetchDidFail'] = async ({ request, error, event, state }) => {
    try {
      const s = state as unknown as RequestState;
      clearTimeout(s.timer);
      if (s.timedOut) return;
      const m = this.monitor;
      m.retries.failed(s.key, s.retries, Date.now());
      const obs = this.observation(request, s, { type: 'rejected', online: self.navigator.onLine });
      obs.errorMessage = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      waitUntil(event, m.record(obs, clientIdOf(event)));
    } catch (err) {
      this.monitor.internalError(err);
    }
  };

  private observation(request: Request, s: RequestState, outcome: Outcome): Observation {
    const classification = classify(outcome, this.monitor.config.failedStatus)!;
    return {
      classification,
      method: request.method,
      url: request.url,
      status: 0,
      statusText: '',
      startedAt: s.startedAt,
      endedAt: Date.now(),
      retryCount: s.retries,
      online: self.navigator.onLine,
    };
  }
}

function clientIdOf(event: WorkboxPluginCallbackParam['requestWillFetch']['event']): string {
  const e = event as FetchEvent | undefined;
  return e?.clientId || e?.resultingClientId || '';
}

/** Keeps the worker alive for background work when there is an event to extend. */
function waitUntil(event: unknown, promise: Promise<unknown>): void {
  const e = event as ExtendableEvent | undefined;
  try {
    e?.waitUntil(promise);
  } catch {
    // The event's lifetime already ended (the response is long gone); the work still runs.
  }
}
