/**
 * A worker update that changes how the outbox is stored loses no count. The
 * previous schema (2) kept the quota gate's state in many meta records
 * (`limit`, `fold <fingerprint>`, `burst <scope> <name>`); this one keeps it
 * in one (`gate`). The test leaves a version-2 database as that worker left
 * it, with counts in each kind of record, then lets this worker open it: the
 * counts reach Sentry, and the old records are gone.
 */
import { appUrl, backendEvents, expect, test, workerState } from './fixtures.js';

test('an outbox left by a schema-2 worker: its held-back count and a closed fold window reach Sentry after the upgrade, and the old records are gone', async ({ page, sentry, servers, openApp }) => {
  // The site's page without the monitor: the database as the previous version left it, before this worker opens it.
  await page.goto(appUrl(servers, { withoutMonitor: true }));
  const now = Date.now();
  const last = {
    eventId: 'a'.repeat(32),
    kind: 'http_error',
    level: 'error',
    method: 'GET',
    url: 'https://api.example/v1/old/models',
    endpoint: '/v1/old/models',
    gateway: 'eo',
    status: 500,
    statusText: 'Internal Server Error',
    retryCount: 0,
    durationMs: 12,
    startedAt: now - 90_000,
    online: true,
    occurrences: 1,
    firstSeen: now - 90_000,
    lastSeen: now - 90_000,
  };
  await page.evaluate(
    ({ now, last }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('gatewayz-sw-monitor', 2);
        open.onupgradeneeded = () => {
          const db = open.result;
          db.createObjectStore('outbox', { keyPath: 'eventId' }).createIndex('createdAt', 'createdAt');
          db.createObjectStore('meta');
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('meta', 'readwrite');
          const meta = tx.objectStore('meta');
          // Three failures the rate limit held back, not yet carried by any report.
          meta.put({ admitted: [], heldBack: 3, alerts: [], suppressedAlerts: 0 }, 'limit');
          // A fold window that closed a while ago, with two occurrences no event carried.
          meta.put({ windowStart: now - 100_000, pending: 2, pendingByGateway: { eo: 2 }, firstSeen: now - 95_000, lastSeen: now - 90_000, last }, 'fold GET /v1/old/models 500');
          // A burst track, quiet long enough to be forgotten.
          meta.put({ times: [now - 600_000], open: false, aboveHalfUntil: 0, sustainedAlerted: false }, 'burst gateway eo');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { now, last },
  );

  await openApp({ monitor: { batchMs: 200 } });
  const heldBack = () => backendEvents(sentry).reduce((n, e) => n + (Number(e.contexts?.backend_api?.held_back) || 0), 0);
  const summaryOf = () => backendEvents(sentry).find((e) => e.tags?.api_endpoint === '/v1/old/models');
  try {
    await expect.poll(() => !!summaryOf() && heldBack() === 3, { timeout: 20_000 }).toBe(true);
  } catch (err) {
    console.log(`worker state when this failed: ${JSON.stringify(await workerState(page)).slice(0, 8000)}`);
    throw err;
  }
  const events = backendEvents(sentry);
  // The closed window's two occurrences, as its trailing summary; the three held back ride on the first
  // report admitted after the upgrade (this one) or on a rate-limited summary of their own.
  const summary = summaryOf();
  expect(summary?.contexts?.backend_api).toMatchObject({ occurrences: 2, endpoint: 'https://api.example/v1/old/models', gateway: 'eo', status_code: 500, first_seen: new Date(now - 95_000).toISOString(), last_seen: new Date(now - 90_000).toISOString() });
  expect(summary?.fingerprint).toEqual(['backend_api', 'GET', '/v1/old/models', '500']);
  await page.waitForTimeout(1000);
  // Nothing more: each count once.
  expect(backendEvents(sentry)).toHaveLength(events.length);
  expect(heldBack()).toBe(3);

  // In storage: the gate's one record, and none of the old ones.
  const meta = await page.evaluate(
    () =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const open = indexedDB.open('gatewayz-sw-monitor');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('meta').objectStore('meta');
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            resolve({ version: db.version, ...Object.fromEntries(keys.result.map((k, i) => [String(k), values.result[i]])) });
            db.close();
          };
        };
      }),
  );
  expect(meta.version).toBe(3);
  expect(Object.keys(meta).filter((k) => k === 'limit' || k.startsWith('fold ') || k.startsWith('burst '))).toEqual([]);
  const gate = meta.gate as { limit: { heldBack: number }; folds: Record<string, { pending: number }>; tracks: Record<string, unknown> };
  expect(gate.limit.heldBack).toBe(0);
  expect(Object.values(gate.folds).reduce((n, f) => n + f.pending, 0)).toBe(0);
  // The quiet burst track was forgotten by the first sweep.
  expect(gate.tracks).toEqual({});
});
