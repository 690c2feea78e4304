/**
 * Chromium through Playwright, on a persistent profile so the browser can be
 * restarted on it. Offline is the context's own emulation, which reaches the
 * service worker; the worker is stopped through CDP, as the Playwright kit does.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../findChromium.js';
import { parseResult, pageScript, type EngineDriver, type LaunchOptions } from './types.js';
import { profileDir } from './profile.js';

export async function launchChromium(options: LaunchOptions = {}): Promise<EngineDriver> {
  const profile = await profileDir('chromium', options.profileDir);
  const executablePath = findChromium();
  let context: BrowserContext;
  let page: Page;
  const open = async () => {
    context = await chromium.launchPersistentContext(profile.dir, { executablePath, args: CHROMIUM_ARGS, headless: true, serviceWorkers: 'allow' });
    page = context.pages()[0] ?? (await context.newPage());
  };
  await open();
  const cdp = await context!.newCDPSession(page!);
  const { product } = (await cdp.send('Browser.getVersion')) as { product: string };
  await cdp.detach();

  return {
    engine: 'chromium',
    version: product.replace('HeadlessChrome/', 'Chromium ').replace('Chrome/', 'Chromium '),
    abilities: {
      offline: "Playwright's context.setOffline (network emulation of the whole context, worker included)",
      offlineSetsWorkerOnLine: true,
      stop: 'CDP ServiceWorker.stopAllWorkers',
      restart: 'close, then launchPersistentContext on the same profile directory',
      canRestart: true,
    },
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate: async (fn, arg) => parseResult(await page.evaluate(pageScript(fn, arg))),
    offline: () => context.setOffline(true),
    online: () => context.setOffline(false),
    emulateOffline: (on) => context.setOffline(on),
    stopWorker: async () => {
      const session = await context.newCDPSession(page);
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.stopAllWorkers');
      await session.detach();
    },
    restart: async () => {
      await context.close();
      await open();
    },
    close: async () => {
      await context.close().catch(() => {});
      await profile.remove();
    },
  };
}
