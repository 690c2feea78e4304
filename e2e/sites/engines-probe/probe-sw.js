// A service worker that measures what the engine gives any worker, for the
// engines suite's fallback scenario: whether InstallEvent.addRoutes (static
// routes) exists, and whether FetchEvent.request.signal aborts when the page
// aborts its fetch. Requests to the API pass through with fetch(event.request),
// so the upstream request carries that same signal. And what the page sees of
// a network failure passed on as Response.error() or as a rejected respondWith.
const api = new URL(self.location.href).searchParams.get('api');
const probe = { addRoutes: false, urlPattern: typeof URLPattern !== 'undefined', aborted: [], seen: [] };

self.addEventListener('install', (event) => {
  probe.addRoutes = typeof event.addRoutes === 'function';
  self.skipWaiting();
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== api) return;
  // The two ways a worker can pass a network failure on, to compare what the page sees:
  // respondWith(Response.error()) (what the monitor does), or a rejected respondWith promise.
  const form = url.searchParams.get('form');
  if (form) {
    event.respondWith(form === 'reject' ? fetch(event.request) : fetch(event.request).catch(() => Response.error()));
    return;
  }
  probe.seen.push(url.pathname + url.search);
  event.request.signal.addEventListener('abort', () => probe.aborted.push(url.pathname + url.search));
  event.respondWith(fetch(event.request));
});
self.addEventListener('message', (event) => {
  if (event.data === 'probe') event.ports[0].postMessage(probe);
});
