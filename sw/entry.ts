/**
 * The standalone worker, built to one classic script (`gatewayz-sw.js`).
 * Its configuration is its own URL's query; see `config.ts`.
 */
import type { Route } from 'workbox-routing';
import { parseConfig } from './config.js';
import { drainThenLeave } from './drainThenLeave.js';
import { handlePageMessage } from './deliver/pageMessages.js';
import type { Monitor } from './Monitor.js';
import { addMonitorRoute } from './observe/addMonitorRoute.js';
import { VERSION } from './version.js';

declare const self: ServiceWorkerGlobalScope;

const { config, errors } = parseConfig(new URL(self.location.href).searchParams);

let monitor: Monitor | undefined;

/**
 * The monitor's Workbox routes, dispatched directly: Workbox's Router also
 * carries message-driven precaching, default and catch handlers this worker
 * never uses, which would be 2 KB more in every user's download. Sites with
 * their own Workbox worker get the real Router (`registerMonitorRoute`).
 */
const routes: Route[] = [];
const router = { registerRoute: (route: Route) => void routes.push(route) };

/** `https://api.example.com/`, one a watched origin: a request to none of them is left alone before any work. */
const prefixes = config.origins.map((o) => `${o}/`);

function handle(event: FetchEvent): Promise<Response> | undefined {
  const { request } = event;
  // Engines without static routes (Firefox, WebKit) wake the worker for every request: the unwatched
  // ones return here, before a URL is parsed.
  if (!prefixes.some((p) => request.url.startsWith(p))) return undefined;
  const url = new URL(request.url);
  const route = routes.find((r) => r.method === request.method && r.match({ url, request, event, sameOrigin: url.origin === self.location.origin }));
  return route?.handler.handle({ url, request, event, params: undefined });
}

const info = () => ({ version: VERSION, observing: monitor !== undefined, configErrors: errors, config });

type RouterRule = { condition: Record<string, unknown>; source: 'network' };
type InstallEventWithRoutes = ExtendableEvent & { addRoutes?: (rules: RouterRule[]) => Promise<void> };
declare const URLPattern: { new (init: Record<string, string>): unknown } | undefined;

/**
 * Requests the monitor does not watch never start the worker: a static route
 * (Chromium 123+, `not` from 127) sends them straight to the network. Where
 * the browser lacks static routes, the fetch handler returns early instead.
 * https://w3c.github.io/ServiceWorker/#dom-installevent-addroutes
 */
function addStaticRoutes(event: InstallEventWithRoutes): void {
  if (typeof event.addRoutes !== 'function' || typeof URLPattern === 'undefined') return;
  const watched = (monitor?.config.origins ?? []).map((origin) => {
    const u = new URL(origin);
    return { urlPattern: new URLPattern({ protocol: u.protocol.slice(0, -1), hostname: u.hostname, port: u.port }) };
  });
  // Observing nothing (bad options): nothing needs the worker at all.
  const rule: RouterRule = watched.length > 0 ? { condition: { not: { or: watched } }, source: 'network' } : { condition: { urlPattern: new URLPattern({}) }, source: 'network' };
  event.waitUntil(
    // Without them, the fetch handler's early return does the same job, a little later.
    event.addRoutes([rule]).catch(() => {}),
  );
}

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  console.error('[gatewayz-sw-monitor] observing nothing: requests pass through untouched.');
} else if (!config.enabled) {
  // Kill switch: pass everything through, deliver what waits, then leave; the next load is uncontrolled.
  drainThenLeave(config, info);
} else {
  monitor = addMonitorRoute(router, config);
  monitor.listen(info);
}
if (config.enabled || errors.length > 0) {
  // Take over at once: a monitor that waits for every tab to close sees nothing.
  self.addEventListener('install', (event) => {
    void self.skipWaiting();
    addStaticRoutes(event);
  });
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
}
if (!monitor && errors.length > 0) self.addEventListener('message', (event) => handlePageMessage(undefined, event, info));

self.addEventListener('fetch', (event) => {
  // Early return: without respondWith, the browser handles the request as if
  // there were no worker at all.
  if (!monitor) return;
  monitor.stats.fetchEvents++;
  let response: Promise<Response> | undefined;
  try {
    response = handle(event);
  } catch (err) {
    monitor.internalError(err);
    return;
  }
  if (!response) return;
  // A rejected fetch becomes the same network error the page would get without
  // the worker, without an unhandled rejection in the worker's console.
  event.respondWith(response.catch(() => Response.error()));
});

