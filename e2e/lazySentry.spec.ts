/**
 * Fast from cold (issue "Fast from cold", item 4): the script tag loads
 * `gatewayz-register.js` alone, and the Sentry code comes from its folder only
 * when a report must go out: `gatewayz-sentry.js` (the monitor's own client)
 * on a page without Sentry, `gatewayz-deliver.js` on a page with its own
 * client. Requests are watched on the browser context, so a fetch by the page
 * or through its worker is seen either way. The third file beside it,
 * `gatewayz-options.js` (the option errors in full), is for a tag with an
 * invalid attribute: these valid tags never fetch it (e2e/options.spec.ts has
 * the invalid ones).
 */
import type { BrowserContext, Page, Request } from '@playwright/test';
import type { Event } from '@sentry/core';
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.js';
import type { GatewaySimulator } from './servers/gatewaySimulator.js';
import { startSiteServer, type SiteServer } from './servers/siteServer.js';
import type { SentryRecorder } from '../src/playwright/sentryRecorder.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const dist = here('../dist/');
const LAZY = ['gatewayz-sentry.js', 'gatewayz-deliver.js', 'gatewayz-options.js'] as const;

/** A site as deployed: its folder, and every prebuilt file the package ships for the script tag beside it. */
function startSite(folder: string, api: GatewaySimulator, sentry: SentryRecorder): Promise<SiteServer> {
  return startSiteServer(
    [
      ...['gatewayz-register.js', 'gatewayz-sw.js', ...LAZY].map((f): [string, string] => [`/${f}`, `${dist}${f}`]),
      ['/', here(`sites/${folder}/`)],
    ],
    { vars: { API_ORIGIN: api.origin, SENTRY_DSN: sentry.dsn, ENABLED: 'true' } },
  );
}

/** The sentry-app site, whose app calls Sentry.init itself. */
async function startSentryApp(api: GatewaySimulator, sentry: SentryRecorder): Promise<SiteServer> {
  const appJs = (await esbuild({ entryPoints: [here('sites/sentry-app/app.ts')], bundle: true, write: false, format: 'esm', logLevel: 'warning' })).outputFiles[0]!.text;
  const site = await startSite('sentry-app', api, sentry);
  site.override('/app.js', appJs);
  return site;
}

/**
 * Every load of a lazy file (as a script), by file name, from the page or its worker. (The copy the page keeps in
 * the cache once a file has loaded is a `fetch`, counted apart in `kept`.)
 */
function watchLazy(context: BrowserContext): Record<(typeof LAZY)[number], Request[]> & { kept: Request[] } {
  const seen = { 'gatewayz-sentry.js': [] as Request[], 'gatewayz-deliver.js': [] as Request[], 'gatewayz-options.js': [] as Request[], kept: [] as Request[] };
  context.on('request', (r) => {
    const name = new URL(r.url()).pathname.slice(1);
    if (name in seen) seen[r.resourceType() === 'script' ? (name as (typeof LAZY)[number]) : 'kept'].push(r);
  });
  return seen;
}

/** Loads the site, waits until its worker controls the page and the app is up. */
async function load(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && typeof (window as { app?: unknown }).app === 'object', null, { timeout: 20_000 });
}

const call = (page: Page, path: string) => page.evaluate((p) => (window as unknown as { app: { call(p: string): Promise<unknown> } }).app.call(p), path);

/** As e2e/adoption.spec.ts checks the seed's fields. */
function expectSeed(e: Event, message: string, level: string, status: string, gateway: string): void {
  expect(e.message).toBe(message);
  expect(e.level).toBe(level);
  expect(e.tags).toMatchObject({ error_category: 'backend_api', api_endpoint: '/v1/models', http_status: status, http_method: 'GET', gateway });
  expect(e.fingerprint).toEqual(['backend_api', 'GET', '/v1/models', status]);
  expect(e.contexts?.backend_api).toMatchObject({ method: 'GET', gateway, retry_count: 0 });
}

const eventsFor = (sentry: SentryRecorder, gateway: string) => sentry.events.filter((r) => r.event.tags?.gateway === gateway).length;

test('a page with no failures loads only gatewayz-register.js: no Sentry code is fetched', async ({ page, context, api, sentry }) => {
  const lazy = watchLazy(context);
  const site = await startSite('static-site', api, sentry);
  try {
    await load(page, `${site.origin}/`);
    for (let i = 0; i < 3; i++) expect(await call(page, `/v1/models?gateway=fine-${i}`)).toMatchObject({ status: 200 });
    // Reload: the worker controls the page from the start, as on every visit after the first.
    await load(page, `${site.origin}/`);
    expect(await call(page, '/v1/models?gateway=fine-again')).toMatchObject({ status: 200 });
    // Past the worker's 5 s idle save: the health window it stores is offered to the page, which loads nothing for it.
    await page.waitForTimeout(7000);
    expect(lazy['gatewayz-sentry.js'], 'gatewayz-sentry.js requests').toHaveLength(0);
    expect(lazy['gatewayz-deliver.js'], 'gatewayz-deliver.js requests').toHaveLength(0);
    expect(lazy['gatewayz-options.js'], 'gatewayz-options.js requests').toHaveLength(0);
    expect(await page.evaluate(() => '__gatewayzMonitorLazy' in window || '__gatewayzMonitorOptions' in window)).toBe(false);
    expect(sentry.events).toHaveLength(0);
  } finally {
    await site.close();
  }
});

test('the first failure on a page without Sentry loads gatewayz-sentry.js once, and the event arrives', async ({ page, context, api, sentry }) => {
  const lazy = watchLazy(context);
  const site = await startSite('static-site', api, sentry);
  try {
    await load(page, `${site.origin}/`);
    expect(lazy['gatewayz-sentry.js']).toHaveLength(0);
    api.fault({ path: '/v1/models', status: 503, body: '{"error":"Service temporarily unavailable"}' });
    expect(await call(page, '/v1/models?gateway=lazy-first')).toEqual({ status: 503, body: '{"error":"Service temporarily unavailable"}' });
    const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'lazy-first', 20_000);
    expectSeed(event, 'Backend API GET /v1/models failed: 503 Service Unavailable', 'error', '503', 'lazy-first');
    expect((event.contexts?.backend_api as Record<string, unknown>).response_preview).toBe('{"error":"Service temporarily unavailable"}');
    // A second failure (another endpoint: the same one would be folded into the first) goes through the client already loaded.
    api.fault({ path: '/v1/other', status: 500, body: 'oops' });
    expect(await call(page, '/v1/other?gateway=lazy-second')).toMatchObject({ status: 500 });
    await sentry.waitForEvent((e) => e.tags?.gateway === 'lazy-second', 20_000);
    expect(lazy['gatewayz-sentry.js'], 'gatewayz-sentry.js requests').toHaveLength(1);
    // From the register script's own folder.
    expect(lazy['gatewayz-sentry.js'][0]!.url()).toBe(`${site.origin}/gatewayz-sentry.js`);
    expect(lazy['gatewayz-deliver.js']).toHaveLength(0);
    expect(lazy['gatewayz-options.js'], 'gatewayz-options.js requests').toHaveLength(0);
    expect(eventsFor(sentry, 'lazy-first')).toBe(1);
  } finally {
    await site.close();
  }
});

test('a page whose app has its own Sentry client never fetches gatewayz-sentry.js, and delivers through its client (events and health metrics)', async ({ page, context, api, sentry }) => {
  const lazy = watchLazy(context);
  const site = await startSentryApp(api, sentry);
  try {
    await load(page, `${site.origin}/`);
    api.fault({ path: '/v1/models', status: 502, body: 'bad gateway' });
    expect(await call(page, '/v1/models?gateway=own-lazy')).toEqual({ status: 502, body: 'bad gateway' });
    const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'own-lazy', 20_000);
    expectSeed(event, 'Backend API GET /v1/models failed: 502 Bad Gateway', 'error', '502', 'own-lazy');
    // The app's own client and scope: its tags, user and release are on the event.
    expect(event.tags?.app).toBe('own-client');
    expect(event.user?.id).toBe('own-user');
    expect(event.release).toBe('own-app@2.0.0');
    // Health windows (data-health-interval-ms="1000" on this site) become metrics on that client too.
    await expect
      .poll(() => sentry.metrics.filter((m) => m.name === 'backend_api.requests' && m.attributes?.gateway?.value === 'own-lazy').reduce((n, m) => n + m.value, 0), { timeout: 20_000 })
      .toBe(1);
    expect(lazy['gatewayz-sentry.js'], 'gatewayz-sentry.js requests').toHaveLength(0);
    expect(lazy['gatewayz-deliver.js'], 'gatewayz-deliver.js requests').toHaveLength(1);
    expect(lazy['gatewayz-options.js'], 'gatewayz-options.js requests').toHaveLength(0);
  } finally {
    await site.close();
  }
});

test('gatewayz-sentry.js unreachable at first need: one warning, no page error, the report waits in the worker and arrives once when it loads', async ({ page, context, api, sentry }) => {
  const lazy = watchLazy(context);
  let refused = 0;
  await context.route('**/gatewayz-sentry.js', async (route) => {
    if (route.request().resourceType() !== 'script') return route.continue();
    if (refused++ === 0) return route.abort('internetdisconnected');
    return route.continue();
  });
  const warnings: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const site = await startSite('static-site', api, sentry);
  try {
    await load(page, `${site.origin}/`);
    api.fault({ path: '/v1/models', status: 503, body: 'down' });
    expect(await call(page, '/v1/models?gateway=lazy-retry')).toEqual({ status: 503, body: 'down' });
    // The worker offers it again (its backoff) and the next offer loads the file.
    await sentry.waitForEvent((e) => e.tags?.gateway === 'lazy-retry', 30_000);
    expect(refused, 'requests for gatewayz-sentry.js routed').toBe(2);
    expect(lazy['gatewayz-sentry.js']).toHaveLength(2);
    const loadWarnings = warnings.filter((w) => w.includes('could not load'));
    expect(loadWarnings).toHaveLength(1);
    expect(loadWarnings[0]).toContain(`${site.origin}/gatewayz-sentry.js`);
    expect(pageErrors).toEqual([]);
    // Once: nothing more arrives for it, and the worker's outbox lets it go.
    await page.waitForTimeout(3000);
    expect(eventsFor(sentry, 'lazy-retry')).toBe(1);
    const stats = () => page.evaluate(() => (window as unknown as { gatewayzMonitor: { stats(): Promise<{ pending: number; delivered: number } | undefined> } }).gatewayzMonitor.stats());
    await expect.poll(async () => (await stats())?.pending, { timeout: 10_000 }).toBe(0);
    expect((await stats())?.delivered).toBe(1);
  } finally {
    await site.close();
  }
});

test('a later page whose site cannot be reached still delivers its first failure, through the Sentry client kept in the cache', async ({ page, context, api, sentry }) => {
  const lazy = watchLazy(context);
  const site = await startSite('static-site', api, sentry);
  try {
    await load(page, `${site.origin}/`);
    api.fault({ path: '/v1/models', status: 503, body: 'down' });
    expect(await call(page, '/v1/models?gateway=kept-first')).toMatchObject({ status: 503 });
    await sentry.waitForEvent((e) => e.tags?.gateway === 'kept-first', 20_000);
    // The file that loaded is kept, once, under this version's cache.
    const kept = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('gatewayz-sw-monitor-')).length > 0 && (await caches.match(`${location.origin}/gatewayz-sentry.js`)) !== undefined);
    await expect.poll(kept, { timeout: 10_000 }).toBe(true);
    expect(lazy.kept).toHaveLength(1);

    // Next visit: the site's server cannot serve the file any more (it fails with the API), and a failure happens.
    let unreachable = 0;
    await context.route(`${site.origin}/gatewayz-sentry.js`, (route) => {
      unreachable++;
      return route.abort('connectionrefused');
    });
    await load(page, `${site.origin}/`);
    api.fault({ path: '/v1/other', status: 502, body: 'bad gateway' });
    expect(await call(page, '/v1/other?gateway=kept-later')).toMatchObject({ status: 502 });
    const event = await sentry.waitForEvent((e) => e.tags?.gateway === 'kept-later', 20_000);
    expect(event.message).toBe('Backend API GET /v1/other failed: 502 Bad Gateway');
    expect(event.tags).toMatchObject({ api_endpoint: '/v1/other', http_status: '502', gateway: 'kept-later' });
    expect(unreachable, 'the file was asked for and refused').toBeGreaterThanOrEqual(1);
    expect(eventsFor(sentry, 'kept-later')).toBe(1);
  } finally {
    await site.close();
  }
});

test('an app that calls Sentry.init after the first delivery gets later reports on its own client, without gatewayz-deliver.js', async ({ page, context, api, sentry }) => {
  const lazy = watchLazy(context);
  const site = await startSentryApp(api, sentry);
  try {
    await load(page, `${site.origin}/late.html`);
    api.fault({ path: '/v1/before-init', status: 503, body: 'down' });
    api.fault({ path: '/v1/after-init', status: 503, body: 'down' });
    expect(await call(page, '/v1/before-init?gateway=before-init')).toMatchObject({ status: 503 });
    const first = await sentry.waitForEvent((e) => e.tags?.gateway === 'before-init', 20_000);
    expect(first.tags?.app).toBeUndefined();
    expect(lazy['gatewayz-sentry.js']).toHaveLength(1);
    await page.evaluate(() => (window as unknown as { app: { consent(): void } }).app.consent());
    expect(await call(page, '/v1/after-init?gateway=after-init')).toMatchObject({ status: 503 });
    const second = await sentry.waitForEvent((e) => e.tags?.gateway === 'after-init', 20_000);
    expect(second.tags?.app).toBe('own-client');
    expect(second.release).toBe('own-app@2.0.0');
    // gatewayz-sentry.js carries delivery through the app's client too: nothing more is fetched.
    expect(lazy['gatewayz-sentry.js']).toHaveLength(1);
    expect(lazy['gatewayz-deliver.js']).toHaveLength(0);
    expect(lazy['gatewayz-options.js']).toHaveLength(0);
  } finally {
    await site.close();
  }
});
