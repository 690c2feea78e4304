// The site's own Workbox worker, with the monitor added: the route goes first,
// since Workbox uses the first route that matches.
import { registerMonitorRoute } from 'gatewayz-sw-monitor/sw';
import { clientsClaim } from 'workbox-core';
import { precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope;
declare const __API_ORIGIN__: string;
declare const __MONITOR_ENABLED__: boolean;

registerMonitorRoute({ origins: [__API_ORIGIN__], enabled: __MONITOR_ENABLED__ });

precacheAndRoute([
  { url: '/', revision: '1' },
  { url: '/app.js', revision: '1' },
  { url: '/gatewayz-register.js', revision: '1' },
]);
registerRoute(({ url }) => url.pathname.startsWith('/data/'), new NetworkFirst({ cacheName: 'data' }));

self.skipWaiting();
clientsClaim();
