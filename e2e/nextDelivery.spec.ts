/**
 * Delivery through the app's own client (the Next.js fixture's Sentry.init):
 * what its offline transport stored is acknowledged once, no integration order
 * lets Sentry's Dedupe drop a report, and a report delivered by another tab
 * carries the user who saw the failure.
 */
import type { Page } from '@playwright/test';
import { accountFor } from './accounting.js';
import { backendEvents } from './fixtures.js';
import { callApi, expect, openNextPage, test, workerStats } from './nextApp.js';

/** How many envelopes in the app's offline queue (Sentry's default IndexedDB store) mention this text. */
function queuedCopies(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (needle) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('sentry-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('queue')) return resolve(0);
          const all = db.transaction('queue').objectStore('queue').getAll();
          all.onsuccess = () => {
            const decode = (v: unknown) => (typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array));
            resolve(all.result.filter((v) => decode(v).includes(needle)).length);
            db.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
    text,
  );
}

test("offline across several backoffs, the app's own offline transport never keeps the report (that queue loses envelopes on a 429): the worker does, and it arrives once", async ({ page, nextApp, network, sentry }) => {
  await openNextPage(page, `${nextApp.origin}/?user=frank`);
  await network.offline();
  expect(await callApi(page, '/v1/offline-queue?gateway=q')).toMatch(/^error TypeError: Failed to fetch/);
  // The worker offers a report again after 2 s, 4 s, ...: ten seconds is several backoffs.
  await page.waitForTimeout(10_000);
  // Each time the app's offline transport stored it, the monitor took it back out of that queue.
  expect(await queuedCopies(page, '/v1/offline-queue')).toBe(0);
  expect(await workerStats(page)).toMatchObject({ pending: 1, delivered: 0 });
  await network.online();
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/offline-queue', 30_000);
  expect(event.message).toBe('Backend API GET /v1/offline-queue failed: offline');
  expect(event.user?.id).toBe('frank');
  await page.waitForTimeout(3000);
  expect(backendEvents(sentry).filter((e) => e.tags?.api_endpoint === '/v1/offline-queue')).toHaveLength(1);
});

for (const order of ['last', 'first'] as const) {
  test(`with the integration ${order} among the defaults, Dedupe drops no fold summary: every failure is accounted for`, async ({ page, nextApp, api, sentry }) => {
    // A short fold window, so the fold summary (same message, same fingerprint) follows the first event at once.
    const monitor = JSON.stringify({ dedupeWindowMs: 1000 });
    await openNextPage(page, `${nextApp.origin}/?user=gina&order=${order}&monitor=${encodeURIComponent(monitor)}`);
    const path = `/v1/dedupe-${order}`;
    api.fault({ path, status: 502, body: 'bad gateway' });
    for (let i = 0; i < 3; i++) expect(await callApi(page, `${path}?n=${i}`)).toBe('502 bad gateway');
    await expect.poll(async () => (await workerStats(page))?.pending, { timeout: 30_000 }).toBe(0);
    await page.waitForTimeout(1000);
    const events = backendEvents(sentry).filter((e) => e.tags?.api_endpoint === path);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(accountFor(events)).toMatchObject({ accounted: 3, duplicated: 0 });
    for (const e of events) expect(e.message).toBe(`Backend API GET ${path} failed: 502 Bad Gateway`);
  });
}

test('the bridge tells the worker who uses the page: the user, release and environment in its hello, and again when the user signs in', async ({ page, nextApp }) => {
  // Record what the page posts to its worker.
  await page.addInitScript(() => {
    const sent: unknown[] = ((window as unknown as { __posted: unknown[] }).__posted = []);
    const post = ServiceWorker.prototype.postMessage;
    ServiceWorker.prototype.postMessage = function (this: ServiceWorker, message: unknown, ...rest: never[]) {
      sent.push(message);
      return (post as (...a: unknown[]) => void).call(this, message, ...rest);
    } as typeof post;
  });
  const posted = (type: string) => page.evaluate((t) => (window as unknown as { __posted: Array<{ type: string; payload: unknown }> }).__posted.filter((m) => m.type === t).map((m) => m.payload), type);
  await openNextPage(page, `${nextApp.origin}/?user=alice`);
  await expect.poll(() => posted('hello')).toContainEqual({ version: expect.any(String), page: { user: { id: 'alice', username: 'alice' }, release: 'next-app@3.1.0', environment: 'e2e' } });
  expect(await posted('scope')).toEqual([]);
  await page.getByLabel('User').fill('alice-admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => posted('scope')).toEqual([{ user: { id: 'alice-admin', username: 'alice-admin' }, release: 'next-app@3.1.0', environment: 'e2e' }]);
});

test('a report delivered later by another tab carries the user who saw the failure, not the user of the tab that delivers it', async ({ context, page, nextApp, api, sentry }) => {
  // Reports wait in the worker (a long batch window) until a page opens.
  const monitor = encodeURIComponent(JSON.stringify({ batchMs: 600_000 }));
  await openNextPage(page, `${nextApp.origin}/?user=alice&monitor=${monitor}`);
  // Alice signs in as another account in this tab: the worker is told the new user.
  await page.getByLabel('User').fill('alice-admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  api.fault({ path: '/v1/two-users', status: 500, body: 'boom' });
  expect(await callApi(page, '/v1/two-users?gateway=alice')).toBe('500 boom');
  await expect.poll(async () => (await workerStats(page))?.pending).toBe(1);
  await page.close();

  const bob = await context.newPage();
  await openNextPage(bob, `${nextApp.origin}/?user=bob&monitor=${monitor}`);
  await bob.evaluate(() => window.gatewayz!.monitor!.flush());
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/two-users', 20_000);
  expect(event.user).toMatchObject({ id: 'alice-admin', username: 'alice-admin' });
  expect(event.release).toBe('next-app@3.1.0');
  expect(event.environment).toBe('e2e');

  // Bob's own failures still carry Bob.
  api.fault({ path: '/v1/bob-fails', status: 503, body: 'down' });
  expect(await callApi(bob, '/v1/bob-fails')).toBe('503 down');
  await bob.evaluate(() => window.gatewayz!.monitor!.flush());
  const bobs = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/bob-fails', 20_000);
  expect(bobs.user).toMatchObject({ id: 'bob', username: 'bob' });
});
