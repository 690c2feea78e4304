/**
 * Fixtures that hide the servers: each Playwright worker process starts its own
 * gateway simulator, Sentry recorder and site server on loopback; each test gets
 * them cleared, and `openApp` to load the harness with the monitor registered
 * and in control.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { startGatewaySimulator, type GatewaySimulator } from './servers/gatewaySimulator.js';
import { startSentryRecorder, type SentryRecorder } from './servers/sentryRecorder.js';
import { startSiteServer, type SiteServer } from './servers/siteServer.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

interface Servers {
  gateway: GatewaySimulator;
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
  /** No Sentry.init: the monitor's own isolated client, with Sentry's offline transport. */
  isolated?: boolean;
}

export function appUrl(servers: Servers, options: AppOptions = {}): string {
  const q = new URLSearchParams({ api: options.api ?? servers.gateway.origin, dsn: servers.sentry.dsn });
  if (options.monitor) q.set('monitor', JSON.stringify(options.monitor));
  if (options.withoutMonitor) q.set('nomonitor', '1');
  if (options.isolated) q.set('isolated', '1');
  return `${servers.site.origin}/?${q}`;
}

/** Loads the harness and waits until the monitoring worker controls it. */
export async function openApp(page: Page, servers: Servers, options: AppOptions = {}): Promise<void> {
  await page.goto(appUrl(servers, options));
  await page.waitForFunction(() => typeof window.harness === 'object');
  if (!options.withoutMonitor) expect(await page.evaluate(() => window.harness.ready())).toBe(true);
}

export const test = base.extend<
  { gateway: GatewaySimulator; sentry: SentryRecorder; site: SiteServer; openApp: (options?: AppOptions) => Promise<void> },
  { servers: Servers }
>({
  servers: [
    async ({}, use) => {
      const gateway = await startGatewaySimulator();
      const sentry = await startSentryRecorder();
      const site = await startSiteServer([
        ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
        ['/', root('e2e/.build')],
        ['/', root('e2e/app')],
      ]);
      await use({ gateway, sentry, site });
      await Promise.all([gateway.close(), sentry.close(), site.close()]);
    },
    { scope: 'worker' },
  ],
  gateway: async ({ servers }, use) => {
    servers.gateway.clear();
    await use(servers.gateway);
  },
  sentry: async ({ servers }, use) => {
    servers.sentry.clear();
    await use(servers.sentry);
  },
  site: async ({ servers }, use) => {
    servers.site.clearOverrides();
    await use(servers.site);
  },
  openApp: async ({ page, servers, gateway, sentry, site }, use) => {
    void gateway;
    void sentry;
    void site;
    await use((options) => openApp(page, servers, options));
  },
});

export { expect };
