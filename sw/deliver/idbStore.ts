import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction } from 'idb';
import type { OutboxRecord, Store, Tx } from '../core/store.js';
import { emptyGate, GATE_KEY, type FoldState, type LimitState } from '../quota/gate.js';
import type { BurstTrack } from '../health/burst.js';

import { OUTBOX_DB, OUTBOX_SCHEMA_VERSION } from './outboxDb.js';

export { OUTBOX_DB, OUTBOX_SCHEMA_VERSION };

interface Schema extends DBSchema {
  outbox: { key: string; value: OutboxRecord; indexes: { createdAt: number } };
  meta: { key: string; value: unknown };
}

type T = IDBPTransaction<Schema, ('outbox' | 'meta')[], 'readwrite'>;
type UpgradeMeta = IDBPObjectStore<Schema, ArrayLike<'outbox' | 'meta'>, 'meta', 'versionchange'>;

/**
 * Version 2 kept the quota gate's state in many meta records (`limit`,
 * `fold <fingerprint>`, `burst <scope> <name>`); version 3 keeps it in one
 * (`gate`), which each failure reads and writes once. Moved in the upgrade's
 * own transaction, so no count is lost or doubled on the way.
 */
async function gateInOneRecord(meta: UpgradeMeta): Promise<void> {
  const [keys, values] = await Promise.all([meta.getAllKeys(), meta.getAll()]);
  const state = emptyGate();
  let found = false;
  keys.forEach((key, i) => {
    const k = String(key);
    if (k === 'limit') state.limit = values[i] as LimitState;
    else if (k.startsWith('fold ')) state.folds[k.slice(5)] = values[i] as FoldState;
    else if (k.startsWith('burst ')) state.tracks[k] = values[i] as BurstTrack;
    else return;
    found = true;
    void meta.delete(k);
  });
  if (found) await meta.put(state, GATE_KEY);
}

/**
 * The outbox in IndexedDB (through `idb`). A connection the browser closes
 * (storage pressure, "clear site data", a newer worker's upgrade) is opened
 * again on the next transaction, and a transaction that finds its connection
 * closing is retried once on a fresh one.
 */
export class IdbStore implements Store {
  #db?: Promise<IDBPDatabase<Schema>>;

  open(): Promise<IDBPDatabase<Schema>> {
    this.#db ??= openDB<Schema>(OUTBOX_DB, OUTBOX_SCHEMA_VERSION, {
      upgrade(db, oldVersion, _newVersion, tx) {
        // Each step takes an older worker's database forward without losing what it holds.
        if (oldVersion < 1) {
          db.createObjectStore('outbox', { keyPath: 'eventId' }).createIndex('createdAt', 'createdAt');
          db.createObjectStore('meta');
        }
        if (oldVersion === 1) {
          // Version 1 kept its rate limit under `throttle`, and marked fold records with a `folding`
          // field that nothing reads now: such records are delivered when their window ends.
          void tx.objectStore('meta').delete('throttle');
        }
        if (oldVersion >= 1 && oldVersion < 3) void gateInOneRecord(tx.objectStore('meta'));
      },
      // A newer worker version wants to upgrade: let go, and reopen on the next transaction.
      blocking: (_current, _next, event) => {
        (event.target as IDBDatabase).close();
        this.#db = undefined;
      },
      // The browser closed the connection abnormally.
      terminated: () => {
        this.#db = undefined;
      },
    }).catch((err: unknown) => {
      this.#db = undefined;
      throw err;
    });
    return this.#db;
  }

  async tx<R>(work: (tx: Tx) => Promise<R>): Promise<R> {
    try {
      return await this.#run(work);
    } catch (err) {
      // InvalidStateError: the connection is closing (closed by the browser, or by `blocking` above).
      if ((err as DOMException)?.name !== 'InvalidStateError') throw err;
      this.#db = undefined;
      return this.#run(work);
    }
  }

  async #run<R>(work: (tx: Tx) => Promise<R>): Promise<R> {
    // Relaxed: the commit is reported once the browser has the data, not after the disk flush. The write-ahead
    // guards against the worker being stopped and the tab closing, which relaxed survives; only the
    // operating system failing in that instant loses it (Chromium's default is the same).
    const t: T = (await this.open()).transaction(['outbox', 'meta'], 'readwrite', { durability: 'relaxed' });
    const outbox = t.objectStore('outbox');
    const meta = t.objectStore('meta');
    const tx: Tx = {
      get: (id) => outbox.get(id),
      put: async (r) => void (await outbox.put(r)),
      delete: (id) => outbox.delete(id),
      all: () => outbox.index('createdAt').getAll(),
      count: () => outbox.count(),
      getMeta: async <V>(key: string) => (await meta.get(key)) as V | undefined,
      putMeta: async (key, value) => void (await meta.put(value, key)),
    };
    try {
      const result = await work(tx);
      await t.done;
      return result;
    } catch (err) {
      try {
        t.abort();
      } catch {
        // already finished
      }
      throw err;
    }
  }
}
