export {};

/**
 * `gatewayz-sw-disabled.js`: the worker built disabled. Served in place of
 * `gatewayz-sw.js`, the browser's next update check installs it; it handles no
 * fetch (so every request goes straight to the network) and unregisters
 * itself, so the next load is uncontrolled. The seed's rollback plan, without
 * touching application code.
 */
declare const self: ServiceWorkerGlobalScope;

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    self.registration.unregister().then(() => console.info('[gatewayz-sw-monitor] disabled: this worker unregistered itself; the next load is uncontrolled.')),
  );
});
