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
import type { Clock, OutboxRecord, Store, Tx } from '../core/store.js';
import { mergeWindows } from '../health/aggregate.js';
import type { BackendReport, FailureNotice, HealthReport, PageScope } from '../protocol.js';
import { foldKey, RATE_WINDOW_MS, type QuotaGate } from '../quota/gate.js';

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
/** Backoff after a page answered without Sentry taking a record: 2 s, 4 s, ... up to a minute. */
const backoff = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 6));
/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
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
  /** Event ids Sentry took (answered 2xx); the page deleted them from storage itself. */
  acked: string[];
  /** Event ids the app dropped on purpose: their counts ride on the next report. */
  dropped?: string[];
  /** Sentry asked for no events before this time (epoch ms). */
  retryAt?: number;
  /** The page answered (an ack came): what it did not list, it did not take. */
  answered?: boolean;
  /** Event ids Sentry refused with a status: they did not reach its quota. */
  refused?: string[];
}

/** The pages of the site, as the relay sees them. */
export interface Pages {
  list(): Promise<PageInfo[]>;
  /**
   * Offers a batch to one page; resolves when it acknowledged, or when a
   * deadline passed. Calls `received` when the page says it has the batch.
   */
  offer(pageId: string, records: OutboxRecord[], respondBy: number, ackBy: number, received: () => void): Promise<OfferResult>;
  /** Asks a page whose bridge the worker does not know to say hello. */
  greet?(pageId: string): void;
  /** Tells a page which of its requests failed, before the rejection reaches it (a `failed` message). */
  tell?(pageId: string, notice: FailureNotice): Promise<void>;
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
  /** After an answer was stored: how many reports Sentry took, and how many the app dropped on purpose. */
  delivered?: (count: number, dropped: number) => void;
  internalError: (err: unknown) => void;
}

/** When each report a page received in the last minute was received, by event id (meta `sent`). */
async function recentSends(tx: Tx, now: number): Promise<Record<string, number>> {
  const sent = (await tx.getMeta<Record<string, number>>('sent')) ?? {};
  for (const [id, at] of Object.entries(sent)) if (at <= now - RATE_WINDOW_MS) delete sent[id];
  return sent;
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
  #unresponsive = new Map<string, number>();
  #greeting = 0;
  /** Pages asked to say hello by this worker (once each). */
  #greeted = new Set<string>();
  /** Reports whose write-ahead failed (storage refused): held here and offered like the others. */
  #memory: OutboxRecord[] = [];
  /** Of those, the ones offered now. */
  #memoryOffered = new Set<string>();
  /** A newer version of the worker is taking over: no new batches from this one. */
  #retiring = false;
  /** The last flush left reports out for the pace: an answered offer frees their slots. */
  #pacedOut = false;
  /** Resolves when this version starts retiring: its offers still open are let go. */
  #retired = signal();

  constructor(options: RelayOptions) {
    this.#o = options;
  }

  /** A report the outbox could not store: kept in memory and offered at once (it is lost only if this worker stops first). */
  hold(record: OutboxRecord, key: string, max: number): void {
    const r = record.report as BackendReport;
    // Only into one never offered: Sentry may have any other already, and would keep its first version.
    const fresh = (m: OutboxRecord) => m.attempts === 0 && m.leaseUntil === undefined && m.report.kind !== 'health';
    const same = this.#memory.find((m) => fresh(m) && foldKey(m.report as BackendReport) === key);
    const into = same ?? (this.#memory.length >= max ? this.#memory.find(fresh) : undefined);
    if (into) {
      const m = into.report as BackendReport;
      if (same) m.occurrences += r.occurrences;
      else m.heldBack = (m.heldBack ?? 0) + r.occurrences + (r.heldBack ?? 0);
      m.lastSeen = Math.max(m.lastSeen, r.lastSeen);
    } else this.#memory.push(record);
    this.flushSoon(0);
  }

  /** Reports held in memory because storage failed. */
  get held(): number {
    return this.#memory.length;
  }

  /** Those reports themselves (the simulation's ledger counts them). */
  heldReports(): readonly OutboxRecord[] {
    return this.#memory;
  }

  /** A newer version is installing: take no new batches, so this one finishes its work and the new one activates promptly. */
  retire(retiring: boolean): void {
    this.#retiring = retiring;
    if (retiring) this.#retired.resolve();
    else {
      this.#retired = signal();
      this.flushSoon(0);
    }
  }

  /**
   * A new version took over: what the replaced one had offered is offered
   * again now, not when its leases run out (a page still sending one joins
   * that send; one Sentry took was deleted by its page). Marked offered
   * (leaseUntil 0), never unoffered: a page may have it.
   */
  async takeOver(): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.tx(async (tx) => {
      for (const r of await tx.all()) if (r.leaseUntil !== undefined && r.leaseUntil > now) await tx.put({ ...r, leaseUntil: 0 });
    });
    void this.flush(undefined, true);
  }

  /** The bridges, from memory, or read in a transaction of the caller's when this worker has not loaded them yet. */
  async bridgesIn(tx: Tx): Promise<Map<string, Bridge>> {
    return this.#bridges ?? (await readBridges(tx));
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

  /**
   * A page's hello, answered: its bridge is stored first, then `reply` says
   * hello back, then the page gets what waits. A worker stopped between the
   * reply and the commit would forget a page that believes it is known (it
   * says hello again only on load, on coming into view or when asked).
   */
  async greeted(pageId: string, page: PageScope | undefined, reply: () => void): Promise<void> {
    try {
      await this.hello(pageId, page, false);
    } catch (err) {
      // Storage refuses: the page is known to this worker only, and still answered (never deaf).
      (this.#bridges ??= new Map()).set(pageId, { at: this.#o.clock.now(), page });
      this.#o.internalError(err);
    }
    reply();
    await this.flush(pageId, true);
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
    if (this.#retiring) {
      // Written by a version that is handing over: the pages tell their controller (the new version), whose hello flushes it.
      void this.#o.pages.list().then((pages) => pages.forEach((p) => this.#o.pages.greet?.(p.id)), this.#o.internalError);
      return;
    }
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
    this.#pacedOut = false;
    if (this.#retiring) return;
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
      // Sentry said to wait (429, Retry-After): reports wait; health windows go as metrics, another category.
      const retryAt = (await tx.getMeta<number>('retryAt')) ?? 0;
      // The rate limit at Sentry's end too: reports admitted while no page could take them leave at most
      // maxEventsPerMinute a minute, never as one burst. Counted: what a page received in the last minute
      // (unless it answered that Sentry refused it: a refused send does not count against Sentry's quota; an
      // answer that never came counts), and what is offered and not yet received.
      const all = await tx.all();
      const sentAt = await recentSends(tx, now);
      const sent = Object.values(sentAt).sort((a, b) => a - b);
      let budget = gate.maxEventsPerMinute - sent.length - all.filter((r) => r.admittedAt !== undefined && r.leaseUntil !== undefined && r.leaseUntil > now && !(r.eventId in sentAt)).length;
      const claimed: OutboxRecord[] = [];
      for (const r of all) {
        if (r.report.kind !== 'health' && retryAt > now) {
          wake = Math.min(wake, retryAt);
          continue;
        }
        const paced = r.admittedAt !== undefined;
        if (paced && budget <= 0 && ready.length > 0 && !(r.leaseUntil !== undefined && r.leaseUntil > now) && !(r.notBefore > now && !(ignoreBackoff && r.attempts > 0))) {
          // A slot frees when the oldest of the last minute's deliveries is a minute old, or an offer is answered.
          if (sent.length > 0) wake = Math.min(wake, sent[0]! + RATE_WINDOW_MS);
          this.#pacedOut = true;
          continue;
        }
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
        if (paced) budget--;
      }
      return { claimed, wake, ready, bridges };
    }).catch((err: unknown) => {
      // Storage refuses: what is held in memory still goes, to the pages this worker heard from (or any).
      if (this.#memory.length === 0) throw err;
      this.#o.internalError(err);
      const known = this.#bridges ?? new Map<string, Bridge>();
      return { claimed: [] as OutboxRecord[], wake: now + 60_000, ready: open.filter((p) => known.size === 0 || known.has(p.id)), bridges: known };
    });
    this.#bridges = bridges;
    // Pages the worker does not know (it forgot them, or they never reached it): ask them to say hello.
    for (const p of open) {
      if (bridges.has(p.id) || this.#greeted.has(p.id)) continue;
      this.#greeted.add(p.id);
      this.#o.pages.greet?.(p.id);
    }
    if (ready.length > 0) {
      for (const r of this.#memory) {
        if (this.#memoryOffered.has(r.eventId)) continue;
        if (r.notBefore > now && !ignoreBackoff) {
          this.wakeAt(r.notBefore);
          continue;
        }
        this.#memoryOffered.add(r.eventId);
        r.leaseUntil = 0;
        claimed.push(r);
      }
    }
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
    // A retiring version lets go of its open offers: a message event that waits on one (a page's hello
    // joins the flush under way) would keep the browser from activating the new version for up to 35 s.
    const abandoned = this.#retired.promise.then((): OfferResult & { abandoned: true } => ({ received: false, acked: [], abandoned: true }));
    const result: OfferResult & { abandoned?: true } = await Promise.race([abandoned, this.#o.pages.offer(pageId, records, sentAt + RECEIPT_MS, sentAt + RECEIPT_MS + ACK_DEADLINE_MS, () =>
      // The page has the batch: the lease now lasts until its acknowledgement deadline.
      (held ??= store
        .tx(async (tx) => {
          const sent = await recentSends(tx, clock.now());
          for (const r of records) {
            const stored = await tx.get(r.eventId);
            if (!stored || stored.leaseUntil !== r.leaseUntil) continue;
            await tx.put({ ...stored, leaseUntil: until });
            if (stored.admittedAt !== undefined) sent[r.eventId] = clock.now();
          }
          await tx.putMeta('sent', sent);
        })
        .then(() => records.forEach((r) => (r.leaseUntil = until)), this.#o.internalError)),
    )]);
    await held;
    const now = clock.now();
    const acked = new Set(result.acked);
    const dropped = new Set(result.dropped ?? []);
    const retryAt = result.retryAt ?? 0;
    if (!result.received && !result.abandoned) this.#unresponsive.set(pageId, now + UNRESPONSIVE_MS);
    let again = Infinity;
    const inMemory = records.filter((r) => this.#memoryOffered.has(r.eventId));
    const forget = (r: OutboxRecord) => this.#memory.splice(this.#memory.indexOf(r), 1);
    for (const r of inMemory) {
      // A dropped one stays marked offered until its carry committed: no other flush may offer it meanwhile.
      if (!dropped.has(r.eventId)) this.#memoryOffered.delete(r.eventId);
      if (acked.has(r.eventId)) forget(r);
      else if (result.received && !dropped.has(r.eventId)) {
        r.attempts++;
        r.notBefore = Math.max(retryAt, now + backoff(r.attempts));
        again = Math.min(again, r.notBefore);
      }
    }
    await store.tx(async (tx) => {
      if (retryAt > now && retryAt > ((await tx.getMeta<number>('retryAt')) ?? 0)) await tx.putMeta('retryAt', retryAt);
      // The pace of the next offers: what Sentry took counts, what the page says it refused does not.
      const paced = records.filter((r) => r.admittedAt !== undefined);
      if (paced.length > 0 && ((result.refused?.length ?? 0) > 0 || acked.size > 0)) {
        const sent = await recentSends(tx, now);
        const refused = new Set(result.refused ?? []);
        for (const r of paced) {
          if (acked.has(r.eventId)) sent[r.eventId] ??= now;
          // Refused with a status: not on Sentry's quota. (A send whose answer never came may have reached it: it counts.)
          else if (refused.has(r.eventId)) delete sent[r.eventId];
        }
        await tx.putMeta('sent', sent);
      }
      for (const r of records) {
        if (inMemory.includes(r)) {
          // Held in memory and dropped by the app: its counts move on like a stored one's (it leaves memory once this commits).
          if (dropped.has(r.eventId)) await this.#o.gate.carryReport(tx, r.report as BackendReport, now);
          continue;
        }
        // Sentry has it (its page deleted it already, unless the page could not reach storage).
        if (acked.has(r.eventId)) {
          await tx.delete(r.eventId);
          continue;
        }
        // Dropped on purpose by the app: gone, its counts moved on, in this transaction.
        if (dropped.has(r.eventId)) {
          await this.#o.gate.carry(tx, r.eventId, now);
          continue;
        }
        const stored = await tx.get(r.eventId);
        // Only while it is still ours: the lease this offer took.
        if (!stored || stored.leaseUntil !== r.leaseUntil) continue;
        // A health window the page answered without taking (it has nowhere to send it yet) is with no page
        // (one it never answered for may have been sent: that one stays marked offered):
        // unoffered again, and one with the window that waits unoffered, if any (at most one ever waits).
        stored.leaseUntil = 0;
        if (result.answered && stored.report.kind === 'health') {
          const other = (await tx.all()).find((o) => o.report.kind === 'health' && o.leaseUntil === undefined && o.eventId !== stored.eventId);
          if (other) {
            mergeWindows(stored.report, other.report as HealthReport);
            await tx.delete(other.eventId);
          }
          delete stored.leaseUntil;
        }
        if (result.received) {
          // The page answered but Sentry did not take it: again later, with backoff (or when Sentry said).
          stored.attempts++;
          stored.notBefore = Math.max(retryAt, now + backoff(stored.attempts));
          again = Math.min(again, stored.notBefore);
        }
        await tx.put(stored);
      }
    }).then(
      // Carried: the dropped ones held in memory leave it.
      () => inMemory.forEach((r) => dropped.has(r.eventId) && forget(r)),
      (err: unknown) => {
        // Not carried: they stay in memory, to be offered again.
        inMemory.forEach((r) => this.#memoryOffered.delete(r.eventId));
        throw err;
      },
    );
    inMemory.forEach((r) => this.#memoryOffered.delete(r.eventId));
    // Reports delivered (health windows are not reports).
    const reports = records.filter((r) => acked.has(r.eventId) && r.report.kind !== 'health').length;
    if (acked.size > 0 || dropped.size > 0) this.#o.delivered?.(reports, dropped.size);
    if (result.abandoned) return;
    // A carry moved counts to a fold window or the held-back count: the next flush's sweep schedules when they leave.
    if (!result.received || this.#pacedOut || dropped.size > 0) this.flushSoon(0);
    else if (again < Infinity) this.wakeAt(again);
  }
}
