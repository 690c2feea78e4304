/**
 * Firefox through puppeteer-core over WebDriver BiDi (no geckodriver), headless,
 * on a profile directory so the browser can be restarted on it.
 *
 * Offline is Firefox's own offline mode (File › Work Offline:
 * `Services.io.offline`), set by a script in the browser's chrome scope over
 * BiDi (`-remote-allow-system-access`), with loopback included
 * (`network.disable-localhost-when-offline`) and open connections pruned, as
 * a dropped link would close them: requests fail everywhere and
 * `navigator.onLine` is false in the page and in the worker. BiDi's network
 * emulation (puppeteer's `page.setOfflineMode`) is kept as `emulateOffline`:
 * it covers the page's own requests but not the worker's fetches.
 *
 * There is no BiDi command to stop a service worker; Firefox stops
 * idle workers itself (`dom.serviceWorkers.idle_timeout`, 30 s by default), so
 * a `stoppable` launch shortens that to one second and `stopWorker()` waits it out.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { parseResult, pageScript, type EngineDriver, type LaunchOptions } from './types.js';
import { profileDir } from './profile.js';

const IDLE_MS = 1000;
const EXTENDED_IDLE_MS = 3000;

export function findFirefox(): string {
  const candidates = [process.env.FIREFOX_PATH, '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    'No Firefox found for the engines suite. Install one of:\n' +
      '  - Debian/Ubuntu: sudo apt-get install -y firefox-esr   (then /usr/lib/firefox-esr/firefox-esr is used)\n' +
      '  - or point FIREFOX_PATH at a Firefox 153 or newer (older ones lack BiDi offline emulation).',
  );
}

/**
 * Keep Firefox off the network except loopback, as CHROMIUM_ARGS does for
 * Chromium: every other host goes to a proxy on a port nothing listens on
 * (loopback is never proxied), and the background services are off.
 */
const PREFS: Record<string, unknown> = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  // Offline mode blocks loopback too, as the cable pulled would.
  'network.disable-localhost-when-offline': true,
};

interface BidiSender {
  send(method: string, params: object): Promise<{ result: Record<string, unknown> }>;
}

export async function launchFirefox(options: LaunchOptions = {}): Promise<EngineDriver> {
  const profile = await profileDir('firefox', options.profileDir);
  const executablePath = findFirefox();
  const prefs = { ...PREFS, ...(options.stoppable ? { 'dom.serviceWorkers.idle_timeout': IDLE_MS, 'dom.serviceWorkers.idle_extended_timeout': EXTENDED_IDLE_MS } : {}) };
  let browser: Browser;
  let page: Page;
  const open = async () => {
    // System access: offline() sets Firefox's own offline mode from the chrome scope.
    browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true, userDataDir: profile.dir, extraPrefsFirefox: prefs, args: ['-remote-allow-system-access'] });
    page = (await browser.pages())[0] ?? (await browser.newPage());
  };
  await open();
  const version = (await browser!.version()).replace(/^firefox\//i, 'Firefox ');
  /** Runs an expression in the browser's chrome window (privileged), as Firefox's own UI code does. */
  const inChrome = async (expression: string): Promise<unknown> => {
    const bidi = (browser as unknown as { connection: BidiSender }).connection;
    const tree = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const context = (tree.result.contexts as Array<{ context: string }>)[0]?.context;
    if (!context) throw new Error('firefox: no chrome-scope browsing context over BiDi (needs Firefox 138+ and -remote-allow-system-access)');
    const r = await bidi.send('script.evaluate', { expression, target: { context }, awaitPromise: false });
    if (r.result.type !== 'success') throw new Error(`firefox: chrome-scope script failed: ${JSON.stringify(r.result)}`);
    return (r.result.result as { value?: unknown }).value;
  };
  const setOffline = async (offline: boolean) => {
    // Offline mode alone would go on using idle keep-alive connections; a dropped link closes them.
    const prune = offline ? "Services.obs.notifyObservers(null, 'net:prune-all-connections');" : '';
    const now = await inChrome(`Services.io.offline = ${offline}; ${prune} Services.io.offline`);
    if (now !== offline) throw new Error(`firefox: Services.io.offline is ${String(now)} after setting it to ${offline}`);
  };

  return {
    engine: 'firefox',
    version,
    abilities: {
      offline: "Firefox's own offline mode (Services.io.offline, as File › Work Offline, open connections pruned), set over BiDi from the chrome scope",
      offlineSetsWorkerOnLine: true,
      stop: `Firefox's own idle stop, its idle timeout set to ${IDLE_MS / 1000} s (dom.serviceWorkers.idle_timeout)`,
      restart: 'close, then launch on the same profile directory',
      canRestart: true,
    },
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate: async (fn, arg) => parseResult(await page.evaluate(pageScript(fn, arg))),
    offline: () => setOffline(true),
    online: () => setOffline(false),
    emulateOffline: (on) => page.setOfflineMode(on),
    stopWorker: async () => {
      if (!options.stoppable) throw new Error('firefox: stopWorker() needs a launch with { stoppable: true } (a shortened idle timeout)');
      // Past the idle timeout, and past the extended one that pending waitUntil work may claim.
      await new Promise((r) => setTimeout(r, EXTENDED_IDLE_MS + 1500));
    },
    restart: async () => {
      await browser.close();
      await open();
    },
    close: async () => {
      await browser.close().catch(() => {});
      await profile.remove();
    },
  };
}
