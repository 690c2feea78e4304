/**
 * Fixtures that hide the servers: each Playwright worker process starts its own
 * gateway simulator, Sentry recorder and site server on loopback; each test gets
 * them cleared, and `openApp` to load the harness with the monitor registered
 * and in control.
 */
import type { Browser, Page } from '@playwright/test';
import type { Event } from '@sentry/core';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, test as kit, type SentryRecorder } from '../src/playwright/index.js';
import { startGatewaySimulator, type GatewaySimulator } from './servers/gatewaySimulator.js';
import { startSiteServer, type SiteServer } from './servers/siteServer.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

interface Servers {
  api: GatewaySimulator;
  sentry: SentryRecorder;
  site: SiteServer;
}

export interface AppOptions {
  /** Extra monitor options (as `backendMonitorIntegration` takes them). */
  monitor?: Record<string, unknown>;
  /** Load the app with Sentry but without the monitor. */
  withoutMonitor?: boolean;
  /** The API origin the app calls and the monitor watches; the simulator by default. */
  api?: string;
  /** No Sentry.init: the monitor's own isolated client. */
  isolated?: boolean;
  /** The app's Sentry client sends through Sentry's offline transport. */
  offlineTransport?: boolean;
  /** The app's Sentry `sampleRate`. */
  sampleRate?: number;
  /** The app's Sentry tracing (browserTracingIntegration, the API in tracePropagationTargets). */
  tracing?: boolean;
}

export function appUrl(servers: Servers, options: AppOptions = {}): string {
  const q = new URLSearchParams({ api: options.api ?? servers.api.origin, dsn: servers.sentry.dsn });
  if (options.monitor) q.set('monitor', JSON.stringify(options.monitor));
  if (options.withoutMonitor) q.set('nomonitor', '1');
  if (options.isolated) q.set('isolated', '1');
  if (options.offlineTransport) q.set('offline', '1');
  if (options.sampleRate !== undefined) q.set('sampleRate', String(options.sampleRate));
  if (options.tracing) q.set('tracing', '1');
  return `${servers.site.origin}/?${q}`;
}

/**
 * The same harness in a context where service workers are blocked: what the
 * page gets without the monitor, to compare with. Close its context when done.
 */
export async function openWithoutWorker(browser: Browser, servers: Servers): Promise<Page> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(appUrl(servers, { withoutMonitor: true }));
  await page.waitForFunction(() => typeof window.harness === 'object');
  return page;
}

/** The backend failure events the recorder accepted, in arrival order. */
export function backendEvents(sentry: SentryRecorder): Event[] {
  return sentry.events.map((r) => r.event).filter((e) => e.tags?.error_category === 'backend_api');
}

/** A free loopback port, for servers that must be started on a known one. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * What the worker holds, read from the page (its IndexedDB and its stats):
 * printed when a delivery test fails, so a CI log says where the report was.
 */
export async function workerState(page: Page): Promise<unknown> {
  return page
    .evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('gatewayz-sw-monitor');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const read = (name: string) =>
        new Promise<unknown[]>((resolve, reject) => {
          const rows: unknown[] = [];
          const cursor = db.transaction(name).objectStore(name).openCursor();
          cursor.onerror = () => reject(cursor.error);
          cursor.onsuccess = () => {
            if (!cursor.result) return resolve(rows);
            rows.push([cursor.result.key, cursor.result.value]);
            cursor.result.continue();
          };
        });
      const state = { now: Date.now(), onLine: navigator.onLine, stats: await window.harness.stats(), outbox: await read('outbox'), meta: await read('meta') };
      db.close();
      return state;
    })
    .catch((err: unknown) => `unreadable: ${String(err)}`);
}

/** Waits for what `waiting` waits for; when it fails, prints the worker's state first. */
export async function orDumpWorker<T>(page: Page, waiting: Promise<T>): Promise<T> {
  try {
    return await waiting;
  } catch (err) {
    console.log(`worker state when this failed: ${JSON.stringify(await workerState(page)).slice(0, 8000)}`);
    throw err;
  }
}

/** Loads the harness and waits until the monitoring worker controls it. */
export async function openApp(page: Page, servers: Servers, options: AppOptions = {}): Promise<void> {
  await page.goto(appUrl(servers, options));
  await page.waitForFunction(() => typeof window.harness === 'object');
  if (!options.withoutMonitor) expect(await page.evaluate(() => window.harness.ready())).toBe(true);
}

/**
 * The project's suites build on the Playwright kit it ships
 * (`gatewayz-sw-monitor/playwright`: sentry, gateway, network, serviceWorker),
 * adding the gateway simulator (`api`) and the site serving the harness.
 */
export const test = kit.extend<
  { api: GatewaySimulator; site: SiteServer; openApp: (options?: AppOptions) => Promise<void> },
  { servers: Servers }
>({
  servers: [
    async ({ sentryRecorder }, use) => {
      const api = await startGatewaySimulator();
      const site = await startSiteServer([
        ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
        ['/', root('e2e/.build')],
        ['/', root('e2e/app')],
      ]);
      await use({ api, sentry: sentryRecorder, site });
      await Promise.all([api.close(), site.close()]);
    },
    { scope: 'worker' },
  ],
  api: async ({ servers }, use) => {
    servers.api.clear();
    await use(servers.api);
  },
  site: async ({ servers }, use) => {
    servers.site.clearOverrides();
    await use(servers.site);
  },
  openApp: async ({ page, servers, api, sentry, site }, use) => {
    void api;
    void sentry;
    void site;
    await use((options) => openApp(page, servers, options));
  },
});

export { expect };
