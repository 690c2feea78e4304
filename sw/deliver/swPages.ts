import type { OutboxRecord } from '../core/store.js';
import { parsePageMessage, workerMessage, type BackendReport, type HealthReport } from '../protocol.js';
import type { OfferResult, Pages } from './relay.js';

declare const self: ServiceWorkerGlobalScope;

/** A page's `received` may be on its way when `respondBy` passes: wait this much longer for it. */
const RECEIPT_GRACE_MS = 500;

/** The site's window clients, and batches to them over a MessageChannel per batch. */
export const swPages: Pages = {
  async list() {
    // Uncontrolled ones too: a page loaded with Shift-reload still has a bridge that can deliver.
    const windows = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) as WindowClient[];
    return windows.map((c) => ({ id: c.id, focused: c.focused, visible: c.visibilityState === 'visible' }));
  },

  async offer(pageId, records, respondBy, ackBy, onReceived): Promise<OfferResult> {
    const client = await self.clients.get(pageId);
    if (!client) return { received: false, acked: [] };
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const offered = new Set(records.map((r) => r.eventId));
      let timer: ReturnType<typeof setTimeout>;
      let received = false;
      const done = (result: Omit<OfferResult, 'received'>) => {
        clearTimeout(timer);
        channel.port1.close();
        resolve({ received, ...result });
      };
      const none = { acked: [] };
      timer = setTimeout(() => done(none), respondBy + RECEIPT_GRACE_MS - Date.now());
      channel.port1.onmessage = (event: MessageEvent) => {
        const msg = parsePageMessage(event.data);
        if (msg?.type === 'received' && !received) {
          received = true;
          onReceived();
          clearTimeout(timer);
          timer = setTimeout(() => done(none), ackBy - Date.now());
        } else if (msg?.type === 'ack') {
          received = true;
          const { eventIds, dropped = [], refused = [], retryAt } = msg.payload;
          const ours = (ids: string[]) => ids.filter((id) => offered.has(id));
          done({ answered: true, acked: ours(eventIds), dropped: ours(dropped), refused: ours(refused), retryAt });
        }
      };
      const reports: BackendReport[] = [];
      const health: HealthReport[] = [];
      for (const { report } of records as OutboxRecord[]) {
        if (report.kind === 'health') health.push(report);
        else reports.push(report);
      }
      client.postMessage(workerMessage('reports', health.length > 0 ? { reports, health, respondBy } : { reports, respondBy }), [channel.port2]);
    });
  },

  greet(pageId) {
    void self.clients.get(pageId).then((client) => client?.postMessage(workerMessage('greet', {})));
  },

  async tell(pageId, notice) {
    (await self.clients.get(pageId))?.postMessage(workerMessage('failed', notice));
  },
};
