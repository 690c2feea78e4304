import type { WorkboxPlugin } from 'workbox-core/types.js';
import { watchRequest, type RequestSink, type RequestWatch } from './watchRequest.js';

/**
 * The Workbox plugin, for sites that observe through strategies of their own
 * (`new NetworkFirst({ plugins: [new BackendMonitorPlugin(monitor)] })`). It
 * reports through the same code as the monitor's own route handler; every
 * callback hands back what it was given (or, for a stream, the same response
 * watched on its way), so observing can never change or break a request.
 */
export class BackendMonitorPlugin implements WorkboxPlugin {
  #monitor: RequestSink;

  /** `monitor`: the `Monitor` that `registerMonitorRoute` or `addMonitorRoute` returned. */
  constructor(monitor: RequestSink) {
    this.#monitor = monitor;
  }

  // handlerWillStart rather than requestWillFetch: Workbox clones the request
  // for every requestWillFetch callback, and this needs only its URL.
  handlerWillStart: WorkboxPlugin['handlerWillStart'] = async ({ request, event, state }) => {
    try {
      const e = event as FetchEvent | undefined;
      (state as { watch?: RequestWatch }).watch = watchRequest(this.#monitor, request, e?.clientId || e?.resultingClientId || '', (p) => waitUntil(e, p));
    } catch (err) {
      this.#monitor.internalError(err);
    }
  };

  // Workbox awaits this before the response goes on: a failure is stored first.
  fetchDidSucceed: WorkboxPlugin['fetchDidSucceed'] = async ({ response, state }) => {
    const watch = (state as { watch?: RequestWatch } | undefined)?.watch;
    return watch ? watch.responded(response) : response;
  };

  // ...and this before the rejection goes on.
  fetchDidFail: WorkboxPlugin['fetchDidFail'] = async ({ error, state }) => {
    await (state as { watch?: RequestWatch } | undefined)?.watch?.failed(error);
  };

  // A strategy that answered without fetching (a cache hit) must not leave the timer running.
  handlerDidComplete: WorkboxPlugin['handlerDidComplete'] = async ({ state }) => {
    (state as { watch?: RequestWatch } | undefined)?.watch?.ended();
  };
}

/** Keeps the worker alive for background work when there is an event to extend. */
export function waitUntil(event: ExtendableEvent | undefined, promise: Promise<unknown>): void {
  try {
    event?.waitUntil(promise);
  } catch {
    // The event's lifetime already ended (the response is long gone); the work still runs.
  }
}
