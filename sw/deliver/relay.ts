/**
 * The relay: offers what the outbox holds to pages in batches, and deletes a
 * record only when a page acknowledges that Sentry took it. Written against
 * an injected clock, store and set of pages, so the simulation drives the
 * same code the worker runs.
 *
 * - Only pages whose bridge said hello get batches: the one that made the
 *   request while it answers, else the focused, visible or most recently
 *   heard-from one.
 * - A page answers `received` at once. One that does not within `RECEIPT_MS`
 *   (frozen, busy, or gone) holds nothing: the batch goes to another page at
 *   once, and the page is passed over for a while. A page that answered but
 *   whose Sentry refused (5xx, 429, offline) gets the batch again with backoff.
 * - The in-flight mark is a lease in storage (`leaseUntil`), taken in the same
 *   transaction that picks the batch, so a restarted worker or a second worker
 *   version never offers a record another one has in flight. It is taken short
 *   (`OFFER_LEASE_MS`: only until the receipt deadline) and lengthened to
 *   `LEASE_MS` when the page says it received the batch: a worker the browser
 *   stops between picking a batch and posting it delays those records by
 *   seconds, not by the whole acknowledgement deadline.
 */
import type { PageScope } from '../protocol.js';
import type { QuotaGate } from '../quota/gate.js';
import type { Clock, OutboxRecord, Store, Tx } from './store.js';

/** How long a page has to say it received a batch. */
export const RECEIPT_MS = 3000;
/** How long a page has to say what Sentry did with it. */
export const ACK_DEADLINE_MS = 30_000;
/** A record a page received is not offered again before this (unless the page answers sooner). */
export const LEASE_MS = RECEIPT_MS + ACK_DEADLINE_MS + 2000;
/** A record picked for a batch is not offered again before this, until its page says it received it. */
export const OFFER_LEASE_MS = RECEIPT_MS + 1500;
const MAX_BACKOFF_MS = 60_000;
/** A page that missed a receipt deadline is passed over this long, or until it speaks again. */
const UNRESPONSIVE_MS = 10_000;
/** Records picked per flush at most; the rest go in the next. */
const MAX_CLAIM = 200;

export interface PageInfo {
  id: string;
  focused: boolean;
  visible: boolean;
}

export interface OfferResult {
  /** The page said it received the batch before `respondBy`. */
  received: boolean;
  /** Event ids the page is done with (Sentry took them, or the app dropped them on purpose). */
  acked: string[];
}

/** The pages of the site, as the relay sees them. */
export interface Pages {
  list(): Promise<PageInfo[]>;
  /**
   * Offers a batch to one page; resolves when it acknowledged, or when a
   * deadline passed. Calls `received` when the page says it has the batch.
   */
  offer(pageId: string, records: OutboxRecord[], respondBy: number, ackBy: number, received: () => void): Promise<OfferResult>;
}

interface Bridge {
  /** When the page last spoke to the worker. */
  at: number;
  page?: PageScope;
}

export interface RelayOptions {
  store: Store;
  clock: Clock;
  pages: Pages;
  gate: QuotaGate;
  newId: () => string;
  online: () => boolean;
  batchMs: number;
  batchSize: number;
  delivered?: (count: number) => void;
  internalError: (err: unknown) => void;
}

/** The bridges pages registered, as kept in storage (meta `bridges`). */
async function readBridges(tx: Tx): Promise<Map<string, Bridge>> {
  return new Map(Object.entries((await tx.getMeta<Record<string, Bridge>>('bridges')) ?? {}));
}

export class Relay {
  #o: RelayOptions;
  #cancelTimer?: () => void;
  #timerAt = Infinity;
  #flushing?: Promise<void>;
  #again?: { prefer?: string; ignoreBackoff: boolean };
  #waiting = 0;
  #bridges?: Map<string, Bridge>;
  #loading?: Promise<Map<string, Bridge>>;
  #unresponsive = new Map<string, number>();
  #greeting = 0;

  constructor(options: RelayOptions) {
    this.#o = options;
  }

  /** The pages that said hello, from storage on first use: a restarted worker still knows them. */
  bridges(): Promise<Map<string, Bridge>> {
    if (this.#bridges) return Promise.resolve(this.#bridges);
    this.#loading ??= this.#o.store
      .tx(readBridges)
      .then((saved) => (this.#bridges ??= saved))
      .catch((err: unknown) => {
        this.#loading = undefined;
        throw err;
      });
    return this.#loading;
  }

  /** The scope a page told the worker, to store with the reports of its requests. */
  pageScope(clientId: string): PageScope | undefined {
    return this.#bridges?.get(clientId)?.page;
  }

  /** A page's bridge said hello (or told its scope): it may get batches now, and gets what waits. */
  async hello(pageId: string, page?: PageScope, flush = true): Promise<void> {
    const at = this.#o.clock.now();
    this.#greeting++;
    try {
      this.#bridges = await this.#o.store.tx(async (tx) => {
        const bridges = await readBridges(tx);
        bridges.set(pageId, { at, page: page ?? bridges.get(pageId)?.page });
        await tx.putMeta('bridges', Object.fromEntries(bridges));
        return bridges;
      });
      this.#unresponsive.delete(pageId);
      if (flush) await this.flush(pageId, true);
    } finally {
      this.#greeting--;
    }
  }

  /** A page's hello, or a flush, is under way. */
  get busy(): boolean {
    return this.#greeting > 0 || this.#flushing !== undefined;
  }

  /** A page asked for what waits (it came online or into view): backoff or not. */
  async asked(pageId: string): Promise<void> {
    const b = this.#bridges?.get(pageId);
    if (b) b.at = this.#o.clock.now();
    this.#unresponsive.delete(pageId);
    await this.flush(pageId, true);
  }

  /** A report was stored: flush at once when a batch is full, else within batchMs. */
  added(): void {
    this.#waiting++;
    this.flushSoon(this.#waiting >= this.#o.batchSize ? 0 : this.#o.batchMs);
  }

  flushSoon(delayMs: number): void {
    this.wakeAt(this.#o.clock.now() + Math.max(0, delayMs));
  }

  /** Makes sure a flush runs at `at` or earlier. */
  wakeAt(at: number): void {
    if (this.#cancelTimer && this.#timerAt <= at) return;
    this.#cancelTimer?.();
    this.#timerAt = at;
    this.#cancelTimer = this.#o.clock.after(at - this.#o.clock.now(), () => {
      this.#cancelTimer = undefined;
      this.#timerAt = Infinity;
      void this.flush();
    });
  }

  /** Sends everything due; resolves when every batch sent was answered or timed out. */
  flush(prefer?: string, ignoreBackoff = false): Promise<void> {
    if (this.#flushing) {
      this.#again = { prefer: prefer ?? this.#again?.prefer, ignoreBackoff: ignoreBackoff || !!this.#again?.ignoreBackoff };
      return this.#flushing;
    }
    this.#flushing = this.#flushOnce(prefer, ignoreBackoff)
      .catch((err: unknown) => this.#o.internalError(err))
      .finally(() => {
        this.#flushing = undefined;
        const again = this.#again;
        this.#again = undefined;
        if (again) void this.flush(again.prefer, again.ignoreBackoff);
      });
    return this.#flushing;
  }

  async #flushOnce(prefer: string | undefined, ignoreBackoff: boolean): Promise<void> {
    this.#waiting = 0;
    const { store, clock, gate } = this.#o;
    const listedAt = clock.now();
    const open = await this.#o.pages.list();
    const now = clock.now();
    const openIds = new Set(open.map((p) => p.id));
    // Bridges come from storage each time: a page may have said hello to another version of the worker.
    const { claimed, wake, ready, bridges } = await store.tx(async (tx) => {
      const bridges = await readBridges(tx);
      // Pages that closed are forgotten; not one that said hello after the list was taken.
      let forgot = false;
      for (const [id, b] of bridges) {
        if (!openIds.has(id) && b.at < listedAt) {
          bridges.delete(id);
          this.#unresponsive.delete(id);
          forgot = true;
        }
      }
      if (forgot) await tx.putMeta('bridges', Object.fromEntries(bridges));
      const ready = open.filter((p) => bridges.has(p.id) && !((this.#unresponsive.get(p.id) ?? 0) > now));
      let wake = (await gate.sweep(tx, now, this.#o.newId, this.#o.online())) ?? Infinity;
      const claimed: OutboxRecord[] = [];
      for (const r of await tx.all()) {
        if (r.leaseUntil !== undefined && r.leaseUntil > now) {
          wake = Math.min(wake, r.leaseUntil);
          continue;
        }
        if (r.notBefore > now && !(ignoreBackoff && r.attempts > 0)) {
          wake = Math.min(wake, r.notBefore);
          continue;
        }
        // No page to take it: a page's hello flushes again.
        if (ready.length === 0) continue;
        if (claimed.length >= MAX_CLAIM) {
          wake = now;
          continue;
        }
        r.leaseUntil = now + OFFER_LEASE_MS;
        await tx.put(r);
        claimed.push(r);
      }
      return { claimed, wake, ready, bridges };
    });
    this.#bridges = bridges;
    if (ready.length === 0) for (const until of this.#unresponsive.values()) if (until > now) this.wakeAt(until);
    if (wake < Infinity) this.wakeAt(wake);
    if (claimed.length === 0) return;
    const byId = new Map(ready.map((p) => [p.id, p]));
    const rank = (p: PageInfo) => (p.focused ? 2 : 0) + (p.visible ? 1 : 0);
    const best =
      (prefer !== undefined && byId.get(prefer)) ||
      [...ready].sort((a, b) => rank(b) - rank(a) || (bridges.get(b.id)?.at ?? 0) - (bridges.get(a.id)?.at ?? 0))[0]!;
    const groups = new Map<string, OutboxRecord[]>();
    for (const r of claimed) {
      const target = byId.has(r.clientId) ? r.clientId : best.id;
      const list = groups.get(target) ?? [];
      list.push(r);
      groups.set(target, list);
    }
    const sends: Array<Promise<void>> = [];
    for (const [pageId, records] of groups) {
      for (let i = 0; i < records.length; i += this.#o.batchSize) sends.push(this.#send(pageId, records.slice(i, i + this.#o.batchSize)));
    }
    await Promise.all(sends);
  }

  async #send(pageId: string, records: OutboxRecord[]): Promise<void> {
    const { store, clock } = this.#o;
    const sentAt = clock.now();
    const until = sentAt + LEASE_MS;
    let held: unknown;
    const result = await this.#o.pages.offer(pageId, records, sentAt + RECEIPT_MS, sentAt + RECEIPT_MS + ACK_DEADLINE_MS, () =>
      // The page has the batch: the lease now lasts until its acknowledgement deadline.
      (held ??= store
        .tx(async (tx) => {
          for (const r of records) {
            const stored = await tx.get(r.eventId);
            if (stored && stored.leaseUntil === r.leaseUntil) await tx.put({ ...stored, leaseUntil: until });
          }
        })
        .then(() => records.forEach((r) => (r.leaseUntil = until)), this.#o.internalError)),
    );
    await held;
    const now = clock.now();
    const acked = new Set(result.acked);
    if (!result.received) this.#unresponsive.set(pageId, now + UNRESPONSIVE_MS);
    let retryAt = Infinity;
    await store.tx(async (tx) => {
      for (const r of records) {
        const stored = await tx.get(r.eventId);
        // Only while it is still ours: the lease this offer took.
        if (!stored || stored.leaseUntil !== r.leaseUntil) continue;
        if (acked.has(r.eventId)) {
          await tx.delete(r.eventId);
          continue;
        }
        stored.leaseUntil = 0;
        if (result.received) {
          // The page answered but Sentry did not take it: again later, with backoff.
          stored.attempts++;
          stored.notBefore = now + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(stored.attempts, 6));
          retryAt = Math.min(retryAt, stored.notBefore);
        }
        await tx.put(stored);
      }
    });
    // Reports delivered (health windows are not reports).
    const reports = records.filter((r) => acked.has(r.eventId) && r.report.kind !== 'health').length;
    if (reports > 0) this.#o.delivered?.(reports);
    if (!result.received) this.flushSoon(0);
    else if (retryAt < Infinity) this.wakeAt(retryAt);
  }
}
