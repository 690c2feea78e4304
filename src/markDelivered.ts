import { OUTBOX_DB, OUTBOX_SCHEMA_VERSION, OUTBOX_STORE } from '../sw/deliver/outboxDb.js';

/**
 * The acknowledgement, through storage: the page that got Sentry's 2xx
 * deletes those records from the worker's outbox itself (the same origin's
 * IndexedDB), before it tells the worker. A worker the browser stops before
 * the `ack` message reaches it then offers nothing twice.
 *
 * Resolves with whether the records are gone; false (the worker's `ack`
 * message does the job) when the outbox cannot be opened at this schema
 * version (a newer worker moved it on) or does not exist. Never creates the
 * database and never rejects.
 */
export function markDelivered(eventIds: string[]): Promise<boolean> {
  if (eventIds.length === 0 || typeof indexedDB === 'undefined') return Promise.resolve(eventIds.length === 0);
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      open = indexedDB.open(OUTBOX_DB, OUTBOX_SCHEMA_VERSION);
    } catch {
      return resolve(false);
    }
    // No outbox at this version: never create or upgrade it from a page.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = open.onblocked = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const tx = db.transaction(OUTBOX_STORE, 'readwrite');
        const store = tx.objectStore(OUTBOX_STORE);
        for (const id of eventIds) store.delete(id);
        tx.oncomplete = () => resolve(true);
        tx.onerror = tx.onabort = () => resolve(false);
      } catch {
        resolve(false);
      } finally {
        db.close();
      }
    };
  });
}
