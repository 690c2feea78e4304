/**
 * Whether Sentry's browser offline transport (`makeBrowserOfflineTransport`)
 * holds an event in its IndexedDB queue. The transport answers `{}` both when
 * it stored an envelope and when a plain transport's send failed; only the
 * queue itself tells the two apart. Stored envelopes are serialized text (or
 * bytes with binary attachments) that contain the event's id.
 */
export async function offlineQueueHolds(eventId: string, dbName = 'sentry-offline', storeName = 'queue'): Promise<boolean> {
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
    const values = await new Promise<unknown[]>((resolve, reject) => {
      const all = db.transaction(storeName, 'readonly').objectStore(storeName).getAll();
      all.onsuccess = () => resolve(all.result);
      all.onerror = () => reject(all.error);
    });
    const decoder = new TextDecoder();
    return values.some((v) => (typeof v === 'string' ? v : v instanceof Uint8Array ? decoder.decode(v) : '').includes(eventId));
  } catch {
    return false;
  } finally {
    db.close();
  }
}
