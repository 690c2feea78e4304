// README.md's Playwright kit example, word for word (test/readme.test.ts checks
// it), run by e2e/kit.spec.ts against the Vite fixture app with the real default
// API origin and a sentry.io DSN: the kit's fixtures answer both.
import { test, expect } from 'gatewayz-sw-monitor/playwright';

test('a 503 from the models API is shown and reported', async ({ page, gateway, sentry, serviceWorker }) => {
  await page.goto('/');
  await serviceWorker.ready();
  await gateway.fail('https://api.gatewayz.ai/v1/models**', { status: 503 });
  await page.getByRole('button', { name: 'Load models' }).click();
  await expect(page.locator('#out')).toContainText('503');
  const event = await sentry.waitForEvent((e) => e.tags?.http_status === '503');
  expect(event.message).toBe('Backend API GET /v1/models failed: 503 Service Unavailable');
});
