/**
 * The kill switch, done without losing anything: the disabled worker observes
 * no request (every request goes straight to the network), but it takes over
 * like any new version, offers the pages what the outbox still holds (reports
 * an earlier version stored and never got delivered), and unregisters itself
 * only once nothing waits. The next load after that is uncontrolled.
 */
import type { MonitorConfig } from './config.js';
import type { WorkerState } from './deliver/pageMessages.js';
import { Monitor } from './Monitor.js';

declare const self: ServiceWorkerGlobalScope;

export function drainThenLeave(config: MonitorConfig, info: WorkerState): Monitor {
  const monitor = new Monitor({ config });
  monitor.listen(info);
  let leaving = false;
  // Reports, not health windows: a page may have nowhere to send those (no Sentry loaded), and they are aggregates.
  const waiting = async () => (await monitor.store.tx((tx) => tx.all())).filter((r) => r.report.kind !== 'health').length + monitor.relay.held;
  const leaveIfEmpty = async () => {
    if (leaving) return;
    if ((await waiting()) > 0) return;
    leaving = true;
    try {
      await self.registration.unregister();
      console.info('[gatewayz-sw-monitor] disabled: all delivered; unregistered.');
    } finally {
      // Not for good: a page that registers the same worker again while it is being removed keeps the registration
      // (the spec's resurrection), and that page's hello checks again.
      leaving = false;
    }
  };
  const check = () => leaveIfEmpty().catch((err: unknown) => monitor.internalError(err));
  monitor.onDelivered = check;
  // Every page message (a page's hello on each load among them) is a moment to check.
  self.addEventListener('message', () => void check());
  self.addEventListener('install', () => void self.skipWaiting());
  // Pages it already controls (as the version it replaces) are its own on activation. Other pages, such as an
  // unchanged page that registered it again, it takes over only when something waits to be delivered through
  // them: with nothing to deliver, it leaves without ever controlling them.
  const claimIfWaiting = () => waiting().catch(() => 1).then((n) => (n > 0 ? self.clients.claim() : undefined));
  self.addEventListener('activate', (event) => event.waitUntil(claimIfWaiting().then(check)));
  // A worker the browser stopped and started again: what waits is offered again, then it checks.
  monitor.relay.flushSoon(0);
  void check();
  return monitor;
}
