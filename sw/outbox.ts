import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BackendReport } from './protocol.js';

/**
 * The durable outbox: a report is written here before anything else happens to
 * it and removed only when a page acknowledges it, so a worker the browser
 * stops, a tab that closes or a network that drops loses nothing.
 */
export interface OutboxRecord {
  eventId: string;
  report: BackendReport;
  /** The client that made the request; batches go back to it while it is open. */
  clientId: string;
  createdAt: number;
  attempts: number;
  /** Not offered to a page again before this time (backoff after an unanswered batch). */
  notBefore: number;
}

export interface Outbox {
  put(record: OutboxRecord): Promise<void>;
  all(): Promise<OutboxRecord[]>;
  delete(eventIds: string[]): Promise<void>;
  count(): Promise<number>;
}

/** Bump with a migration in `upgrade` whenever the record shape changes. */
export const OUTBOX_DB = 'gatewayz-sw-monitor';
export const OUTBOX_SCHEMA_VERSION = 1;

interface OutboxSchema extends DBSchema {
  outbox: { key: string; value: OutboxRecord; indexes: { createdAt: number } };
}

export class IdbOutbox implements Outbox {
  private db?: Promise<IDBPDatabase<OutboxSchema>>;

  private open(): Promise<IDBPDatabase<OutboxSchema>> {
    this.db ??= openDB<OutboxSchema>(OUTBOX_DB, OUTBOX_SCHEMA_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('outbox', { keyPath: 'eventId' }).createIndex('createdAt', 'createdAt');
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
}
