/**
 * A Next.js App Router app with @sentry/nextjs (e2e/sites/next-app): one
 * wrapper in next.config, one integration line in the Sentry.init it already
 * has, and events that go through its own client faithfully.
 */
import type { Event } from '@sentry/core';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { backendEvents } from './fixtures.js';
import { callApi, expect, linkPackage, openNextPage, runNext, startNext, test, workerStats } from './nextApp.js';
import { startSiteServer } from './servers/siteServer.js';

const dist = (name: string) => readFile(fileURLToPath(new URL(`../dist/${name}`, import.meta.url)), 'utf8');

function expectNextAppEvent(event: Event, user: string): void {
  // The app's own client: @sentry/nextjs's SDK, its release and environment, its signed-in user.
  expect(event.sdk?.name).toBe('sentry.javascript.nextjs');
  expect(event.release).toBe('next-app@3.1.0');
  expect(event.environment).toBe('e2e');
  expect(event.user).toMatchObject({ id: user, username: user });
}

test("a client component's failing fetch reaches Sentry through the app's own client, with the app's user and release", async ({ page, nextApp, api, sentry }) => {
  await openNextPage(page, `${nextApp.origin}/?user=alice`);
  api.fault({ path: '/v1/models/next-client', status: 503, body: '{"error":"upstream down"}' });
  expect(await callApi(page, '/v1/models/next-client?gateway=openrouter')).toBe('503 {"error":"upstream down"}');
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/models/next-client');
  expect(event.message).toBe('Backend API GET /v1/models/next-client failed: 503 Service Unavailable');
  expect(event.level).toBe('error');
  expect(event.tags).toMatchObject({ error_category: 'backend_api', http_status: '503', http_method: 'GET', gateway: 'openrouter', failure_kind: 'http_error' });
  expect(event.contexts?.backend_api).toMatchObject({ status_code: 503, response_preview: '{"error":"upstream down"}', endpoint: `${api.origin}/v1/models/next-client?gateway=openrouter` });
  expect(event.fingerprint).toEqual(['backend_api', 'GET', '/v1/models/next-client', '503']);
  expectNextAppEvent(event, 'alice');
});

test("the app's beforeSend still applies to backend events; its noise filter exempts them as the README shows", async ({ page, nextApp, api, sentry }) => {
  await openNextPage(page, `${nextApp.origin}/?user=dave`);
  // The app drops /v1/experimental/ failures on purpose: nothing reaches Sentry, and the worker lets the report go
  // (its count moves to the fold window of its fingerprint, to ride on the next report of it).
  api.fault({ path: '/v1/experimental/ranker', status: 500, body: 'not ready' });
  expect(await callApi(page, '/v1/experimental/ranker')).toBe('500 not ready');
  await expect.poll(async () => (await workerStats(page))?.dropped, { timeout: 20_000 }).toBe(1);
  expect(await workerStats(page)).toMatchObject({ pending: 0, delivered: 0 });
  expect(backendEvents(sentry).filter((e) => e.tags?.api_endpoint === '/v1/experimental/ranker')).toHaveLength(0);

  // "network error" is in the app's noise filter, which exempts backend events (error_category: backend_api).
  api.fault({ path: '/v1/flaky-next', action: 'reset' });
  expect(await callApi(page, '/v1/flaky-next')).toMatch(/^error TypeError: Failed to fetch/);
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/flaky-next');
  expect(event.message).toBe('Backend API GET /v1/flaky-next failed: network error');
  expectNextAppEvent(event, 'dave');
  expect(backendEvents(sentry).filter((e) => e.tags?.api_endpoint === '/v1/experimental/ranker')).toHaveLength(0);
});

test('offline, then online: exactly one event', async ({ page, nextApp, api, sentry, network }) => {
  await openNextPage(page, `${nextApp.origin}/?user=erin`);
  await network.offline();
  expect(await callApi(page, '/v1/next-offline?gateway=away')).toMatch(/^error TypeError: Failed to fetch/);
  // Long enough for the worker to offer the report more than once while offline.
  await page.waitForTimeout(8000);
  await network.online();
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/next-offline', 30_000);
  expect(event.message).toBe('Backend API GET /v1/next-offline failed: offline');
  expect(event.tags).toMatchObject({ failure_kind: 'offline', http_status: '0', gateway: 'away' });
  expectNextAppEvent(event, 'erin');
  await expect.poll(async () => (await workerStats(page))?.pending).toBe(0);
  await page.waitForTimeout(3000);
  expect(backendEvents(sentry).filter((e) => e.tags?.api_endpoint === '/v1/next-offline')).toHaveLength(1);
  void api;
});

test('a fetch made in a server component is not seen: it never passes through a browser', async ({ page, nextApp, api, sentry }) => {
  api.fault({ path: '/v1/server-side', status: 503, body: 'down' });
  await openNextPage(page, `${nextApp.origin}/server-fetch`);
  await expect(page.getByLabel('Server status')).toHaveText('503');
  // The request was made (by the Next server, in Node)...
  expect(api.requests).toContain('GET /v1/server-side?gateway=server');
  // ...and the worker never saw it, so nothing reaches Sentry.
  await page.evaluate(() => window.gatewayz!.monitor!.flush());
  expect(await workerStats(page)).toMatchObject({ observed: 0, failures: 0, pending: 0 });
  expect(backendEvents(sentry)).toHaveLength(0);
});

test.describe('withGatewayzMonitor serves the worker at /gatewayz-sw.js', () => {
  test('under next start, the files are the package\'s own', async ({ nextApp }) => {
    expect(await (await fetch(`${nextApp.origin.replace('localhost', '127.0.0.1')}/gatewayz-sw.js`)).text()).toBe(await dist('gatewayz-sw.js'));
    expect(await (await fetch(`${nextApp.origin.replace('localhost', '127.0.0.1')}/gatewayz-register.js`)).text()).toBe(await dist('gatewayz-register.js'));
  });

  /** A blank App Router app whose next.config has only the wrapper: written fresh, never committed. */
  async function blankApp(name: string, config: string, head = ''): Promise<string> {
    const dir = fileURLToPath(new URL(`./.build/${name}/`, import.meta.url));
    await rm(dir, { recursive: true, force: true });
    await mkdir(`${dir}app`, { recursive: true });
    await writeFile(`${dir}next.config.mjs`, config);
    await writeFile(`${dir}app/layout.jsx`, `export default function L({ children }) { return <html lang="en"><head>${head}</head><body>{children}</body></html>; }\n`);
    await writeFile(`${dir}app/page.jsx`, 'export default function P() { return <h1>Blank</h1>; }\n');
    linkPackage(dir);
    return dir;
  }

  async function expectRegisters(page: import('@playwright/test').Page, origin: string): Promise<void> {
    await page.goto(`${origin}/`);
    await expect(page.locator('h1')).toHaveText('Blank');
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.register('/gatewayz-sw.js')).scope);
    expect(scope).toBe(`${origin}/`);
    // The worker claims the page it was registered from.
    await page.waitForFunction(() => navigator.serviceWorker.controller?.scriptURL.endsWith('/gatewayz-sw.js'));
  }

  test("in a static export (output: 'export') of an app without Sentry, the script tag registers the worker and its own client reports", async ({ page, api, sentry }) => {
    test.setTimeout(180_000);
    // The app's only change besides next.config: the script tag in its root layout.
    const tag = `<script src="/gatewayz-register.js" data-origins="${api.origin}" data-dsn="${sentry.dsn}" data-release="static@1.0.0" defer></script>`;
    const dir = await blankApp('next-export', "import { withGatewayzMonitor } from 'gatewayz-sw-monitor/next';\nexport default withGatewayzMonitor({ output: 'export' });\n", tag);
    await runNext(['build'], dir);
    expect(await readFile(`${dir}out/gatewayz-sw.js`, 'utf8')).toBe(await dist('gatewayz-sw.js'));
    expect(await readFile(`${dir}out/gatewayz-register.js`, 'utf8')).toBe(await dist('gatewayz-register.js'));
    const site = await startSiteServer([['/', `${dir}out/`]]);
    try {
      await page.goto(`${site.origin}/`);
      await expect(page.locator('h1')).toHaveText('Blank');
      await page.waitForFunction(() => navigator.serviceWorker.controller?.scriptURL.includes('/gatewayz-sw.js'), null, { timeout: 20_000 });
      api.fault({ path: '/v1/export-static', status: 504, body: 'timeout upstream' });
      expect(await page.evaluate((url) => fetch(url).then((r) => r.status), `${api.origin}/v1/export-static`)).toBe(504);
      const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/export-static');
      expect(event.message).toBe('Backend API GET /v1/export-static failed: 504 Gateway Timeout');
      expect(event.release).toBe('static@1.0.0');
    } finally {
      await site.close();
    }
  });

  test('under next dev, and enabled: false serves the kill-switch worker', async ({ page }) => {
    test.setTimeout(180_000);
    const dir = await blankApp('next-dev', "import { withGatewayzMonitor } from 'gatewayz-sw-monitor/next';\nexport default withGatewayzMonitor({}, { enabled: process.env.MONITOR_ENABLED !== 'false' });\n");
    let server = await startNext('dev', dir, {});
    try {
      expect(await (await fetch(`${server.origin.replace('localhost', '127.0.0.1')}/gatewayz-sw.js`)).text()).toBe(await dist('gatewayz-sw.js'));
      await expectRegisters(page, server.origin);
    } finally {
      await server.close();
    }
    server = await startNext('dev', dir, { MONITOR_ENABLED: 'false' });
    try {
      expect(await (await fetch(`${server.origin.replace('localhost', '127.0.0.1')}/gatewayz-sw.js`)).text()).toBe(await dist('gatewayz-sw-disabled.js'));
    } finally {
      await server.close();
    }
  });

  test('a wrong option fails when Next loads the config, naming the option and the fix', async () => {
    // The built entry point, as an app's next.config imports it (it reads the worker files beside it in dist/).
    const { withGatewayzMonitor } = (await import('../dist/next.js' as string)) as typeof import('../src/next.js');
    expect(() => withGatewayzMonitor({}, { origins: ['https://api.gatewayz.ai'] } as never)).toThrow(
      /option "origins" is not taken by withGatewayzMonitor; it is taken by the Vite plugin, the script tag, backendMonitorIntegration, registerBackendMonitor, registerMonitorRoute\.\nWorker options \(origins, timeoutMs, \.\.\.\) go to backendMonitorIntegration\(\)/,
    );
    expect(() => withGatewayzMonitor({}, { enabled: 'no' } as never)).toThrow(/option "enabled" is "no"; it must be "true" or "false"/);
    // The config itself comes back unchanged, object or function.
    const config = { reactStrictMode: true };
    const dir = fileURLToPath(new URL('./.build/next-options/', import.meta.url));
    expect(withGatewayzMonitor(config, { dir })).toBe(config);
    const fn = () => config;
    expect(withGatewayzMonitor(fn, { dir })).toBe(fn);
    expect(await readFile(`${dir}public/gatewayz-sw.js`, 'utf8')).toBe(await dist('gatewayz-sw.js'));
  });
});
