import type { BackendReport, HealthReport } from '../protocol.js';

/**
 * What the delivery core keeps, and the storage it keeps it in. The core (the
 * quota gate, the outbox, the relay) sees storage only through `Store`: in the
 * worker it is IndexedDB (`IdbStore`), in the simulation an in-memory store
 * that can be killed between any two transactions. Each decision the core
 * makes is one `tx`, so a worker stopped at any instant leaves storage either
 * before the decision or after it, never half-way.
 */
export interface OutboxRecord {
  eventId: string;
  report: BackendReport | HealthReport;
  /** The client that made the request; batches go back to it while it is open and answering. */
  clientId: string;
  createdAt: number;
  /** Offers a page answered without taking the record (Sentry refused it, or the page's send failed). */
  attempts: number;
  /** Not offered before this time: backoff after a refusal, or while the error body's preview is read. */
  notBefore: number;
  /**
   * Offered to a page and not yet answered: until this time no worker (this
   * one after a restart, or another version) offers it again. The in-flight
   * mark is in storage, not memory, so two workers never offer it at once.
   */
  leaseUntil?: number;
  /** When the rate limit admitted it: the moment it counted against `maxEventsPerMinute`. */
  admittedAt?: number;
}

/** A report (or health window) as a new outbox record: never offered, due at `notBefore`. */
export function recordOf(report: OutboxRecord['report'], clientId: string, now: number, notBefore = now): OutboxRecord {
  return { eventId: report.eventId, report, clientId, createdAt: now, attempts: 0, notBefore };
}

/** One atomic transaction over the outbox and the small state beside it (`meta`). */
export interface Tx {
  get(eventId: string): Promise<OutboxRecord | undefined>;
  put(record: OutboxRecord): Promise<void>;
  delete(eventId: string): Promise<void>;
  /** Every record, oldest first. */
  all(): Promise<OutboxRecord[]>;
  count(): Promise<number>;
  getMeta<T>(key: string): Promise<T | undefined>;
  putMeta(key: string, value: unknown): Promise<void>;
}

export interface Store {
  /** Runs `work` as one transaction: all of it is stored, or none. `work` may await only the Tx's own calls. */
  tx<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** The core's view of time; the worker's is `Date.now` and `setTimeout`, the simulation's is virtual. */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};
