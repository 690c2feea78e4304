/**
 * Health metrics are bounded: however many endpoints and windows the worker
 * reports, a page sends at most 500 metric items a minute to Sentry (the
 * README's figure), and what waits for the next minute is merged, not lost.
 */
import { letters } from './accounting.js';
import { expect, test } from './fixtures.js';

const MAX_ITEMS_PER_MINUTE = 500;

test('forty busy endpoints reported every second: at most 500 metric items a minute, and every request counted', async ({ page, sentry, openApp }) => {
  test.setTimeout(150_000);
  await openApp({ monitor: { healthIntervalMs: 1000 } });
  const paths = Array.from({ length: 40 }, (_, i) => `/v1/busy/${letters(i)}`);
  const started = Date.now();
  // 12 requests to each of 40 endpoints, over several health windows.
  for (let round = 0; round < 12; round++) {
    await page.evaluate((ps) => Promise.all(ps.map((p) => window.harness.call(p))), paths);
  }
  const requests = () => sentry.metrics.filter((m) => m.name === 'backend_api.requests').reduce((n, m) => n + m.value, 0);
  // Whatever arrives within the first minute stays within the budget.
  await page.waitForTimeout(Math.max(0, started + 50_000 - Date.now()));
  const firstMinute = sentry.metrics.length;
  expect(firstMinute).toBeGreaterThan(0);
  expect(firstMinute).toBeLessThanOrEqual(MAX_ITEMS_PER_MINUTE);
  // What waited is sent in the next minute, merged: every request is counted, once.
  await expect.poll(requests, { timeout: 80_000, intervals: [2000] }).toBe(40 * 12);
  await page.waitForTimeout(3000);
  expect(requests()).toBe(40 * 12);
});
