/**
 * Takes an event back out of Sentry's browser offline queue
 * (`makeBrowserOfflineTransport`). That queue is not the end of the line for
 * a monitor report: its retry takes an envelope out before sending it and
 * does not put it back when Sentry answers 429 or any status of 400 or more,
 * a retry during the SDK's rate-limit backoff is filtered to nothing, and a
 * full queue drops silently. So the monitor keeps its reports in its own
 * outbox, which lets go of one only on Sentry's 2xx, and removes its events
 * from the app's queue: the worker offers them again instead.
 *
 * The transport answers `{}` both when it stored an envelope and when a plain
 * transport's send failed; only the queue tells the two apart. Stored
 * envelopes are serialized text (or bytes with binary attachments) that
 * contain the event's id. Resolves with whether it found (and removed) it.
 */
export async function takeFromOfflineQueue(eventId: string, dbName = 'sentry-offline', storeName = 'queue'): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  const db = await new Promise<IDBDatabase | undefined>((resolve) => {
    const open = indexedDB.open(dbName);
    // No such database: never create it (the transport would then find it without its store).
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => resolve(undefined);
    open.onblocked = () => resolve(undefined);
  });
  if (!db) return false;
  try {
    if (!db.objectStoreNames.contains(storeName)) return false;
    return await new Promise<boolean>((resolve, reject) => {
      const tx = db.transaction(storeName, 'readwrite');
      const decoder = new TextDecoder();
      let found = false;
      const cursor = tx.objectStore(storeName).openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        const v = c.value as unknown;
        const text = typeof v === 'string' ? v : v instanceof Uint8Array ? decoder.decode(v) : '';
        if (text.includes(eventId)) {
          found = true;
          c.delete();
        }
        c.continue();
      };
      tx.oncomplete = () => resolve(found);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } catch {
    return false;
  } finally {
    db.close();
  }
}
