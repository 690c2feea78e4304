/**
 * The standalone worker, built to one classic script (`gatewayz-sw.js`).
 * Its configuration is its own URL's query; see `config.ts`.
 */
import { Router } from 'workbox-routing';
import { parseConfig } from './config.js';
import { handlePageMessage, type Monitor } from './Monitor.js';
import { registerMonitorRoute } from './registerMonitorRoute.js';
import { VERSION } from './version.js';

declare const self: ServiceWorkerGlobalScope;

const { config, errors } = parseConfig(new URL(self.location.href).searchParams);

// Take over at once: a monitor that waits for every tab to close sees nothing.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

let monitor: Monitor | undefined;
const router = new Router();

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  console.error('[gatewayz-sw-monitor] the configuration above is invalid, so this worker observes nothing: every request passes through untouched. Fix the option in the worker URL (or the plugin / script tag that builds it).');
} else if (!config.enabled) {
  // Kill switch: pass everything through and leave; the next load is uncontrolled.
  self.addEventListener('activate', (event) => event.waitUntil(self.registration.unregister()));
} else {
  monitor = registerMonitorRoute({ ...config, router, listen: false })!;
}

self.addEventListener('fetch', (event) => {
  // Early return: without respondWith, the browser handles the request as if
  // there were no worker at all.
  if (!monitor) return;
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
