/**
 * Write-ahead capture, at its worst instants: the worker is stopped (CDP
 * `ServiceWorker.stopAllWorkers`, the same as a crash or the browser quitting)
 * the moment the page has its failed response, never after waiting for the
 * worker to settle. Each test ends with the accounting line.
 */
import type { Page } from '@playwright/test';
import { accountFor } from './accounting.js';
import { appUrl, backendEvents, expect, orDumpWorker, test } from './fixtures.js';
import type { SentryRecorder } from '../src/playwright/sentryRecorder.js';

/** Fetches from the page and returns as soon as the headers arrive, leaving the body to finish on its own. */
const headersOnly = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(`${window.harness.api}${p}`);
    (window as unknown as { pending: Promise<string> }).pending = r.text().catch((e: unknown) => String(e));
    return r.status;
  }, path);

async function expectAccounted(sentry: SentryRecorder, injected: number): Promise<void> {
  await expect.poll(() => accountFor(sentry.events.map((r) => r.event)).accounted, { timeout: 45_000 }).toBeGreaterThanOrEqual(injected);
  // Anything sent twice would arrive in the next moments.
  await new Promise((r) => setTimeout(r, 1500));
  const { accounted, duplicated } = accountFor(sentry.events.map((r) => r.event));
  test.info().annotations.push({ type: 'summary', description: `injected ${injected}, accounted ${accounted}, lost ${injected - accounted}, duplicated ${duplicated}` });
  expect({ accounted, duplicated }).toEqual({ accounted: injected, duplicated: 0 });
}

test('the worker stopped right after the page sees a 500: the event still arrives, once', async ({ page, api, sentry, serviceWorker, openApp }) => {
  await openApp({ monitor: { batchMs: 1000 } });
  api.fault({ path: '/v1/models', status: 500, body: '{"error":"boom"}' });
  expect(await page.evaluate(() => window.harness.call('/v1/models?gateway=killed'))).toMatchObject({ status: 500 });
  await serviceWorker.stop();
  // The app's next API call starts the worker again; on start-up it offers what its outbox holds.
  await page.evaluate(() => window.harness.call('/v1/health'));
  const event = await orDumpWorker(page, sentry.waitForEvent((e) => e.tags?.gateway === 'killed'));
  expect(event.message).toBe('Backend API GET /v1/models failed: 500 Internal Server Error');
  expect(event.tags).toMatchObject({ error_category: 'backend_api', api_endpoint: '/v1/models', http_status: '500', http_method: 'GET', failure_kind: 'http_error' });
  await expectAccounted(sentry, 1);
});

test('the worker stopped while a slow error body is still arriving: the event arrives, once', async ({ page, api, sentry, serviceWorker, openApp }) => {
  await openApp({ monitor: { batchMs: 1000 } });
  api.fault({ path: '/v1/chat/completions', status: 503, body: `{"error":"overloaded","detail":"${'x'.repeat(200)}"}`, bodyDelayMs: 3000 });
  expect(await headersOnly(page, '/v1/chat/completions?gateway=slow-body')).toBe(503);
  await serviceWorker.stop();
  await page.evaluate(() => window.harness.call('/v1/health'));
  const event = await orDumpWorker(page, sentry.waitForEvent((e) => e.tags?.gateway === 'slow-body'));
  expect(event.tags).toMatchObject({ api_endpoint: '/v1/chat/completions', http_status: '503' });
  expect(event.contexts?.backend_api).toMatchObject({ status_code: 503, method: 'GET', gateway: 'slow-body' });
  await expectAccounted(sentry, 1);
});

test('the worker stopped right after a failure was folded: the count leaves when its window closes, once', async ({ page, api, sentry, serviceWorker, openApp }) => {
  await openApp({ monitor: { batchMs: 200, dedupeWindowMs: 3000 } });
  api.fault({ path: '/v1/embeddings', status: 502, body: 'bad gateway' });
  await page.evaluate(() => window.harness.call('/v1/embeddings?gateway=fold'));
  await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/embeddings');
  // The same failure within the window: only a count in storage, decided in the same transaction as the limit.
  await page.evaluate(() => window.harness.call('/v1/embeddings?gateway=fold'));
  await serviceWorker.stop();
  await page.waitForTimeout(3200);
  // After the window: the restarted worker sends the folded count as the window's summary (or the next
  // occurrence carries it, if it comes first); the new occurrence leaves with the next window's close.
  await page.evaluate(() => window.harness.call('/v1/embeddings?gateway=fold'));
  await expectAccounted(sentry, 3);
  const later = backendEvents(sentry).slice(1);
  expect(later.map((e) => e.tags?.api_endpoint)).toEqual(later.map(() => '/v1/embeddings'));
  expect(later.reduce((n, e) => n + Number((e.contexts?.backend_api as { occurrences?: number })?.occurrences ?? 1), 0)).toBe(2);
});

test('the outbox overflows while a batch is in flight: nothing counted twice, nothing lost', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { batchMs: 100, outboxCap: 10, maxEventsPerMinute: 1000, dedupeWindowMs: 0 } });
  api.fault({ path: '/v1/', status: 500, body: 'down' });
  // The first event's envelope is answered only after 5 s: its batch stays in flight.
  sentry.plan([{ status: 200, delayMs: 5000 }]);
  for (let i = 0; i < 5; i++) await page.evaluate((p) => window.harness.call(p), `/v1/first/${i}`);
  await expect.poll(() => sentry.envelopes.length).toBeGreaterThan(0);
  for (let i = 0; i < 20; i++) await page.evaluate((p) => window.harness.call(p), `/v1/more/${String.fromCharCode(97 + i)}`);
  await expectAccounted(sentry, 25);
  const heldBack = backendEvents(sentry).reduce((n, e) => n + (((e.contexts?.backend_api as { held_back?: number }) ?? {}).held_back ?? 0), 0);
  // The cap was passed: some failures rode as a count.
  expect(heldBack).toBeGreaterThan(0);
});

test('a frozen tab holding pending reports holds nothing: the other tab delivers them, once', async ({ page, context, servers, api, sentry, openApp }) => {
  await openApp({ monitor: { batchMs: 1000 } });
  const other = await context.newPage();
  await other.goto(appUrl(servers, { monitor: { batchMs: 1000 } }));
  await other.waitForFunction(() => typeof window.harness === 'object');
  expect(await other.evaluate(() => window.harness.ready())).toBe(true);
  api.fault({ path: '/v1/models', status: 503, body: 'down' });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=frozen'));
  // Frozen before its batch comes: the worker offers it to this tab first (it made the request).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'frozen', 20_000);
  expect(event.tags).toMatchObject({ api_endpoint: '/v1/models', http_status: '503' });
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  // The thawed tab finds the batch past its deadline and leaves it.
  await page.waitForTimeout(2000);
  await expectAccounted(sentry, 1);
});
