import type { MonitorConfig } from './config.js';
import type { Outbox, OutboxRecord } from './outbox.js';
import type { HealthReport } from './health.js';
import { parsePageMessage, workerMessage, type BackendReport } from './protocol.js';

declare const self: ServiceWorkerGlobalScope;

/** How long a page has to acknowledge a batch before it is offered again. */
export const ACK_DEADLINE_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;

export interface RelayHooks {
  delivered(count: number): void;
  /** Last look at what is due before it goes out (quota protection); returns what may go. */
  prepare(due: OutboxRecord[]): Promise<OutboxRecord[]>;
  /** A time the relay must wake at even with nothing due (a held-back count waiting for a slot). */
  nextWakeAt(now: number): number | undefined;
  internalError(err: unknown): void;
}

/**
 * Sends what the outbox holds to pages in batches: every `batchMs`, or at once
 * when `batchSize` reports wait. A batch goes to the client that made the
 * requests while it is open, else to any window client; over a MessageChannel,
 * with a deadline for the reply. Reports are deleted only on acknowledgement.
 */
export class Relay {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #flushing: Promise<void> | undefined;
  #again = false;
  /** Event ids offered to a page and not yet answered: never offered twice at once. */
  #inFlight = new Set<string>();
  #waiting = 0;

  #outbox: Outbox;
  #config: Pick<MonitorConfig, 'batchMs' | 'batchSize'>;
  #hooks: RelayHooks;

  constructor(outbox: Outbox, config: Pick<MonitorConfig, 'batchMs' | 'batchSize'>, hooks: RelayHooks) {
    this.#outbox = outbox;
    this.#config = config;
    this.#hooks = hooks;
  }

  /** A report was stored: flush at once when a batch is full, else within batchMs. */
  added(): void {
    this.#waiting++;
    this.flushSoon(this.#waiting >= this.#config.batchSize ? 0 : this.#config.batchMs);
  }

  flushSoon(delayMs: number): void {
    this.wakeAt(Date.now() + Math.max(0, delayMs));
  }

  /** Makes sure a flush runs at `at` or earlier. */
  wakeAt(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      void this.flush();
    }, Math.max(0, at - Date.now()));
  }

  /**
   * Sends everything due. Resolves when every batch sent has been answered or
   * timed out. A page that asks (it just opened, or came back online) is
   * offered everything at once, backoff or not; fold windows still run out.
   */
  flush(preferClientId?: string): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = this.#flushOnce(preferClientId, preferClientId !== undefined)
      .catch((err: unknown) => this.#hooks.internalError(err))
      .finally(() => {
        this.#flushing = undefined;
        if (this.#again) {
          this.#again = false;
          void this.flush();
        }
      });
    return this.#flushing;
  }

  async #flushOnce(preferClientId: string | undefined, ignoreBackoff: boolean): Promise<void> {
    this.#waiting = 0;
    const now = Date.now();
    const all = await this.#outbox.all();
    const isDue = (r: OutboxRecord) => r.notBefore <= now || (ignoreBackoff && !r.folding);
    const windows = (await self.clients.matchAll({ type: 'window' })) as WindowClient[];
    const candidates = all.filter((r) => !this.#inFlight.has(r.eventId) && isDue(r));
    // No page open: a page's hello flushes again.
    if (windows.length === 0) return;
    const due = await this.#hooks.prepare(candidates);
    this.#scheduleNext(all.filter((r) => !isDue(r)), now);
    if (due.length === 0) return;
    const byId = new Map(windows.map((c) => [c.id, c]));
    const fallback = (preferClientId && byId.get(preferClientId)) || windows.find((c) => c.focused) || windows[0]!;
    const groups = new Map<WindowClient, OutboxRecord[]>();
    for (const record of due) {
      const target = byId.get(record.clientId) ?? fallback;
      const list = groups.get(target) ?? [];
      list.push(record);
      groups.set(target, list);
    }
    const sends: Array<Promise<void>> = [];
    for (const [client, records] of groups) {
      for (let i = 0; i < records.length; i += this.#config.batchSize) {
        sends.push(this.#send(client, records.slice(i, i + this.#config.batchSize)));
      }
    }
    await Promise.all(sends);
  }

  /** Wakes for the next record that becomes due (a fold window's end, a backoff) or a slot for a held-back count. */
  #scheduleNext(waiting: OutboxRecord[], now: number): void {
    const times = waiting.map((r) => r.notBefore);
    const hook = this.#hooks.nextWakeAt(now);
    if (hook !== undefined) times.push(hook);
    if (times.length > 0) this.wakeAt(Math.min(...times));
  }

  async #send(client: WindowClient, records: OutboxRecord[]): Promise<void> {
    const ids = records.map((r) => r.eventId);
    ids.forEach((id) => this.#inFlight.add(id));
    try {
      const acked = await postAndWait(client, records);
      const ackedSet = new Set(acked);
      if (acked.length > 0) {
        await this.#outbox.delete(acked);
        this.#hooks.delivered(acked.length);
      }
      const unacked = records.filter((r) => !ackedSet.has(r.eventId));
      if (unacked.length > 0) {
        const now = Date.now();
        for (const r of unacked) {
          r.attempts++;
          r.notBefore = now + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(r.attempts, 6));
          // Only if it is still there: a cap overflow may have folded it into the held-back count meanwhile.
          await this.#outbox.update(r.eventId, (stored) => {
            stored.attempts = r.attempts;
            stored.notBefore = r.notBefore;
          });
        }
        this.wakeAt(Math.min(...unacked.map((r) => r.notBefore)));
      }
    } finally {
      ids.forEach((id) => this.#inFlight.delete(id));
    }
  }
}

function postAndWait(client: WindowClient, records: OutboxRecord[]): Promise<string[]> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const offered = new Set(records.map((r) => r.eventId));
    const timer = setTimeout(() => {
      channel.port1.close();
      resolve([]);
    }, ACK_DEADLINE_MS);
    channel.port1.onmessage = (event: MessageEvent) => {
      const msg = parsePageMessage(event.data);
      if (msg?.type !== 'ack') return;
      clearTimeout(timer);
      channel.port1.close();
      resolve(msg.payload.eventIds.filter((id) => offered.has(id)));
    };
    const reports: BackendReport[] = [];
    const health: HealthReport[] = [];
    for (const { report } of records) {
      if (report.kind === 'health') health.push(report);
      else reports.push(report);
    }
    client.postMessage(workerMessage('reports', health.length > 0 ? { reports, health } : { reports }), [channel.port2]);
  });
}
