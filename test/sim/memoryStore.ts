import type { OutboxRecord, Store, Tx } from '../../sw/core/store.js';

/**
 * The delivery core's storage in memory, with IndexedDB's semantics where they
 * matter: values are copied in and out (structured clone), `all()` is in
 * `createdAt` order (then key), and a transaction is all or nothing: its
 * writes are staged and applied together when `work` finishes. A transaction
 * that was never run (its worker was killed first), or staged and never
 * applied (killed at its commit, or a fault), changes nothing.
 */
export class MemoryStore implements Store {
  outbox = new Map<string, OutboxRecord>();
  meta = new Map<string, unknown>();
  /** Called after every commit (the simulation checks its invariants there). */
  onCommit?: () => void;
  /** The outbox in `all()` order, until the next commit that changes it. */
  #sorted?: OutboxRecord[];

  tx<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(work);
  }

  /** Runs `work` and applies it at once (no crash point between). */
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const staged = await this.stage(work);
    staged.apply();
    return staged.result;
  }

  /**
   * Runs `work` against staged copies and returns what it did, not yet
   * applied: the simulation's crash points are between this and `apply()`
   * (before the commit) and just after `apply()` (committed, but the caller
   * never resumes). A staged transaction never applied changes nothing.
   */
  async stage<T>(work: (tx: Tx) => Promise<T>): Promise<Staged<T>> {
    const out = new Map<string, OutboxRecord | null>();
    const meta = new Map<string, unknown>();
    const readOut = (id: string) => (out.has(id) ? (out.get(id) ?? undefined) : this.outbox.get(id));
    const readMeta = (k: string) => (meta.has(k) ? meta.get(k) : this.meta.get(k));
    const tx: Tx = {
      get: async (id) => structuredClone(readOut(id)),
      put: async (r) => void out.set(r.eventId, structuredClone(r)),
      delete: async (id) => void out.set(id, null),
      all: async () => {
        let rows: OutboxRecord[];
        if (out.size === 0) rows = (this.#sorted ??= sortRecords([...this.outbox.values()]));
        else {
          const ids = new Set([...this.outbox.keys(), ...out.keys()]);
          rows = sortRecords([...ids].map(readOut).filter((r): r is OutboxRecord => !!r));
        }
        return structuredClone(rows);
      },
      count: async () => {
        let n = this.outbox.size;
        for (const [id, r] of out) n += (r ? 1 : 0) - (this.outbox.has(id) ? 1 : 0);
        return n;
      },
      getMeta: async <V>(k: string) => structuredClone(readMeta(k)) as V | undefined,
      putMeta: async (k, v) => void meta.set(k, structuredClone(v)),
    };
    const result = await work(tx);
    return {
      result,
      tx,
      writes: out.size + meta.size,
      outbox: out,
      apply: () => {
        if (out.size > 0) this.#sorted = undefined;
        for (const [id, r] of out) {
          if (r) this.outbox.set(id, r);
          else this.outbox.delete(id);
        }
        for (const [k, v] of meta) this.meta.set(k, v);
        this.onCommit?.();
      },
    };
  }
}

/** A transaction's work, run but not yet applied. */
export interface Staged<T> {
  result: T;
  /** The transaction the work ran against (the simulation tags it by what ran in it). */
  tx: Tx;
  /** How many outbox and meta entries it writes (0: read-only). */
  writes: number;
  /** Its outbox writes (null: deleted). */
  outbox: ReadonlyMap<string, OutboxRecord | null>;
  apply(): void;
}

function sortRecords(rows: OutboxRecord[]): OutboxRecord[] {
  return rows.sort((a, b) => a.createdAt - b.createdAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}
