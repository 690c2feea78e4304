/**
 * Zero-code adoption: three fixture sites under e2e/sites/, none of whose
 * application source mentions this package, each turning a 503 and an offline
 * failure into seed-shaped events, and each left working by the kill switch.
 */
import type { Event } from '@sentry/core';
import type { Page } from '@playwright/test';
import type { NetworkFixture } from '../src/playwright/index.js';
import { build as esbuild } from 'esbuild';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build as viteBuild, createServer as viteDev, preview as vitePreview } from 'vite';
import { expect, freePort, test } from './fixtures.js';
import type { GatewaySimulator } from './servers/gatewaySimulator.js';
import type { SentryRecorder } from '../src/playwright/sentryRecorder.js';
import { startSiteServer } from './servers/siteServer.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const dist = here('../dist/');

/** Loads the site, waits until its worker controls the page and the app is up. */
async function load(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && typeof (window as { app?: unknown }).app === 'object', null, { timeout: 20_000 });
}

const call = (page: Page, path: string) => page.evaluate((p) => (window as unknown as { app: { call(p: string): Promise<unknown> } }).app.call(p), path);

/** The 503 and offline events every adoption path must produce, seed-shaped. */
async function expectSeedEvents(page: Page, network: NetworkFixture, api: GatewaySimulator, sentry: SentryRecorder, tag: string): Promise<void> {
  api.fault({ path: '/v1/models', status: 503, body: '{"error":"Service temporarily unavailable"}' });
  expect(await call(page, `/v1/models?gateway=${tag}`)).toEqual({ status: 503, body: '{"error":"Service temporarily unavailable"}' });
  const e503 = await sentry.waitForEvent((e) => e.tags?.gateway === tag && e.tags?.http_status === '503', 20_000);
  expectSeed(e503, 'Backend API GET /v1/models failed: 503 Service Unavailable', 'error', '503', tag);
  expect((e503.contexts?.backend_api as Record<string, unknown>).response_preview).toBe('{"error":"Service temporarily unavailable"}');

  await network.offline();
  expect(await call(page, `/v1/models?gateway=${tag}-offline`)).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
  await page.waitForTimeout(500);
  await network.online();
  const eOff = await sentry.waitForEvent((e) => e.tags?.gateway === `${tag}-offline`, 20_000);
  expectSeed(eOff, 'Backend API GET /v1/models failed: offline', 'warning', '0', `${tag}-offline`);
}

function expectSeed(e: Event, message: string, level: string, status: string, gateway: string): void {
  expect(e.message).toBe(message);
  expect(e.level).toBe(level);
  expect(e.tags).toMatchObject({ error_category: 'backend_api', api_endpoint: '/v1/models', http_status: status, http_method: 'GET', gateway });
  expect(e.fingerprint).toEqual(['backend_api', 'GET', '/v1/models', status === '0' ? 'offline' : status]);
  expect(e.contexts?.backend_api).toMatchObject({ method: 'GET', gateway, retry_count: 0 });
}

/** After the kill switch: the next load is uncontrolled (or, for a site's own worker, the API is left alone) and the app works. */
async function expectKilled(page: Page, url: string, api: GatewaySimulator, stillControlled = false): Promise<void> {
  // The load that sees the switch takes the worker away, once it delivered what waited; the one after it is free of it.
  await page.goto(url);
  if (!stillControlled) await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), { timeout: 15_000 }).toBe(0);
  else await page.waitForTimeout(1500);
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as { app?: unknown }).app === 'object');
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(stillControlled);
  api.clear();
  const response = page.waitForResponse((r) => r.url().startsWith(api.origin));
  expect(await call(page, '/v1/models')).toMatchObject({ status: 200 });
  expect((await response).fromServiceWorker()).toBe(false);
}

test('no fixture site\'s application source mentions this package', async () => {
  for (const site of ['vite-app', 'static-site', 'workbox-site', 'sentry-app']) {
    const dir = here(`sites/${site}/`);
    // The adoption point itself (the Vite config line, the site's own worker) is allowed to; the app is not.
    const appFiles = (await readdir(dir)).filter((f) => !/^vite\.config\./.test(f) && f !== 'sw.ts');
    expect(appFiles.length).toBeGreaterThan(0);
    for (const f of appFiles) expect(await readFile(dir + f, 'utf8'), `${site}/${f}`).not.toContain('gatewayz-sw-monitor');
  }
});

test.describe('a Vite app with only the plugin line', () => {
  const root = here('sites/vite-app/');
  const setEnv = (api: GatewaySimulator, sentry: SentryRecorder, enabled: boolean) => {
    process.env.VITE_API_ORIGIN = api.origin;
    process.env.SENTRY_DSN = sentry.dsn;
    process.env.MONITOR_ENABLED = String(enabled);
  };

  test('vite build + vite preview: a 503 and an offline failure become seed-shaped events; the kill switch leaves it uncontrolled and working', async ({ page, network, api, sentry }) => {
    test.setTimeout(120_000);
    const outDir = here('.build/vite-app');
    const port = await freePort();
    const serve = async (enabled: boolean) => {
      setEnv(api, sentry, enabled);
      await viteBuild({ root, configFile: `${root}vite.config.js`, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
      return vitePreview({ root, configFile: `${root}vite.config.js`, logLevel: 'warn', build: { outDir }, preview: { host: 'localhost', port, strictPort: true } });
    };
    let server = await serve(true);
    const url = `http://localhost:${port}/`;
    const html = await (await fetch(url)).text();
    expect(html).toContain(`<script src="/gatewayz-register.js" defer data-origins="${api.origin}" data-dsn="${sentry.dsn}" data-enabled="true"></script>`);
    await load(page, url);
    await expectSeedEvents(page, network, api, sentry, 'vite-build');
    await server.close();

    server = await serve(false);
    expect(await (await fetch(`${url}gatewayz-sw.js`)).text()).toContain('unregister');
    await expectKilled(page, url, api);
    await server.close();
  });

  test('vite dev serves the same worker and registration', async ({ page, network, api, sentry }) => {
    test.setTimeout(90_000);
    setEnv(api, sentry, true);
    const port = await freePort();
    const server = await viteDev({ root, configFile: `${root}vite.config.js`, logLevel: 'warn', server: { host: 'localhost', port, strictPort: true } });
    await server.listen();
    try {
      await load(page, `http://localhost:${port}/`);
      await expectSeedEvents(page, network, api, sentry, 'vite-dev');
    } finally {
      await server.close();
    }
  });

  test('a wrong plugin option fails the build, naming the option and the fix', async () => {
    const { default: gatewayzMonitor } = await import('gatewayz-sw-monitor/vite');
    expect(() => gatewayzMonitor({ origins: ['not a url'] })).toThrow(/option "origins" has "not a url", which is not an http\(s\) origin; write it like "https:\/\/api\.gatewayz\.ai"/);
    expect(() => gatewayzMonitor({ timeoutMs: -1 })).toThrow(/option "timeoutMs" is "-1"; it must be a whole number from 1 to 600000/);
    expect(() => gatewayzMonitor({ dsn: 'nope' })).toThrow(/option "dsn" is "nope", which is not a Sentry DSN/);
    expect(() => gatewayzMonitor({ colour: 'blue' } as never)).toThrow(/unknown option "colour"/);
    // ...and through Vite itself, when it loads the config.
    process.env.VITE_API_ORIGIN = 'not a url';
    await expect(viteBuild({ root, configFile: `${root}vite.config.js`, logLevel: 'silent', build: { outDir: here('.build/vite-app-bad'), write: false } })).rejects.toThrow(/\[gatewayz-sw-monitor\] invalid plugin options in vite\.config/);
  });
});

test.describe('a static site with only the script tag', () => {
  /** The static site as deployed: its HTML, and the prebuilt files copied beside it (the README's cp line). */
  const startStaticSite = (api: GatewaySimulator, sentry: SentryRecorder) =>
    startSiteServer(
      [
        ['/gatewayz-register.js', `${dist}gatewayz-register.js`],
        ['/gatewayz-sw.js', `${dist}gatewayz-sw.js`],
        ['/gatewayz-sentry.js', `${dist}gatewayz-sentry.js`],
        ['/gatewayz-deliver.js', `${dist}gatewayz-deliver.js`],
        ['/gatewayz-options.js', `${dist}gatewayz-options.js`],
        ['/', here('sites/static-site/')],
      ],
      { vars: { API_ORIGIN: api.origin, SENTRY_DSN: sentry.dsn, ENABLED: 'true' } },
    );

  test('a 503 and an offline failure become seed-shaped events; data-enabled="false" leaves it uncontrolled and working', async ({ page, network, api, sentry }) => {
    const site = await startStaticSite(api, sentry);
    try {
      await load(page, `${site.origin}/`);
      await expectSeedEvents(page, network, api, sentry, 'static');
      site.setVars({ API_ORIGIN: api.origin, SENTRY_DSN: sentry.dsn, ENABLED: 'false' });
      await expectKilled(page, `${site.origin}/`, api);
    } finally {
      await site.close();
    }
  });

  test('a served worker built disabled unregisters itself, even when the page is not changed', async ({ page, api, sentry }) => {
    const site = await startStaticSite(api, sentry);
    try {
      await load(page, `${site.origin}/`);
      // Roll back by replacing the served worker file only.
      site.override('/gatewayz-sw.js', await readFile(`${dist}gatewayz-sw-disabled.js`, 'utf8'));
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), { timeout: 10_000 }).toBe(0);
      // The unchanged page registers the (now disabled) worker again, which removes itself again.
      await page.reload();
      await page.waitForTimeout(1500);
      await page.goto(`${site.origin}/`);
      await page.waitForFunction(() => typeof (window as { app?: unknown }).app === 'object');
      expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
      expect(await call(page, '/v1/models')).toMatchObject({ status: 200 });
    } finally {
      await site.close();
    }
  });

  test('a site that already has a different service worker is told so, and its worker is left alone', async ({ page, api, sentry }) => {
    const site = await startStaticSite(api, sentry);
    site.override('/other-sw.js', "self.addEventListener('fetch', () => {});");
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    try {
      await page.goto(`${site.origin}/nothing-here`);
      await page.evaluate(async () => {
        await navigator.serviceWorker.register('/other-sw.js');
        await navigator.serviceWorker.ready;
      });
      await page.goto(`${site.origin}/`);
      await expect.poll(() => warnings.join('\n')).toContain('already has a different service worker');
      expect(warnings.join('\n')).toContain('/other-sw.js');
      const regs = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).map((r) => r.active?.scriptURL));
      expect(regs).toEqual([`${site.origin}/other-sw.js`]);
    } finally {
      await site.close();
    }
  });
});

test('the script tag captures through the page\'s own Sentry client when it has one, even one set up after the tag', async ({ page, api, sentry }) => {
  const appJs = (await esbuild({ entryPoints: [here('sites/sentry-app/app.ts')], bundle: true, write: false, format: 'esm', logLevel: 'warning' })).outputFiles[0]!.text;
  const site = await startSiteServer(
    [
      ['/gatewayz-register.js', `${dist}gatewayz-register.js`],
      ['/gatewayz-sw.js', `${dist}gatewayz-sw.js`],
      ['/gatewayz-sentry.js', `${dist}gatewayz-sentry.js`],
      ['/gatewayz-deliver.js', `${dist}gatewayz-deliver.js`],
      ['/', here('sites/sentry-app/')],
    ],
    { vars: { API_ORIGIN: api.origin, SENTRY_DSN: sentry.dsn } },
  );
  site.override('/app.js', appJs);
  try {
    await load(page, `${site.origin}/`);
    api.fault({ path: '/v1/models', status: 502, body: 'bad gateway' });
    expect(await call(page, '/v1/models?gateway=own')).toEqual({ status: 502, body: 'bad gateway' });
    const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'own');
    expectSeed(event, 'Backend API GET /v1/models failed: 502 Bad Gateway', 'error', '502', 'own');
    // The app's own client and scope: its tags, user and release are on the event.
    expect(event.tags?.app).toBe('own-client');
    expect(event.user?.id).toBe('own-user');
    expect(event.release).toBe('own-app@2.0.0');
    // Health windows become metrics on that client too.
    await expect
      .poll(() => sentry.metrics.filter((m) => m.name === 'backend_api.requests' && m.attributes?.gateway?.value === 'own').reduce((n, m) => n + m.value, 0), { timeout: 20_000 })
      .toBe(1);
  } finally {
    await site.close();
  }
});

test.describe('a site with its own Workbox worker that adds the monitor', () => {
  async function buildWorker(apiOrigin: string, enabled: boolean): Promise<string> {
    const out = await esbuild({
      entryPoints: [here('sites/workbox-site/sw.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      define: { __API_ORIGIN__: JSON.stringify(apiOrigin), __MONITOR_ENABLED__: String(enabled), 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
    return out.outputFiles[0]!.text;
  }

  test('a 503 and an offline failure become seed-shaped events; the precached page still loads offline; disabled, the API is left alone', async ({ page, network, api, sentry }) => {
    test.setTimeout(90_000);
    const site = await startSiteServer([['/gatewayz-register.js', `${dist}gatewayz-register.js`], ['/gatewayz-sentry.js', `${dist}gatewayz-sentry.js`], ['/', here('sites/workbox-site/')]], {
      vars: { API_ORIGIN: api.origin, SENTRY_DSN: sentry.dsn },
    });
    site.override('/sw.js', await buildWorker(api.origin, true));
    try {
      await load(page, `${site.origin}/`);
      await expectSeedEvents(page, network, api, sentry, 'workbox');

      // The site's own precaching still works: offline, the page loads from its cache.
      await network.offline();
      await page.reload();
      await expect(page.locator('h1')).toHaveText('Models (works offline)');
      await network.online();

      // Its kill switch: the monitor route is not registered; the site's own worker goes on.
      site.override('/sw.js', await buildWorker(api.origin, false));
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await page.waitForTimeout(1000);
      await expectKilled(page, `${site.origin}/`, api, true);
    } finally {
      await site.close();
    }
  });
});
