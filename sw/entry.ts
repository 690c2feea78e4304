/**
 * The standalone worker, built to one classic script (`gatewayz-sw.js`).
 * Its configuration is its own URL's query; see `config.ts`.
 */
import { Router } from 'workbox-routing';
import { parseConfig } from './config.js';
import { handlePageMessage, type Monitor } from './Monitor.js';
import { addMonitorRoute } from './addMonitorRoute.js';
import { VERSION } from './version.js';

declare const self: ServiceWorkerGlobalScope;

const { config, errors } = parseConfig(new URL(self.location.href).searchParams);

let monitor: Monitor | undefined;
const router = new Router();

// Take over at once: a monitor that waits for every tab to close sees nothing.
self.addEventListener('install', (event) => {
  void self.skipWaiting();
  addStaticRoutes(event);
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

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
    event.addRoutes([rule]).catch((err: unknown) => console.warn('[gatewayz-sw-monitor] static routes not available; unwatched requests are returned early by the fetch handler instead.', err)),
  );
}

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  console.error('[gatewayz-sw-monitor] the configuration above is invalid, so this worker observes nothing: every request passes through untouched. Fix the option in the worker URL (or the plugin / script tag that builds it).');
} else if (!config.enabled) {
  // Kill switch: pass everything through and leave; the next load is uncontrolled.
  self.addEventListener('activate', (event) => event.waitUntil(self.registration.unregister()));
} else {
  monitor = addMonitorRoute(router, config);
}

self.addEventListener('fetch', (event) => {
  // Early return: without respondWith, the browser handles the request as if
  // there were no worker at all.
  if (!monitor) return;
  monitor.stats.fetchEvents++;
  let response: Promise<Response> | undefined;
  try {
    response = router.handleRequest({ event, request: event.request });
  } catch (err) {
    monitor.internalError(err);
    return;
  }
  if (!response) return;
  // A rejected fetch becomes the same network error the page would get without
  // the worker, without an unhandled rejection in the worker's console.
  event.respondWith(response.catch(() => Response.error()));
});

self.addEventListener('message', (event) =>
  handlePageMessage(monitor, event, () => ({ version: VERSION, observing: monitor !== undefined, configErrors: errors })),
);
