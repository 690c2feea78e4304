/**
 * `gatewayz-sw-monitor/playwright`: fixtures for testing an app's own failure
 * and offline behaviour with Playwright, service worker included.
 *
 *   import { test, expect } from 'gatewayz-sw-monitor/playwright';
 *
 *   test('the models page says so when the API is down', async ({ page, gateway, sentry, serviceWorker }) => {
 *     await page.goto('/models');
 *     await serviceWorker.ready();
 *     await gateway.fail('https://api.gatewayz.ai/v1/models**', { status: 503 });
 *     await page.getByRole('button', { name: 'Reload' }).click();
 *     await expect(page.getByText('Models are unavailable')).toBeVisible();
 *     const event = await sentry.waitForEvent((e) => e.tags?.http_status === '503');
 *     expect(event.message).toBe('Backend API GET /v1/models failed: 503 Service Unavailable');
 *   });
 */
import { test as base, expect, type BrowserContext, type Page, type Route } from '@playwright/test';
import { CORS, ENVELOPE_PATH, startSentryRecorder, type SentryRecorder } from './sentryRecorder.js';

export { expect };
export type { SentryRecorder };

type UrlMatch = string | RegExp | ((url: URL) => boolean);

export interface GatewayFailOptions {
  /** Status to answer with. Default 503. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** How many matching calls fail; all of them when absent. */
  times?: number;
}

/**
 * Makes matching API calls fail: the page's, and the service worker's own
 * fetches (Playwright's `context.route` sees those since 1.57).
 */
export interface GatewayFixture {
  /** Answers with an error status. */
  fail(url: UrlMatch, options?: GatewayFailOptions): Promise<void>;
  /** Never answers (for timeouts). */
  hang(url: UrlMatch, options?: { times?: number }): Promise<void>;
  /** Drops the connection (a network error). */
  drop(url: UrlMatch, options?: { times?: number }): Promise<void>;
  /** Removes every rule this fixture added. */
  clear(): Promise<void>;
}

export interface NetworkFixture {
  /**
   * The whole browser context goes offline, service worker included, and so do
   * the kit's own answers (Sentry ingest, injected failures). Use this rather
   * than `context.setOffline`, which the kit cannot see.
   */
  offline(): Promise<void>;
  online(): Promise<void>;
}

export interface ServiceWorkerFixture {
  /** Resolves when a service worker controls the page (default: the test's page). */
  ready(page?: Page): Promise<void>;
  /**
   * Stops every service worker, as the browser does when one is idle
   * (Chromium never does it while DevTools is attached, so this goes through CDP).
   * The next event starts the worker again.
   */
  stop(): Promise<void>;
}

export interface KitFixtures {
  /** Every envelope the page sent to Sentry: ingest requests are answered here, never sent on. */
  sentry: SentryRecorder;
  gateway: GatewayFixture;
  network: NetworkFixture;
  serviceWorker: ServiceWorkerFixture;
}

export interface KitWorkerFixtures {
  /** The Sentry recorder, one per Playwright worker, listening on loopback; `sentry.dsn` points at it. */
  sentryRecorder: SentryRecorder;
}

/**
 * Whether `network.offline()` took a context offline. Route handlers answer
 * before Chromium's offline emulation applies, so the kit's own handlers
 * (Sentry ingest, injected failures) must fail like the network would.
 */
const offlineContexts = new WeakSet<BrowserContext>();

async function whenOnline(context: BrowserContext, route: Route, answer: () => Promise<void>): Promise<void> {
  if (offlineContexts.has(context)) return route.abort('internetdisconnected');
  return answer();
}

export const test = base.extend<KitFixtures, KitWorkerFixtures>({
  sentryRecorder: [
    async ({}, use) => {
      const recorder = await startSentryRecorder();
      await use(recorder);
      await recorder.close();
    },
    { scope: 'worker' },
  ],

  sentry: async ({ context, sentryRecorder }, use) => {
    sentryRecorder.clear();
    // Envelopes for any DSN (sentry.io, self-hosted) are taken in-process, so an
    // app keeps its own DSN and nothing leaves the machine.
    await context.route(
      (url) => ENVELOPE_PATH.test(url.pathname),
      (route) =>
        whenOnline(context, route, async () => {
          if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
          const answer = sentryRecorder.ingest(route.request().postDataBuffer() ?? Buffer.alloc(0));
          if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
          await route.fulfill({ status: answer.status, headers: { ...CORS, 'content-type': 'application/json', ...answer.headers }, body: answer.body });
        }),
    );
    await use(sentryRecorder);
  },

  gateway: async ({ context }, use) => {
    const added: Array<[UrlMatch, (route: Route) => Promise<void>]> = [];
    const add = async (url: UrlMatch, times: number | undefined, answer: (route: Route) => Promise<void>) => {
      const handler = (route: Route) => whenOnline(context, route, () => answer(route));
      added.push([url, handler]);
      await context.route(url, handler, times === undefined ? undefined : { times });
    };
    await use({
      fail: (url, o = {}) =>
        add(url, o.times, (route) =>
          route.fulfill({ status: o.status ?? 503, body: o.body ?? JSON.stringify({ error: 'injected by the gateway fixture' }), headers: { ...CORS, 'content-type': 'application/json', ...o.headers } }),
        ),
      // Never fulfilled: the request stays open until the test's context closes.
      hang: (url, o = {}) => add(url, o.times, () => new Promise<void>((resolve) => context.once('close', () => resolve()))),
      drop: (url, o = {}) => add(url, o.times, (route) => route.abort('connectionreset')),
      clear: async () => {
        for (const [url, handler] of added.splice(0)) await context.unroute(url, handler);
      },
    });
  },

  network: async ({ context }, use) => {
    await use({
      offline: async () => {
        offlineContexts.add(context);
        await context.setOffline(true);
      },
      online: async () => {
        offlineContexts.delete(context);
        await context.setOffline(false);
      },
    });
    offlineContexts.delete(context);
  },

  serviceWorker: async ({ context, page }, use) => {
    await use({
      ready: async (p = page) => {
        await p.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined);
      },
      stop: async () => {
        const cdp = await context.newCDPSession(page);
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        await cdp.detach();
      },
    });
  },
});
