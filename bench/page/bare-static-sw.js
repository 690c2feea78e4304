// Setup (b′): a bare pass-through worker with the monitor's static route, so
// requests to origins other than the watched one never reach it. The true
// floor for unwatched requests: what any worker with static routes costs.
const api = new URL(self.location.href).searchParams.get('api');
self.addEventListener('install', (event) => {
  self.skipWaiting();
  if (typeof event.addRoutes === 'function' && typeof URLPattern !== 'undefined') {
    const u = new URL(api);
    const watched = { urlPattern: new URLPattern({ protocol: u.protocol.slice(0, -1), hostname: u.hostname, port: u.port }) };
    event.waitUntil(event.addRoutes([{ condition: { not: { or: [watched] } }, source: 'network' }]).catch(() => {}));
  }
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).origin !== new URL(api).origin) return;
  event.respondWith(fetch(event.request));
});
