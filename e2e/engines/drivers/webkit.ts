/**
 * WebKitGTK's MiniBrowser through selenium-webdriver and WebKitWebDriver, on a
 * virtual X display (`xvfb-run -a`; MiniBrowser has no headless mode).
 *
 * What WebKitGTK lacks for tests, and what this adapter does instead:
 * - No offline switch (no BiDi, no network emulation): a session launched
 *   with `{ offline: true }` sends everything through a loopback proxy that
 *   drops connections while "offline". `navigator.onLine` stays true.
 * - No command to stop a service worker: WebKit terminates a worker that has
 *   had no client for about ten seconds, so `stopWorker()` (with the page
 *   already away from the site) waits that out.
 * - No restart on the same profile: MiniBrowser in automation mode runs every
 *   WebDriver session on an ephemeral data store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { freePort } from '../../fixtures.js';
import { startOfflineProxy, type OfflineProxy } from '../offlineProxy.js';
import { parseResult, pageScript, type EngineDriver, type LaunchOptions } from './types.js';

const DRIVER = process.env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
/** Seconds WebKit keeps a worker with no clients before terminating it (measured: between 9 and 11). */
const NO_CLIENT_STOP_MS = 12_000;

export function findMiniBrowser(): string {
  if (process.env.WEBKIT_MINIBROWSER_PATH) return process.env.WEBKIT_MINIBROWSER_PATH;
  // Debian puts it under the multiarch triplet: /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser.
  const lib = '/usr/lib';
  for (const d of existsSync(lib) ? readdirSync(lib) : []) {
    const p = `${lib}/${d}/webkit2gtk-4.1/MiniBrowser`;
    if (existsSync(p)) return p;
  }
  throw new Error(
    "No WebKitGTK MiniBrowser found for the engines suite. On Debian/Ubuntu: sudo apt-get install -y webkit2gtk-driver xvfb\n" +
      '  (or set WEBKIT_MINIBROWSER_PATH and WEBKIT_WEBDRIVER_PATH).',
  );
}

function haveCommand(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => existsSync(`${d}/${cmd}`));
}

async function waitForDriver(url: string, child: ChildProcess, deadline = Date.now() + 20_000): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${child.exitCode} before it listened`);
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer at ${url}/status within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function launchWebKit(options: LaunchOptions = {}): Promise<EngineDriver> {
  // options.profileDir cannot be honoured: MiniBrowser --automation keeps nothing between sessions (abilities.canRestart says so).
  const binary = findMiniBrowser();
  if (!existsSync(DRIVER)) throw new Error(`No WebKitWebDriver at ${DRIVER}. On Debian/Ubuntu: sudo apt-get install -y webkit2gtk-driver`);
  const useXvfb = haveCommand('xvfb-run');
  if (!useXvfb && !process.env.DISPLAY) throw new Error('WebKitGTK needs an X display: install xvfb (sudo apt-get install -y xvfb) so the suite can run it under xvfb-run -a');

  const port = await freePort();
  const driverCmd = useXvfb ? ['xvfb-run', '-a', DRIVER, `--port=${port}`] : [DRIVER, `--port=${port}`];
  // Its own process group, so close() ends xvfb-run, Xvfb, the driver and MiniBrowser together.
  const child = spawn(driverCmd[0]!, driverCmd.slice(1), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)));
  const kill = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  let proxy: OfflineProxy | undefined;
  let driver: WebDriver;
  try {
    await waitForDriver(`http://127.0.0.1:${port}`, child);
    proxy = options.offline ? await startOfflineProxy() : undefined;
    // Without the offline proxy: loopback direct, anything else to a port nothing listens on.
    const network = proxy
      ? [`--proxy=http://127.0.0.1:${proxy.port}`]
      : ['--proxy=http://127.0.0.1:9', '--ignore-host=localhost', '--ignore-host=127.0.0.1'];
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary, args: ['--automation', ...network] } })
      .build();
    await driver.manage().setTimeouts({ script: 120_000, pageLoad: 30_000 });
  } catch (err) {
    kill();
    await proxy?.close();
    throw new Error(`webkit: could not start a MiniBrowser session: ${String(err)}\n${stderr}`);
  }
  const caps = await driver.getCapabilities();

  return {
    engine: 'webkit',
    version: `WebKitGTK ${String(caps.get('browserVersion'))} (MiniBrowser)`,
    abilities: {
      offline: 'a loopback proxy that drops every connection (MiniBrowser --proxy)',
      offlineSetsWorkerOnLine: false,
      stop: `no client for ${NO_CLIENT_STOP_MS / 1000} s: WebKit terminates the worker itself`,
      restart: 'not possible: MiniBrowser --automation runs each session on an ephemeral data store',
      canRestart: false,
    },
    goto: async (url) => {
      await driver.get(url);
    },
    evaluate: async (fn, arg) => parseResult(await driver.executeScript(`return ${pageScript(fn, arg)}`)),
    offline: async () => {
      if (!proxy) throw new Error('webkit: offline() needs a session launched with { offline: true } (the dropping proxy)');
      proxy.setOffline(true);
    },
    online: async () => {
      proxy?.setOffline(false);
    },
    stopWorker: async () => {
      await new Promise((r) => setTimeout(r, NO_CLIENT_STOP_MS));
    },
    restart: async () => {
      throw new Error('webkit: restart() is not possible; MiniBrowser --automation sessions are ephemeral (check abilities.canRestart)');
    },
    close: async () => {
      await driver.quit().catch(() => {});
      kill();
      await proxy?.close();
    },
  };
}
