/**
 * The Next.js fixture app (e2e/sites/next-app): built once per test run by
 * e2e/next.setup.ts with `next build`, then served by `next start` on loopback,
 * one server per Playwright worker, with the API origin and the Sentry DSN of
 * that worker's gateway simulator and recorder in its environment.
 */
import type { Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, freePort, test as base } from './fixtures.js';

export const NEXT_APP_DIR = fileURLToPath(new URL('./sites/next-app/', import.meta.url));
export const NEXT_BIN = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));
/** Nothing Next runs may reach past loopback. */
export const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1', SENTRY_TELEMETRY_DISABLED: '1' };

/**
 * The fixture depends on this package as an app would (`npm i gatewayz-sw-monitor`):
 * its node_modules links to the package root, whose exports point into dist/.
 */
export function linkPackage(appDir: string): void {
  const link = `${appDir}node_modules/gatewayz-sw-monitor`;
  mkdirSync(`${appDir}node_modules`, { recursive: true });
  const target = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
  try {
    if (realpathSync(link) === target) return;
    rmSync(link, { recursive: false, force: true });
  } catch {
    /* not there yet */
  }
  symlinkSync(target, link, 'dir');
}

/** Runs a Next command in an app's folder; resolves with its output, rejects with it when it fails. */
export function runNext(args: string[], appDir = NEXT_APP_DIR, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, ...args], { cwd: appDir, env: { ...process.env, ...NEXT_ENV, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`next ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}

export interface NextServer {
  origin: string;
  close(): Promise<void>;
}

/** Starts `next start` or `next dev` on a free loopback port and waits until it answers. */
export async function startNext(mode: 'start' | 'dev', appDir: string, env: Record<string, string>): Promise<NextServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, mode, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env: { ...process.env, ...NEXT_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  // `localhost`, so the site and the gateway (127.0.0.1) are different origins.
  const origin = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next ${mode} exited (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/gatewayz-sw.js`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`next ${mode} did not answer within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** Loads a page of the app and waits until the monitoring worker controls it. */
export async function openNextPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && typeof window.gatewayz?.monitor === 'object', null, { timeout: 20_000 });
}

/** Calls the API the way a user does: the client component's form. */
export async function callApi(page: Page, path: string): Promise<string> {
  await page.getByLabel('Path').fill(path);
  await page.getByRole('button', { name: 'Call API' }).click();
  const result = page.getByLabel('Result');
  await expect(result).not.toHaveText(/^(loading)?$/);
  return (await result.textContent()) ?? '';
}

/** The worker's counters, through the app's integration. */
export function workerStats(page: Page) {
  return page.evaluate(() => window.gatewayz!.monitor!.stats());
}

declare global {
  interface Window {
    gatewayz?: { monitor?: import('../src/registerBackendMonitor.js').BackendMonitor };
  }
}

export const test = base.extend<{ nextApp: NextServer }, { nextServer: NextServer }>({
  nextServer: [
    async ({ servers }, use) => {
      const server = await startNext('start', NEXT_APP_DIR, { API_ORIGIN: servers.api.origin, SENTRY_DSN: servers.sentry.dsn });
      await use(server);
      await server.close();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  nextApp: async ({ nextServer, api, sentry }, use) => {
    void api;
    void sentry;
    await use(nextServer);
  },
});

export { expect };
