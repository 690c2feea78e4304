/**
 * The control: the smallest service worker that passes the same requests
 * through (`respondWith(fetch(event.request))`), for the same origins as the
 * monitor. What it changes, compared with no worker, is what any service
 * worker changes in this browser; what the monitor changes beyond it is the
 * monitor's own. The fuzz uses it to check each documented exception by
 * observation. Served in place of `/gatewayz-sw.js` while its context loads.
 */
export const PASS_THROUGH_WORKER = `
// The monitor's URL holds each option as JSON (sw/options.ts, toQuery).
const origins = JSON.parse(new URL(self.location.href).searchParams.get('origins') || '[]').map((o) => new URL(o).origin);
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (!origins.includes(new URL(event.request.url).origin)) return;
  event.respondWith(fetch(event.request));
});
`;
