/**
 * The script-tag drop-in on a site that calls Sentry.init late (after consent):
 * until then its own isolated client sends; from then on the app's client does.
 */
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.js';
import { startSiteServer } from './servers/siteServer.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

test("the script tag switches to the app's own client when the app calls Sentry.init after the first delivery", async ({ page, api, sentry }) => {
  const appJs = (await esbuild({ entryPoints: [here('sites/sentry-app/app.ts')], bundle: true, write: false, format: 'esm', logLevel: 'warning' })).outputFiles[0]!.text;
  const site = await startSiteServer(
    [
      ['/gatewayz-register.js', here('../dist/gatewayz-register.js')],
      ['/gatewayz-sw.js', here('../dist/gatewayz-sw.js')],
      ['/gatewayz-sentry.js', here('../dist/gatewayz-sentry.js')],
      ['/gatewayz-deliver.js', here('../dist/gatewayz-deliver.js')],
      ['/', here('sites/sentry-app/')],
    ],
    { vars: { API_ORIGIN: api.origin, SENTRY_DSN: sentry.dsn } },
  );
  site.override('/app.js', appJs);
  const call = (path: string) => page.evaluate((p) => (window as unknown as { app: { call(p: string): Promise<unknown> } }).app.call(p), path);
  try {
    await page.goto(`${site.origin}/late.html`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null && typeof (window as { app?: unknown }).app === 'object', null, { timeout: 20_000 });
    api.fault({ path: '/v1/before-consent', status: 503, body: 'down' });
    api.fault({ path: '/v1/after-consent', status: 502, body: 'bad' });

    // Before Sentry.init: the monitor's own client (data-dsn, data-release), with none of the app's scope.
    expect(await call('/v1/before-consent')).toEqual({ status: 503, body: 'down' });
    const first = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/before-consent');
    expect(first.release).toBe('tag-only@1.0.0');
    expect(first.user).toBeUndefined();
    expect(first.tags?.app).toBeUndefined();

    // The app sets Sentry up: the next failure goes through its client, with its release, user and tags.
    await page.evaluate(() => (window as unknown as { app: { consent(): void } }).app.consent());
    expect(await call('/v1/after-consent')).toEqual({ status: 502, body: 'bad' });
    const second = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/after-consent');
    expect(second.release).toBe('own-app@2.0.0');
    expect(second.user?.id).toBe('own-user');
    expect(second.tags?.app).toBe('own-client');
    expect(second.message).toBe('Backend API GET /v1/after-consent failed: 502 Bad Gateway');
  } finally {
    await site.close();
  }
});
