import { Route, Router, registerRoute } from 'workbox-routing';
import { BackendMonitorPlugin } from './BackendMonitorPlugin.js';
import { configToQuery, DEFAULT_CONFIG, parseConfig, type MonitorConfig } from './config.js';
import { Monitor, type BeforeReportCallback } from './Monitor.js';
import { PassThrough } from './PassThrough.js';
import { VERSION } from './version.js';

export interface MonitorRouteOptions extends Partial<MonitorConfig> {
  beforeReport?: BeforeReportCallback;
  /** The router to add the route to; Workbox's default router when absent. */
  router?: Router;
  /** Answer the pages' messages (hello, stats, flush). Default true. */
  listen?: boolean;
}

// Workbox routes by method and knows these six; other methods (OPTIONS, WebDAV verbs) pass
// through to the browser unobserved. CORS preflights never reach a worker at all.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Matches requests to the watched origins. */
export function matchOrigins(origins: readonly string[]): (param: { url: URL }) => boolean {
  const set = new Set(origins);
  return ({ url }) => set.has(url.origin);
}

/**
 * Registers the monitoring route: every request to the watched origins, every
 * method, passed through untouched and observed. Register it before your own
 * routes: Workbox uses the first route that matches.
 */
export function registerMonitorRoute(options: MonitorRouteOptions = {}): Monitor | undefined {
  const { beforeReport, router, listen = true, ...config } = options;
  // The kill switch for a worker of the site's own: no route, so every API
  // request is left to the browser (the site's other routes are untouched).
  if (config.enabled === false) return undefined;
  // The same validation as the standalone worker's URL options: a bad value is
  // a console error naming it, and then nothing is routed (fail open).
  const { errors } = parseConfig(configToQuery({ ...DEFAULT_CONFIG, ...config }));
  if (errors.length > 0) {
    for (const e of errors) console.error(e);
    console.error('[gatewayz-sw-monitor] registerMonitorRoute: invalid options above; the monitor route is not registered and API requests pass through untouched.');
    return undefined;
  }
  const monitor = new Monitor({ config: { ...DEFAULT_CONFIG, ...config }, beforeReport });
  const strategy = new PassThrough({ plugins: [new BackendMonitorPlugin(monitor)] });
  const match = matchOrigins(monitor.config.origins);
  for (const method of METHODS) {
    const route = new Route(match, strategy, method);
    if (router) router.registerRoute(route);
    else registerRoute(route);
  }
  if (listen) monitor.listen(() => ({ version: VERSION, observing: true, configErrors: [] }));
  // What the outbox holds from an earlier run (the browser stopped the worker,
  // or an older version wrote it) is offered again now.
  monitor.relay.flushSoon(0);
  return monitor;
}
