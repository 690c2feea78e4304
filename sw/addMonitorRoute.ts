import { Route, type Router } from 'workbox-routing';
import { BackendMonitorPlugin } from './BackendMonitorPlugin.js';
import type { MonitorConfig } from './config.js';
import { Monitor, type BeforeReportCallback } from './Monitor.js';
import { PassThrough } from './PassThrough.js';

// Workbox routes by method and knows these six; other methods (OPTIONS, WebDAV verbs) pass
// through to the browser unobserved. CORS preflights never reach a worker at all.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Matches requests to the watched origins. */
export function matchOrigins(origins: readonly string[]): (param: { url: URL }) => boolean {
  const set = new Set(origins);
  return ({ url }) => set.has(url.origin);
}

/**
 * Adds the monitoring route to a router, for an already validated config: every
 * request to the watched origins, every method, passed through untouched and
 * observed. The standalone worker calls this directly; sites with their own
 * Workbox worker call `registerMonitorRoute`, which validates first.
 */
export function addMonitorRoute(router: Pick<Router, 'registerRoute'>, config: MonitorConfig, beforeReport?: BeforeReportCallback): Monitor {
  const monitor = new Monitor({ config, beforeReport });
  const strategy = new PassThrough({ plugins: [new BackendMonitorPlugin(monitor)] });
  const match = matchOrigins(config.origins);
  for (const method of METHODS) router.registerRoute(new Route(match, strategy, method));
  // What the outbox holds from an earlier run (the browser stopped the worker,
  // or an older version wrote it) is offered again now.
  monitor.relay.flushSoon(0);
  return monitor;
}
