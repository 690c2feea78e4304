import { Route, type Router } from 'workbox-routing';
import type { RouteHandlerCallback } from 'workbox-core/types.js';
import type { MonitorConfig } from '../config.js';
import type { BeforeReportCallback } from '../core/hooks.js';
import { Monitor } from '../Monitor.js';
import { waitUntil } from './BackendMonitorPlugin.js';
import { watchRequest, type RequestSink, type RequestWatch } from './watchRequest.js';

// Workbox routes by method and knows these six; other methods (OPTIONS, WebDAV verbs) pass
// through to the browser unobserved. CORS preflights never reach a worker at all.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** How long after start-up the worker first offers what its outbox holds. */
export const STARTUP_FLUSH_MS = 1000;

/** Matches requests to the watched origins. */
export function matchOrigins(origins: readonly string[]): (param: { url: URL }) => boolean {
  const set = new Set(origins);
  return ({ url }) => set.has(url.origin);
}

/**
 * The route handler: one `fetch`, the response handed back as soon as its
 * headers arrive, and the observation after that. No strategy machinery: a
 * success costs a timer, a URL parse and a few counters.
 */
export function monitorHandler(monitor: RequestSink): RouteHandlerCallback {
  return async ({ request, event }) => {
    const e = event as FetchEvent;
    const startedAt = Date.now();
    // The request goes out first: what watching it sets up (its timer, its endpoint's timeout, on a cold worker
    // the first run of that code) happens while it is on the network, not before.
    const fetched = fetch(request);
    let watch: RequestWatch;
    try {
      watch = watchRequest(monitor, request, e.clientId || e.resultingClientId || '', (p) => waitUntil(e, p), startedAt);
    } catch (err) {
      // Fails open: the request goes on unwatched.
      monitor.internalError(err);
      return fetched;
    }
    let response: Response;
    try {
      response = await fetched;
    } catch (error) {
      // Stored, and the page told which request failed, before the rejection goes on. The page aborted (where an
      // engine passes that on): its own doing, not a failure (unless the worker had reported it as a timeout).
      await watch.failed(error, request.signal.aborted);
      throw error;
    }
    return watch.responded(response);
  };
}

/**
 * Adds the monitoring route to a router, for an already validated config: every
 * request to the watched origins, every method, passed through untouched and
 * observed. The standalone worker calls this directly; sites with their own
 * Workbox worker call `registerMonitorRoute`, which validates first.
 */
export function addMonitorRoute(router: Pick<Router, 'registerRoute'>, config: MonitorConfig, beforeReport?: BeforeReportCallback): Monitor {
  const monitor = new Monitor({ config, beforeReport });
  const handler = monitorHandler(monitor);
  const match = matchOrigins(config.origins);
  for (const method of METHODS) router.registerRoute(new Route(match, handler, method));
  // What the outbox holds from an earlier run (the browser stopped the worker,
  // or an older version wrote it) is offered again soon, not before the first
  // response: a worker woken by a request does nothing else until that
  // request's response is on its way (a failure's write-ahead flushes sooner).
  monitor.relay.flushSoon(STARTUP_FLUSH_MS);
  return monitor;
}
