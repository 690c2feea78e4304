import { blobBytes, sha256 } from './servers/gatewaySimulator.js';
import { backendEvents, expect, openWithoutWorker, test } from './fixtures.js';


test('2xx responses produce no event', async ({ page, sentry, openApp }) => {
  await openApp();
  for (const path of ['/v1/models', '/v1/models?gateway=openrouter', '/v1/blob?size=100']) {
    const r = await page.evaluate((p) => window.harness.call(p), path);
    expect(r).toMatchObject({ status: 200 });
  }
  const stats = await page.evaluate(() => window.harness.flush());
  expect(stats).toMatchObject({ observed: 3, failures: 0, reported: 0, pending: 0, internalErrors: 0 });
  expect(backendEvents(sentry)).toHaveLength(0);
});

test('requests to watched origins go through the worker; requests to other origins never do', async ({ page, api, site, openApp }) => {
  await openApp();
  const watched = page.waitForResponse((r) => r.url().startsWith(api.origin));
  await page.evaluate(() => window.harness.call('/v1/models'));
  expect((await watched).fromServiceWorker()).toBe(true);

  // The site's own origin (and anything else) is left to the browser.
  const other = page.waitForResponse((r) => r.url() === `${site.origin}/dedicated-worker.js`);
  await page.evaluate((u) => fetch(u).then((r) => r.status), `${site.origin}/dedicated-worker.js`);
  expect((await other).fromServiceWorker()).toBe(false);
  const stats = await page.evaluate(() => window.harness.stats());
  expect(stats?.observed).toBe(1);
});

test('requests to origins it does not watch never reach the worker: static routes send them to the network', async ({ page, site, sentry, openApp }) => {
  await openApp();
  const before = await page.evaluate(() => window.harness.stats());
  // The site's own origin, and another loopback origin (the Sentry recorder's).
  const statuses = await page.evaluate(
    async ([own, other]) => Promise.all(Array.from({ length: 20 }, (_, i) => fetch(i % 2 ? own : other).then((r) => r.status))),
    [`${site.origin}/dedicated-worker.js`, `http://127.0.0.1:${sentry.port}/nothing`] as const,
  );
  expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  expect(statuses.filter((s) => s === 404)).toHaveLength(10);
  await page.evaluate(() => window.harness.call('/v1/models'));
  const after = await page.evaluate(() => window.harness.stats());
  // Only the watched request woke the worker's fetch handler.
  expect(after!.fetchEvents - before!.fetchEvents).toBe(1);
  expect(after!.observed - before!.observed).toBe(1);
});

test('XHR, EventSource and a dedicated Web Worker are observed too', async ({ page, api, sentry, openApp }) => {
  await openApp();
  api.fault({ path: '/v1/xhr', status: 500, body: 'xhr broke' });
  api.fault({ path: '/v1/events', status: 503, body: 'sse down', headers: { 'content-type': 'text/plain' } });
  api.fault({ path: '/v1/from-worker', status: 502, body: 'worker call broke' });

  expect(await page.evaluate(() => window.harness.xhr('/v1/xhr?gateway=a', 'DELETE'))).toBe(500);
  expect(await page.evaluate(() => window.harness.eventSource('/v1/events?gateway=b'))).toBe('error');
  expect(await page.evaluate(() => window.harness.fromDedicatedWorker('/v1/from-worker?gateway=c'))).toEqual({ status: 502 });

  const xhr = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/xhr');
  expect(xhr.message).toBe('Backend API DELETE /v1/xhr failed: 500 Internal Server Error');
  expect(xhr.tags).toMatchObject({ http_method: 'DELETE', gateway: 'a', http_status: '500' });
  const sse = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/events');
  expect(sse.message).toBe('Backend API GET /v1/events failed: 503 Service Unavailable');
  expect((sse.contexts?.backend_api as Record<string, unknown>).response_preview).toBe('sse down');
  const fromWorker = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/from-worker');
  expect(fromWorker.message).toBe('Backend API GET /v1/from-worker failed: 502 Bad Gateway');
  // The dedicated worker is not a window: its report still reached a page.
  expect(fromWorker.tags?.gateway).toBe('c');
});

test('the body a page receives is byte-identical with and without the worker', async ({ page, browser, api, servers, openApp }) => {
  const size = 3 * 1024 * 1024 + 17;
  const url = `${api.origin}/v1/blob?size=${size}&seed=7`;
  const expected = sha256(blobBytes(size, 7));

  await openApp();
  const through = page.waitForResponse((r) => r.url() === url);
  const withWorker = await page.evaluate((u) => window.harness.hash(u), url);
  expect((await through).fromServiceWorker()).toBe(true);

  const barePage = await openWithoutWorker(browser, servers);
  const withoutWorker = await barePage.evaluate((u) => window.harness.hash(u), url);
  await barePage.context().close();

  expect(withWorker).toEqual({ status: 200, sha256: expected, bytes: size, type: 'application/octet-stream' });
  expect(withoutWorker).toEqual(withWorker);
});

test('an invalid option is a clear console error, and the site keeps working unobserved', async ({ page, api, sentry, openApp }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await openApp({ monitor: { timeoutMs: -5 }, withoutMonitor: false }).catch(() => {});
  expect(errors.some((e) => e.includes('option "timeoutMs" is "-5"') && e.includes('whole number from 1 to 600000'))).toBe(true);
  api.fault({ path: '/v1/models', status: 500, body: 'x' });
  expect(await page.evaluate(() => window.harness.call('/v1/models'))).toEqual({ status: 500, body: 'x' });
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  await page.waitForTimeout(1500);
  expect(backendEvents(sentry)).toHaveLength(0);
});

test('a worker served with an invalid URL option logs which and passes every request through', async ({ page, context, api, site, sentry }) => {
  const swErrors: string[] = [];
  context.on('serviceworker', (w) => w.on('console', (m) => m.type() === 'error' && swErrors.push(m.text())));
  await page.goto(`${site.origin}/?api=${encodeURIComponent(api.origin)}&nomonitor=1`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.register('/gatewayz-sw.js?origins=not-a-url&colour=blue');
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  api.fault({ path: '/v1/models', status: 503, body: 'down' });
  const response = page.waitForResponse((r) => r.url().startsWith(api.origin));
  expect(await page.evaluate(() => window.harness.call('/v1/models'))).toEqual({ status: 503, body: 'down' });
  // Unobserved: the browser fetched it, not the worker.
  expect((await response).fromServiceWorker()).toBe(false);
  // The worker's own message is short (the page and the build plugins give the long explanation before a worker sees options).
  await expect.poll(() => swErrors.join('\n')).toContain('option "origins" is invalid: "not-a-url"');
  expect(swErrors.join('\n')).toContain('unknown option "colour"');
  expect(backendEvents(sentry)).toHaveLength(0);
});
