/**
 * The quota gate: what of each failure leaves the worker, decided in one
 * storage transaction, together with storing it. Pure apart from the `Tx` it
 * is handed: no browser globals, no clock of its own.
 *
 * - Fold. The first failure of a fingerprint makes an event at once; the same
 *   failure again within `dedupeWindowMs` is counted, not sent. The next
 *   failure after the window makes the next event and carries that count
 *   (`occurrences`, and `occurrencesByGateway`). So a steady failure makes one
 *   event per window. A count nothing carried goes out as a trailing summary
 *   only once the failure has stopped: a full window after its window ended
 *   with no new occurrence.
 * - Rate limit. At most `maxEventsPerMinute` reports are admitted in any
 *   minute. What the limit holds back is counted and rides on the next report
 *   admitted, or on a `rate_limited` summary when a slot frees.
 * - Outbox cap. Past `outboxCap` records, the newest record never offered to a
 *   page is folded into the held-back count; records a page may already have
 *   sent are never evicted, so nothing is counted twice.
 * - Bursts. One alert per scope per episode (see health/burst.ts), within a
 *   budget of their own: at most `ALERTS_PER_HOUR` an hour; alerts past it
 *   are counted on the next one.
 *
 * Every count lives in storage and every decision is one transaction: a
 * worker stopped at any instant loses no count and doubles none. All of the
 * gate's state (the limit, the fold windows, the burst tracks) is one record,
 * meta key `gate`: the write-ahead reads it once and puts it once, beside the
 * report it stores.
 */
import { recordOf, type OutboxRecord, type Tx } from '../core/store.js';
import { fingerprintOf } from '../core/reportRules.js';
import { burstFailure, newTrack, type BurstScope, type BurstTrack } from '../health/burst.js';
import type { BackendReport, FailureKind, ReportLevel } from '../protocol.js';

export const RATE_WINDOW_MS = 60_000;
export const ALERT_WINDOW_MS = 3_600_000;
export const ALERTS_PER_HOUR = 6;
/**
 * Fold windows kept at once; past this, the sweep closes the oldest windows
 * early and their counts become held back. They are all in the one record
 * each failure reads and writes, so it stays small.
 */
export const MAX_FOLDS = 200;

export interface GateConfig {
  dedupeWindowMs: number;
  maxEventsPerMinute: number;
  outboxCap: number;
  burstPerMinute: number;
  sustained5xxMs: number;
}

/** What the rate limit and the alert budget remember. */
export interface LimitState {
  /** When each report admitted in the last minute was admitted. */
  admitted: number[];
  /** Failures held back (by the rate limit or the outbox cap) and not yet carried by a report. */
  heldBack: number;
  /** When each burst alert of the last hour was made. */
  alerts: number[];
  /** Alerts the budget held back, carried by the next alert. */
  suppressedAlerts: number;
}

/** One fingerprint's fold window. */
export interface FoldState {
  /** When the last event of this fingerprint was made (or held back): its window starts here. */
  windowStart: number;
  /** Occurrences since then that no event carries yet. */
  pending: number;
  pendingByGateway: Record<string, number>;
  firstSeen: number;
  lastSeen: number;
  /** The latest of those occurrences: what a trailing summary is made from. */
  last?: BackendReport;
}

/** Everything the gate remembers: one record, meta key `gate` (GATE_KEY). */
export interface GateState {
  limit: LimitState;
  /** Fold windows by fingerprint (foldKey). */
  folds: Record<string, FoldState>;
  /** Burst tracks by scope (burstKey). */
  tracks: Record<string, BurstTrack>;
}

/** The meta key of the gate's one record. */
export const GATE_KEY = 'gate';

/** `held`: counted as held back (by the rate limit, or because the outbox is full of records pages may have). */
export type Decision = 'event' | 'folded' | 'held';

/** The outbox's size as this transaction sees it, and what is left of it to evict at the cap. */
interface Room {
  count: number;
  all?: OutboxRecord[];
}

/** One transaction's working state, shared by its steps: what it read, and the writes they add (awaited at its end). */
interface Pass {
  tx: Tx;
  now: number;
  limit: LimitState;
  room: Room;
  writes: Array<Promise<void>>;
}

/** A report through the rate limit and the outbox cap: for no page in particular (`clientId` ''), due at once (`notBefore` now) unless said. */
interface Admission extends Pass {
  report: BackendReport;
  clientId?: string;
  notBefore?: number;
}

/** One failure counted in one burst scope's track. */
interface BurstStep extends Pass {
  scope: BurstScope;
  /** The track's key (burstKey). */
  key: string;
  track: BurstTrack;
  is5xx: boolean;
  o: CaptureOptions;
}

/** The same key makes the same Sentry issue: the event's fingerprint, as one string. */
export function foldKey(r: Pick<BackendReport, 'method' | 'endpoint' | 'kind' | 'status' | 'fingerprintExtra'>): string {
  return fingerprintOf(r).join(' ');
}

/** A burst scope's track's key; the monitor marks the scopes that saw a success by it too. */
export function burstKey([scope, name]: BurstScope): string {
  return `burst ${scope} ${name}`;
}

const emptyLimit = (): LimitState => ({ admitted: [], heldBack: 0, alerts: [], suppressedAlerts: 0 });

/** The gate's record before anything was counted. */
export const emptyGate = (): GateState => ({ limit: emptyLimit(), folds: {}, tracks: {} });

/** The gate's record as stored, or an empty one. */
export async function readGate(tx: Tx): Promise<GateState> {
  return (await tx.getMeta<GateState>(GATE_KEY)) ?? emptyGate();
}

/** Drops the times at or before `from` (kept sorted, so the oldest is first). */
function prune(times: number[], from: number): void {
  times.sort((a, b) => a - b);
  while (times.length > 0 && times[0]! <= from) times.shift();
}

/** A report that stands for no single request: a held-back count, a burst alert. */
export function summaryReport(eventId: string, kind: FailureKind, level: ReportLevel, now: number, online: boolean): BackendReport {
  return {
    eventId,
    kind,
    level,
    method: '*',
    url: '',
    endpoint: '*',
    gateway: 'all',
    status: 0,
    statusText: '',
    retryCount: 0,
    durationMs: 0,
    startedAt: now,
    online,
    occurrences: 0,
    firstSeen: now,
    lastSeen: now,
  };
}

export interface CaptureOptions {
  clientId: string;
  now: number;
  /** Hold the record back from pages until then (its error body is being read). */
  notBefore?: number;
  /** Who uses the page that made the request, read in the same transaction: set on the report. */
  page?: Promise<BackendReport['page']>;
  /** Scopes the failure counts in for burst alerts: [['gateway', g], ['endpoint', e]]. */
  burstScopes?: BurstScope[];
  /** Scopes that saw a success since this worker started counting: ends their sustained-5xx episode. */
  succeeded?: (scope: string) => boolean;
  newId: () => string;
}

export class QuotaGate {
  #config: GateConfig;

  constructor(config: GateConfig) {
    this.#config = config;
  }

  /** Reports a minute may send to Sentry: the relay paces its offers by it too. */
  get maxEventsPerMinute(): number {
    return this.#config.maxEventsPerMinute;
  }

  /**
   * Counts one failure and, when it makes an event, stores it: the write-ahead
   * step, run before the page gets the response. Its burst alerts are stored
   * in the same transaction.
   */
  async capture(tx: Tx, given: BackendReport, o: CaptureOptions): Promise<Decision> {
    // A copy: the store may run this transaction's work again (IdbStore retries once), and counts must not add up twice.
    const report: BackendReport = { ...given };
    const { now } = o;
    const key = foldKey(report);
    // Two reads at once and, at the end, the report and the gate's record put at once: the transaction
    // is one round trip to IndexedDB each way, and the page waits for it (write-ahead).
    const [state, count, page] = await Promise.all([readGate(tx), tx.count(), o.page]);
    if (page) report.page = page;
    const { limit, folds, tracks } = state;
    const fold = folds[key];
    const room: Room = { count };
    const writes: Array<Promise<void>> = [];
    const p: Pass = { tx, now, limit, room, writes };
    let decision: Decision;
    const W = this.#config.dedupeWindowMs;
    if (fold && W > 0 && now < fold.windowStart + W) {
      // Within the window: counted on the fold, carried by this fingerprint's next event.
      fold.pending += report.occurrences;
      fold.pendingByGateway[report.gateway] = (fold.pendingByGateway[report.gateway] ?? 0) + report.occurrences;
      if (fold.pending === report.occurrences) fold.firstSeen = report.firstSeen;
      fold.lastSeen = report.lastSeen;
      fold.last = report;
      decision = 'folded';
    } else {
      const byGateway: Record<string, number> = { ...fold?.pendingByGateway };
      byGateway[report.gateway] = (byGateway[report.gateway] ?? 0) + report.occurrences;
      if (fold && fold.pending > 0) {
        report.occurrences += fold.pending;
        report.firstSeen = fold.firstSeen;
        if (Object.keys(byGateway).length > 1) report.occurrencesByGateway = byGateway;
      }
      if (W > 0) folds[key] = { windowStart: now, pending: 0, pendingByGateway: {}, firstSeen: now, lastSeen: now };
      else delete folds[key];
      decision = await this.#admit({ ...p, report, clientId: o.clientId, notBefore: o.notBefore });
    }
    for (const scope of o.burstScopes ?? []) {
      const k = burstKey(scope);
      const track = (tracks[k] ??= newTrack());
      await this.#burst({ ...p, scope, key: k, track, is5xx: report.status >= 500, o });
    }
    writes.push(tx.putMeta(GATE_KEY, state));
    await Promise.all(writes);
    return decision;
  }

  /** Passes a report through the rate limit and the outbox cap, and stores it if it may go. */
  async #admit(a: Admission): Promise<Decision> {
    const { tx, now, limit, writes, report, clientId = '', notBefore = now } = a;
    prune(limit.admitted, now - RATE_WINDOW_MS);
    // Past the rate limit, or the outbox full of records pages may have: counted as held back.
    if (limit.admitted.length >= this.#config.maxEventsPerMinute || !(await this.#makeRoom(a))) {
      limit.heldBack += report.occurrences + (report.heldBack ?? 0);
      return 'held';
    }
    limit.admitted.push(now);
    if (limit.heldBack > 0) {
      report.heldBack = (report.heldBack ?? 0) + limit.heldBack;
      limit.heldBack = 0;
    }
    writes.push(tx.put({ ...recordOf(report, clientId, now, notBefore), admittedAt: now }));
    return 'event';
  }

  /**
   * Below the cap (and a place taken), or room made by folding the newest
   * never-offered record into the held-back count. False when every record may
   * already be with a page.
   */
  async #makeRoom({ tx, limit, room, writes }: Pass): Promise<boolean> {
    if (room.count < this.#config.outboxCap) {
      room.count++;
      return true;
    }
    // At the cap (rare): read the outbox, once per transaction.
    room.all ??= await tx.all();
    for (let i = room.all.length - 1; i >= 0; i--) {
      const r = room.all[i]!;
      // Never one a page may have (it would count twice), nor a health window (its counts would be lost).
      if (r.leaseUntil !== undefined || r.report.kind === 'health') continue;
      room.all.splice(i, 1);
      writes.push(tx.delete(r.eventId));
      if (r.report.kind === 'burst') limit.suppressedAlerts += 1 + (r.report.burst?.suppressed ?? 0);
      else limit.heldBack += r.report.occurrences + (r.report.heldBack ?? 0);
      // Its slot in the rate limit is given back: it never left.
      const at = r.admittedAt !== undefined ? limit.admitted.indexOf(r.admittedAt) : -1;
      if (at >= 0) limit.admitted.splice(at, 1);
      return true;
    }
    return false;
  }

  async #burst(b: BurstStep): Promise<void> {
    const { tx, now, limit, writes, scope: [scope, name], key, track, o } = b;
    if (o.succeeded?.(key)) {
      delete track.first5xx;
      track.sustainedAlerted = false;
    }
    const alerts = burstFailure(track, now, this.#config.burstPerMinute, b.is5xx, this.#config.sustained5xxMs);
    for (const alert of alerts) {
      prune(limit.alerts, now - ALERT_WINDOW_MS);
      if (limit.alerts.length >= ALERTS_PER_HOUR) {
        limit.suppressedAlerts++;
        continue;
      }
      limit.alerts.push(now);
      const report: BackendReport = {
        ...summaryReport(o.newId(), 'burst', 'error', now, true),
        endpoint: scope === 'endpoint' ? name : '*',
        gateway: scope === 'gateway' ? name : 'all',
        burst: { scope, key: name, reason: alert.reason, count: alert.count, ...(limit.suppressedAlerts > 0 ? { suppressed: limit.suppressedAlerts } : {}) },
      };
      const carried = limit.suppressedAlerts;
      limit.suppressedAlerts = 0;
      if (await this.#makeRoom(b)) writes.push(tx.put(recordOf(report, o.clientId, now)));
      // No room: this alert is suppressed too, with those it would have carried.
      else limit.suppressedAlerts += carried + 1;
    }
  }

  /**
   * The app dropped a report on purpose (its beforeSend or an event processor
   * returned null, or sampling): the record goes, in the same transaction as
   * its counts move on. The occurrences it stood for ride on its
   * fingerprint's next report (through the fold window, which a window
   * close sends out), what it carried as held back rides on the next report
   * admitted or on the rate-limited summary, and a burst alert counts as
   * suppressed on the next alert. Nothing it counted is lost.
   */
  async carry(tx: Tx, eventId: string, now: number): Promise<boolean> {
    const record = await tx.get(eventId);
    if (!record) return false;
    await tx.delete(eventId);
    if (record.report.kind !== 'health') await this.carryReport(tx, record.report, now);
    return true;
  }

  /** Moves the counts of a report the app dropped (one held in memory, or one just deleted) to where they ride on. */
  async carryReport(tx: Tx, r: BackendReport, now: number): Promise<void> {
    const state = await readGate(tx);
    const { limit, folds } = state;
    if (r.kind === 'burst') limit.suppressedAlerts += 1 + (r.burst?.suppressed ?? 0);
    limit.heldBack += r.heldBack ?? 0;
    if (r.occurrences > 0) {
      if (this.#config.dedupeWindowMs <= 0) limit.heldBack += r.occurrences;
      else {
        const f: FoldState = (folds[foldKey(r)] ??= { windowStart: now, pending: 0, pendingByGateway: {}, firstSeen: r.firstSeen, lastSeen: r.lastSeen });
        if (f.pending === 0 || r.firstSeen < f.firstSeen) f.firstSeen = r.firstSeen;
        f.lastSeen = Math.max(f.lastSeen, r.lastSeen);
        f.pending += r.occurrences;
        for (const [g, n] of Object.entries(r.occurrencesByGateway ?? { [r.gateway]: r.occurrences })) f.pendingByGateway[g] = (f.pendingByGateway[g] ?? 0) + n;
        const { heldBack: _h, occurrencesByGateway: _o, ...last } = r;
        f.last ??= { ...last, occurrences: 1 };
      }
    }
    await tx.putMeta(GATE_KEY, state);
  }

  /**
   * Ends what time ends: fold windows that closed send the count no event
   * carried as a summary; a held-back count with a free slot goes out as a
   * `rate_limited` summary; stale windows and burst tracks are forgotten.
   * Returns when it next has something to do (or undefined).
   */
  async sweep(tx: Tx, now: number, newId: () => string, online: boolean): Promise<number | undefined> {
    const W = this.#config.dedupeWindowMs;
    const [state, count] = await Promise.all([readGate(tx), tx.count()]);
    const { limit, folds, tracks } = state;
    const room: Room = { count };
    const writes: Array<Promise<void>> = [];
    const p: Pass = { tx, now, limit, room, writes };
    let wake = Infinity;
    let changed = false;
    // Oldest first: past MAX_FOLDS the oldest windows are closed early, their counts held back.
    const byAge = Object.entries(folds).sort((a, b) => a[1].windowStart - b[1].windowStart);
    let excess = byAge.length - MAX_FOLDS;
    for (const [key, f] of byAge) {
      const closed = now >= f.windowStart + W;
      if (excess-- > 0 && !(closed && f.pending > 0)) {
        limit.heldBack += f.pending;
        delete folds[key];
        changed = true;
      } else if (f.pending > 0 && closed && f.last) {
        // The window closed with occurrences no event carried: their count leaves now, and
        // a new window starts, so a steady failure still makes one event per window.
        const report: BackendReport = {
          ...f.last,
          eventId: newId(),
          occurrences: f.pending,
          firstSeen: f.firstSeen,
          lastSeen: f.lastSeen,
        };
        delete report.heldBack;
        delete report.occurrencesByGateway;
        if (Object.keys(f.pendingByGateway).length > 1) report.occurrencesByGateway = f.pendingByGateway;
        folds[key] = { windowStart: now, pending: 0, pendingByGateway: {}, firstSeen: now, lastSeen: now };
        await this.#admit({ ...p, report });
        wake = Math.min(wake, now + W);
        changed = true;
      } else if (closed) {
        delete folds[key];
        changed = true;
      } else {
        wake = Math.min(wake, f.windowStart + W);
      }
    }
    prune(limit.admitted, now - RATE_WINDOW_MS);
    if (limit.heldBack > 0) {
      if (limit.admitted.length < this.#config.maxEventsPerMinute) {
        const report: BackendReport = { ...summaryReport(newId(), 'rate_limited', 'warning', now, online), heldBack: 0 };
        // #admit moves the held-back count onto it.
        if ((await this.#admit({ ...p, report })) === 'event') changed = true;
      }
      if (limit.heldBack > 0) wake = Math.min(wake, limit.admitted.length > 0 ? limit.admitted[0]! + RATE_WINDOW_MS : now + 1000);
    }
    // A scope quiet for longer than both its windows has no episode left to track.
    const quiet = Math.max(2 * RATE_WINDOW_MS, this.#config.sustained5xxMs);
    for (const [key, t] of Object.entries(tracks)) {
      const last = t.times[t.times.length - 1] ?? 0;
      if (last <= now - quiet) {
        delete tracks[key];
        changed = true;
      }
    }
    if (changed) writes.push(tx.putMeta(GATE_KEY, state));
    await Promise.all(writes);
    return wake === Infinity ? undefined : wake;
  }
}
