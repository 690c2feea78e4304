/**
 * Quota protection under a storm, and the accounting of every failure:
 * occurrences plus held-back counts add up to exactly what was injected.
 */
import type { Page } from '@playwright/test';
import { accountFor, letters } from './accounting.js';
import { appUrl, expect, test } from './fixtures.js';

/** Fires the paths from the page, paced evenly over `durationMs`, 50 at a time. */
async function fire(page: Page, paths: string[], durationMs: number): Promise<number> {
  return page.evaluate(
    async ({ paths, durationMs }) => {
      const started = performance.now();
      let failed = 0;
      for (let i = 0; i < paths.length; i += 50) {
        const batch = paths.slice(i, i + 50);
        const results = await Promise.all(batch.map((p) => window.harness.call(p)));
        failed += results.filter((r) => 'error' in r || r.status >= 400).length;
        const target = ((i + batch.length) / paths.length) * durationMs;
        const wait = target - (performance.now() - started);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      return failed;
    },
    { paths, durationMs },
  );
}

test('a storm of 2,000 identical and 500 distinct failures in 30 s stays within the rate limit and accounts for all 2,500', async ({ page, api, sentry, openApp }) => {
  test.setTimeout(180_000);
  await openApp({ monitor: { dedupeWindowMs: 10_000 } });
  api.fault({ path: '/v1/', status: 503, body: '{"error":"overloaded"}' });
  const identical = Array.from({ length: 2000 }, () => '/v1/models?gateway=storm');
  const distinct = Array.from({ length: 500 }, (_, i) => `/v1/distinct/${letters(i)}`);
  // Interleaved, as real traffic would be.
  const paths = identical.flatMap((p, i) => (i % 4 === 0 ? [p, distinct[i / 4]!] : [p]));
  const started = Date.now();
  expect(await fire(page, paths, 30_000)).toBe(2500);

  // Wait until every failure is accounted for: the held-back count goes out when a minute's slots free up.
  await expect.poll(() => accountFor(sentry.events.map((r) => r.event)).accounted, { timeout: 120_000, intervals: [1000] }).toBe(2500);
  const result = accountFor(sentry.events.map((r) => r.event));
  expect(result.duplicated).toBe(0);

  // Within the rate limit: at most 10 reports of failures in the first minute, and few in all.
  // Burst alerts (once per episode, per gateway and per endpoint) come on top by design.
  const all = sentry.events.filter((r) => r.event.tags?.error_category === 'backend_api');
  const backend = all.filter((r) => r.event.tags?.failure_kind !== 'burst');
  const bursts = all.filter((r) => r.event.tags?.failure_kind === 'burst');
  expect(bursts.length).toBeGreaterThanOrEqual(1);
  expect(bursts.length).toBeLessThanOrEqual(4);
  const firstMinute = backend.filter((r) => r.receivedAt - started < 55_000);
  expect(firstMinute.length).toBeLessThanOrEqual(10);
  expect(backend.length).toBeLessThanOrEqual(20);
  // The folded identical failures say how many they stand for; the held-back count is its own summary or rides on an event.
  const storm = backend.filter((r) => r.event.tags?.gateway === 'storm');
  expect(storm.length).toBeGreaterThanOrEqual(1);
  const heldBack = backend.reduce((n, r) => n + (((r.event.contexts?.backend_api as { held_back?: number })?.held_back) ?? 0), 0);
  expect(heldBack).toBeGreaterThan(0);
  test.info().annotations.push({ type: 'summary', description: `storm: 2500 failures became ${backend.length} events, ${heldBack} of them counted as held back` });
});

test('a storm of 300 identical failures is counted in Sentry in full within its window plus 15 s, as one event and one summary', async ({ page, api, sentry, openApp }) => {
  test.setTimeout(90_000);
  const windowMs = 10_000;
  await openApp({ monitor: { dedupeWindowMs: windowMs, batchMs: 200 } });
  api.fault({ path: '/v1/', status: 503, body: '{"error":"overloaded"}' });
  const started = Date.now();
  expect(await fire(page, Array.from({ length: 300 }, () => '/v1/models?gateway=storm300'), 3_000)).toBe(300);
  await expect.poll(() => accountFor(sentry.events.map((r) => r.event)).accounted, { timeout: windowMs + 15_000, intervals: [250] }).toBe(300);
  const storm = sentry.events.filter((r) => r.event.tags?.gateway === 'storm300' && r.event.tags?.failure_kind !== 'burst');
  const last = Math.max(...storm.map((r) => r.receivedAt)) - started;
  const { duplicated } = accountFor(sentry.events.map((r) => r.event));
  test.info().annotations.push({ type: 'summary', description: `storm of 300: ${storm.length} events, all 300 counted ${(last / 1000).toFixed(1)} s after the first failure (window ${windowMs / 1000} s), duplicated ${duplicated}, repeats 0` });
  expect(storm.map((r) => (r.event.contexts?.backend_api as { occurrences?: number }).occurrences ?? 1)).toEqual([1, 299]);
  expect(last).toBeLessThanOrEqual(windowMs + 15_000);
  expect(duplicated).toBe(0);
});

test('accounting: a mix of stopped workers, closed tabs, offline spells and a failing ingest loses and doubles nothing', async ({ page, context, servers, api, sentry, network, serviceWorker, openApp }) => {
  test.setTimeout(180_000);
  await openApp({ monitor: { batchMs: 300 } });
  api.fault({ path: '/v1/', status: 500, body: 'broken' });
  let injected = 0;
  const call = async (p: Page, path: string) => {
    const r = await p.evaluate((x) => window.harness.call(x), path);
    if ('error' in r || r.status >= 400) injected++;
  };

  // Plain failures, some repeated (folded).
  for (let i = 0; i < 5; i++) await call(page, `/v1/plain/${letters(i)}`);
  for (let i = 0; i < 20; i++) await call(page, '/v1/models?gateway=repeat');
  // The worker stopped before it flushes.
  await call(page, '/v1/stopped');
  await serviceWorker.stop();
  // Sentry ingest failing for two attempts.
  sentry.plan([{ status: 500 }, { status: 503 }]);
  await call(page, '/v1/ingest-trouble');
  // A second tab that fails and closes at once.
  const tab = await context.newPage();
  await tab.goto(appUrl(servers, { monitor: { batchMs: 300 } }));
  await tab.waitForFunction(() => typeof window.harness === 'object');
  await tab.evaluate(() => window.harness.ready());
  await call(tab, '/v1/closed-tab');
  await tab.close();
  // An offline spell.
  await network.offline();
  for (let i = 0; i < 3; i++) await call(page, `/v1/offline/${letters(i)}`);
  await page.waitForTimeout(2000);
  await network.online();
  // A burst past the rate limit.
  for (let i = 0; i < 15; i++) await call(page, `/v1/burst/${letters(i)}`);

  await expect.poll(() => accountFor(sentry.events.map((r) => r.event)).accounted, { timeout: 150_000, intervals: [1000] }).toBeGreaterThanOrEqual(injected);
  await page.waitForTimeout(2000);
  const { accounted, duplicated } = accountFor(sentry.events.map((r) => r.event));
  const lost = injected - accounted;
  test.info().annotations.push({ type: 'summary', description: `injected ${injected}, accounted ${accounted}, lost ${lost}, duplicated ${duplicated}` });
  expect(injected).toBe(5 + 20 + 1 + 1 + 1 + 3 + 15);
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
  expect(accounted).toBe(injected);
});
