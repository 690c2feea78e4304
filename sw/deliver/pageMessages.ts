/**
 * The worker's side of the page protocol: answers the pages' messages (hello,
 * then what waits; scope; stats; flush; the app's event of a failed request), and takes part in updates.
 */
import { PROTOCOL_VERSION, parsePageMessage, workerMessage, zeroStats, type WorkerInfo, type WorkerStats } from '../protocol.js';
import type { Relay } from './relay.js';

declare const self: ServiceWorkerGlobalScope;

/** What the worker tells a page about itself in its hello. */
export type WorkerState = () => Omit<WorkerInfo, 'protocol'>;

/** What answering the pages needs of the monitor. */
export interface PageMessageTarget {
  readonly relay: Relay;
  currentStats(): Promise<WorkerStats>;
  internalError(err: unknown): void;
  /** The app's own Sentry event of a failed request's rejection, to add to that request's report (`appEvent`). */
  appEvent?(eventId: string, appEventId: string): Promise<void>;
}

/**
 * Answers the pages' messages, and takes part in updates: once a newer
 * version is installing this one takes no new batches (so the browser can
 * activate the new one promptly), and a version that activates offers again
 * at once what the one it replaced had offered.
 */
export function listenToPages(target: PageMessageTarget, info: WorkerState): void {
  const { relay } = target;
  self.addEventListener('message', (event) => handlePageMessage(target, event, info));
  self.addEventListener('activate', (event) => event.waitUntil(relay.takeOver().catch((err: unknown) => target.internalError(err))));
  const reg = self.registration;
  reg?.addEventListener?.('updatefound', () => {
    const next = reg.installing;
    // Only an active worker hands over: the one being installed hears its own updatefound (Firefox), and where
    // the worker cannot tell which it is (no `self.serviceWorker`), it does not retire.
    const me = (self as { serviceWorker?: ServiceWorker }).serviceWorker;
    if (!next || !me || next === me || me.state !== 'activated') return;
    relay.retire(true);
    // A new version that fails to install leaves this one in charge again.
    next.addEventListener('statechange', () => next.state === 'redundant' && relay.retire(false));
  });
}

/** One page message; with no target (a worker observing nothing), it still answers hello and stats. */
export function handlePageMessage(target: PageMessageTarget | undefined, event: ExtendableMessageEvent, info: WorkerState): void {
  // Only this site's own pages may talk to the worker.
  if (event.origin !== self.location.origin || !(event.source instanceof Client)) return;
  const msg = parsePageMessage(event.data);
  const port = event.ports[0];
  if (!msg) return;
  const source = event.source;
  const stats = async () => (target ? target.currentStats() : zeroStats());
  const work = (async () => {
    switch (msg.type) {
      case 'hello': {
        const reply = () => port?.postMessage(workerMessage('hello', { ...info(), protocol: PROTOCOL_VERSION }));
        // The bridge is stored before the reply (see Relay.greeted).
        await (target ? target.relay.greeted(source.id, msg.payload.page, reply) : reply());
        break;
      }
      case 'scope':
        await target?.relay.hello(source.id, msg.payload, false);
        break;
      case 'stats':
        port?.postMessage(workerMessage('stats', await stats()));
        break;
      case 'flush':
        await target?.relay.asked(source.id);
        port?.postMessage(workerMessage('stats', await stats()));
        break;
      case 'appEvent':
        await target?.appEvent?.(msg.payload.eventId, msg.payload.appEventId);
        break;
      case 'ack':
      case 'received':
        break; // these arrive on a batch's own port, never here
    }
  })().catch((err: unknown) => target?.internalError(err));
  event.waitUntil(work);
}
