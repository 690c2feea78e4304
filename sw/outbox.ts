import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { HealthReport } from './health.js';
import type { BackendReport } from './protocol.js';

/**
 * The durable outbox: a report is written here before anything else happens to
 * it and removed only when a page acknowledges it, so a worker the browser
 * stops, a tab that closes or a network that drops loses nothing.
 */
export interface OutboxRecord {
  eventId: string;
  report: BackendReport | HealthReport;
  /** The client that made the request; batches go back to it while it is open. */
  clientId: string;
  createdAt: number;
  attempts: number;
  /** Not offered to a page before this time: backoff after an unanswered batch, or the end of a fold window. */
  notBefore: number;
  /**
   * Set while the record collects duplicates of a failure already reported
   * (its fold window ends at `notBefore`); it still has to pass the rate limit.
   */
  folding?: string;
}

export interface Outbox {
  put(record: OutboxRecord): Promise<void>;
  get(eventId: string): Promise<OutboxRecord | undefined>;
  /** Changes a stored record in one transaction; false when it is gone. */
  update(eventId: string, change: (record: OutboxRecord) => void): Promise<boolean>;
  all(): Promise<OutboxRecord[]>;
  delete(eventIds: string[]): Promise<void>;
  count(): Promise<number>;
  /** Removes and returns the `n` oldest records. */
  shiftOldest(n: number): Promise<OutboxRecord[]>;
  /** Small state that must outlive the worker: the rate limiter's, the health window's. */
  getMeta<T>(key: string): Promise<T | undefined>;
  putMeta(key: string, value: unknown): Promise<void>;
}

/** Bump with a migration in `upgrade` whenever the record shape changes. */
export const OUTBOX_DB = 'gatewayz-sw-monitor';
export const OUTBOX_SCHEMA_VERSION = 1;

interface OutboxSchema extends DBSchema {
  outbox: { key: string; value: OutboxRecord; indexes: { createdAt: number } };
  meta: { key: string; value: unknown };
}

export class IdbOutbox implements Outbox {
  private db?: Promise<IDBPDatabase<OutboxSchema>>;

  private open(): Promise<IDBPDatabase<OutboxSchema>> {
    this.db ??= openDB<OutboxSchema>(OUTBOX_DB, OUTBOX_SCHEMA_VERSION, {
      upgrade(db, oldVersion) {
        // Each step takes an outbox of the version before it forward, so a new
        // worker opens an older worker's outbox without losing what it holds.
        if (oldVersion < 1) {
          db.createObjectStore('outbox', { keyPath: 'eventId' }).createIndex('createdAt', 'createdAt');
          db.createObjectStore('meta');
        }
      },
      // Another worker version holds the database at an older schema: let it go.
      blocking(_current, _next, event) {
        (event.target as IDBDatabase).close();
      },
    }).catch((err: unknown) => {
      this.db = undefined;
      throw err;
    });
    return this.db;
  }

  async put(record: OutboxRecord): Promise<void> {
    await (await this.open()).put('outbox', record);
  }

  async get(eventId: string): Promise<OutboxRecord | undefined> {
    return (await this.open()).get('outbox', eventId);
  }

  async update(eventId: string, change: (record: OutboxRecord) => void): Promise<boolean> {
    const tx = (await this.open()).transaction('outbox', 'readwrite');
    const record = await tx.store.get(eventId);
    if (record) {
      change(record);
      await tx.store.put(record);
    }
    await tx.done;
    return !!record;
  }

  async all(): Promise<OutboxRecord[]> {
    return (await this.open()).getAllFromIndex('outbox', 'createdAt');
  }

  async delete(eventIds: string[]): Promise<void> {
    const tx = (await this.open()).transaction('outbox', 'readwrite');
    await Promise.all([...eventIds.map((id) => tx.store.delete(id)), tx.done]);
  }

  async count(): Promise<number> {
    return (await this.open()).count('outbox');
  }

  async shiftOldest(n: number): Promise<OutboxRecord[]> {
    const tx = (await this.open()).transaction('outbox', 'readwrite');
    const out: OutboxRecord[] = [];
    let cursor = await tx.store.index('createdAt').openCursor();
    while (cursor && out.length < n) {
      out.push(cursor.value);
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
    return out;
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.open()).get('meta', key) as Promise<T | undefined>;
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    await (await this.open()).put('meta', value, key);
  }
}
