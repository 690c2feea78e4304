/**
 * Nothing lost, nothing doubled: the worker's IndexedDB outbox and acknowledged
 * delivery, against a stopped worker, a closed tab, an offline browser, several
 * tabs, a failing Sentry ingest and a new worker version.
 */
import type { Event } from '@sentry/core';
import type { Page } from '@playwright/test';
import { appUrl, backendEvents, expect, orDumpWorker, test } from './fixtures.js';
import type { SentryRecorder } from '../src/playwright/sentryRecorder.js';


/** Every accepted backend event, by event_id: each must appear exactly once. */
function expectNoDuplicates(sentry: SentryRecorder): void {
  const ids = backendEvents(sentry).map((e) => e.event_id);
  expect(new Set(ids).size).toBe(ids.length);
}

async function pending(page: Page): Promise<number | undefined> {
  return (await page.evaluate(() => window.harness.stats()))?.pending;
}

test('a worker stopped between the failure and the flush still delivers the event, once', async ({ page, serviceWorker, api, sentry, openApp }) => {
  await openApp({ monitor: { batchMs: 600_000 } });
  api.fault({ path: '/v1/models', status: 503, body: 'down' });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=stopped'));
  await expect.poll(() => pending(page)).toBe(1);

  // Chromium never stops a worker on its own while DevTools is attached: the kit stops it through CDP.
  await serviceWorker.stop();
  await page.waitForTimeout(500);
  expect(backendEvents(sentry)).toHaveLength(0);

  // The app's next API call starts the worker again; on start-up it sends what its outbox holds.
  await page.evaluate(() => window.harness.call('/v1/health'));
  const event = await orDumpWorker(page, sentry.waitForEvent((e) => e.tags?.gateway === 'stopped'));
  expect(event.message).toBe('Backend API GET /v1/models failed: 503 Service Unavailable');
  // A fresh worker instance: its counters started again at the health call.
  expect((await page.evaluate(() => window.harness.stats()))?.observed).toBe(1);
  await expect.poll(() => pending(page)).toBe(0);
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('a tab closed before the flush: the event arrives when a new tab of the site opens, once', async ({ context, servers, api, sentry, openApp, page }) => {
  await openApp({ monitor: { batchMs: 600_000 } });
  api.fault({ path: '/v1/models', status: 500, body: 'boom' });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=closed-tab'));
  await expect.poll(() => pending(page)).toBe(1);
  await page.close();
  await new Promise((r) => setTimeout(r, 1000));
  expect(backendEvents(sentry)).toHaveLength(0);

  const later = await context.newPage();
  await later.goto(appUrl(servers, { monitor: { batchMs: 600_000 } }));
  const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'closed-tab');
  expect(event.tags).toMatchObject({ http_status: '500', api_endpoint: '/v1/models' });
  await later.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('offline when the failure happens and for a while after: the event arrives once, when back online', async ({ page, network, api, sentry, openApp }) => {
  await openApp({ monitor: { batchMs: 200 } });
  await network.offline();
  await page.evaluate(() => window.harness.call('/v1/models?gateway=offline-long'));
  // Several flushes are offered and fail while offline; none is acknowledged.
  await page.waitForTimeout(5000);
  expect(sentry.envelopes.filter((env) => env[1].some(([h]) => h.type === 'event'))).toHaveLength(0);
  expect(await pending(page)).toBe(1);
  await network.online();
  const event = await orDumpWorker(page, sentry.waitForEvent((e) => e.tags?.gateway === 'offline-long'));
  expect(event.tags).toMatchObject({ failure_kind: 'offline', http_status: '0' });
  await expect.poll(() => pending(page)).toBe(0);
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(1);
  void api;
});

test('three tabs failing at once: each failure is one event, none sent twice', async ({ context, servers, api, sentry, openApp, page }) => {
  await openApp();
  const tabs = [page, await context.newPage(), await context.newPage()];
  for (const tab of tabs.slice(1)) {
    await tab.goto(appUrl(servers));
    await tab.waitForFunction(() => typeof window.harness === 'object');
    expect(await tab.evaluate(() => window.harness.ready())).toBe(true);
  }
  api.fault({ path: '/v1/', status: 502, body: 'bad gateway' });
  await Promise.all(tabs.map((tab, i) => tab.evaluate((p) => window.harness.call(p), `/v1/tab-${'abc'[i]}?gateway=tab${i}`)));
  const events = await sentry.waitForEvents(3, (e) => e.tags?.error_category === 'backend_api');
  expect(events.map((e) => e.tags?.api_endpoint).sort()).toEqual(['/v1/tab-a', '/v1/tab-b', '/v1/tab-c']);
  await page.waitForTimeout(1500);
  expect(backendEvents(sentry)).toHaveLength(3);
  expectNoDuplicates(sentry);
  // Every acknowledgement reached the worker: nothing left to send.
  await expect.poll(() => pending(page)).toBe(0);
});

test('Sentry answers 500, then 429 with Retry-After, then recovers: the event arrives once, with one event_id throughout', async ({ page, api, sentry, openApp }) => {
  await openApp();
  sentry.plan([{ status: 500 }, { status: 429, headers: { 'retry-after': '2' } }]);
  api.fault({ path: '/v1/models', status: 504, body: 'gateway timeout' });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=ingest-trouble'));
  const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'ingest-trouble', 40_000);
  // The same event id was offered at each attempt; only the accepted one counts.
  const attempts = sentry.envelopes.filter((env) => env[1].some(([h, p]) => h.type === 'event' && (p as Event).event_id === event.event_id));
  expect(attempts.length).toBe(3);
  await expect.poll(() => pending(page)).toBe(0);
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('a new worker version deployed while the outbox holds reports delivers them', async ({ page, site, api, sentry, openApp }) => {
  await openApp({ monitor: { batchMs: 600_000 } });
  api.fault({ path: '/v1/models', status: 503, body: 'down' });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=upgrade'));
  await expect.poll(() => pending(page)).toBe(1);
  expect((await page.evaluate(() => window.harness.stats()))?.observed).toBe(1);

  // Deploy: the same URL now serves a different script, as after a release.
  const { readFile } = await import('node:fs/promises');
  const current = await readFile(new URL('../dist/gatewayz-sw.js', import.meta.url), 'utf8');
  site.override('/gatewayz-sw.js', `${current}\n// release 2\n`);
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    await reg!.update();
    await new Promise<void>((resolve) => {
      if (!reg!.installing && !reg!.waiting) return resolve();
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
    });
  });
  const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'upgrade');
  expect(event.message).toBe('Backend API GET /v1/models failed: 503 Service Unavailable');
  // The new worker is a new instance that took the old outbox over.
  await expect.poll(async () => (await page.evaluate(() => window.harness.stats()))?.observed).toBe(0);
  await expect.poll(() => pending(page)).toBe(0);
  expect(backendEvents(sentry)).toHaveLength(1);
});

test("with the monitor's own client, a report made offline waits in the worker's outbox, unacknowledged, and arrives once back online", async ({ page, network, api, sentry, openApp }) => {
  await openApp({ isolated: true, monitor: { batchMs: 200 } });
  await network.offline();
  await page.evaluate(() => window.harness.call('/v1/models?gateway=offline-store'));
  // The page's send fails: nothing is acknowledged; the report stays in the worker's outbox (not in a queue that may drop it).
  await expect.poll(async () => (await page.evaluate(() => window.harness.stats()))?.reported).toBe(1);
  await page.waitForTimeout(1500);
  expect((await page.evaluate(() => window.harness.stats()))?.delivered).toBe(0);
  expect(await pending(page)).toBe(1);
  expect(sentry.envelopes).toHaveLength(0);
  await network.online();
  const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'offline-store');
  expect(event.message).toBe('Backend API GET /v1/models failed: offline');
  expect(event.release).toBe('harness@1.0.0');
  await expect.poll(() => pending(page)).toBe(0);
  await page.waitForTimeout(1500);
  expect(backendEvents(sentry)).toHaveLength(1);
  void api;
});
