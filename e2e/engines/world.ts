/**
 * What the engines suite runs against, all on loopback: the gateway simulator
 * behind a socket tap (the API origin pages call is the tap's), the Sentry
 * recorder, an origin no worker ever controls (for comparisons), and the
 * sites: the script-tag path, the Vite path (built with vite), and the
 * fixtures for fail-open and the engine probe.
 */
import { build as esbuild } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSentryRecorder, type SentryRecorder } from '../../src/playwright/sentryRecorder.js';
import { startGatewaySimulator, type GatewaySimulator } from '../servers/gatewaySimulator.js';
import { startSiteServer, type SiteServer } from '../servers/siteServer.js';
import type { EngineDriver } from './drivers/types.js';
import { startSocketTap, type SocketTap } from './socketTap.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** The two ways a site adopts the monitor that every per-site scenario runs on. */
export type SitePath = 'script-tag' | 'vite';
export const SITE_PATHS: readonly SitePath[] = ['script-tag', 'vite'];

/** The worker's timeout on every engines site: short, so a timeout shows in a second. */
export const TIMEOUT_MS = 1000;

export interface World {
  sim: GatewaySimulator;
  tap: SocketTap;
  /** The API origin pages call and the monitor watches: the tap, in front of the simulator. */
  api: string;
  sentry: SentryRecorder;
  /** An origin no service worker ever controls: what a page gets without the monitor. */
  bare: SiteServer;
  /** Per-test reset of the servers' state. */
  clear(): void;
  close(): Promise<void>;
  /** Built once per world (they embed the API origin and the DSN). */
  builds: { viteEnabled: string; viteDisabled: string; failOpenWorker: string; sentryApp: string };
  /** The Vite app built with these plugin options besides the usual ones, once per set of options. */
  viteBuild(options: SiteOptions): Promise<string>;
}

/** Options a scenario gives its site, written as each path's user writes them: a `data-` attribute on the script tag, the Vite plugin's option. */
export interface SiteOptions {
  /** The `rules` option (README, Rules). */
  rules?: unknown[];
}

export interface Site {
  origin: string;
  server: SiteServer;
  /** Deploys the kill switch: `data-enabled="false"` on the script tag, or the `enabled: false` Vite build. */
  disable(): Promise<void>;
  close(): Promise<void>;
}

export function checkBuilt(): void {
  for (const f of ['dist/gatewayz-sw.js', 'dist/gatewayz-register.js', 'dist/gatewayz-sentry.js', 'dist/gatewayz-deliver.js', 'dist/gatewayz-sw-disabled.js', 'dist/vite.js', 'dist/sw.js']) {
    if (!existsSync(root(f))) throw new Error(`The engines suite needs the built package: ${f} is missing. Run \`npm run build\` first.`);
  }
}

export async function startWorld(): Promise<World> {
  checkBuilt();
  const sim = await startGatewaySimulator();
  const tap = await startSocketTap(sim.port);
  const sentry = await startSentryRecorder();
  const bare = await startSiteServer([]);
  bare.override('/', '<!doctype html><meta charset="utf-8"><title>no worker here</title><p>An origin no service worker controls.</p>', 'text/html; charset=utf-8');
  const tmp = await mkdtemp(join(tmpdir(), 'gatewayz-engines-build-'));
  const builds = {
    viteEnabled: await buildVite(tap.origin, sentry.dsn, true, join(tmp, 'vite-enabled')),
    viteDisabled: await buildVite(tap.origin, sentry.dsn, false, join(tmp, 'vite-disabled')),
    failOpenWorker: await buildFailOpenWorker(),
    sentryApp: await buildSentryApp(),
  };
  const optionBuilds = new Map<string, Promise<string>>();
  return {
    sim,
    tap,
    api: tap.origin,
    sentry,
    bare,
    builds,
    viteBuild(options) {
      const key = JSON.stringify(options);
      let out = optionBuilds.get(key);
      if (!out) optionBuilds.set(key, (out = buildVite(tap.origin, sentry.dsn, true, join(tmp, `vite-options-${optionBuilds.size}`), options)));
      return out;
    },
    clear() {
      sim.clear();
      tap.clear();
      sentry.clear();
    },
    async close() {
      await Promise.all([sim.close(), tap.close(), sentry.close(), bare.close()]);
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** The e2e Vite app built with the plugin, as `vite build` does for a user, with the worker's timeout shortened. */
async function buildVite(api: string, dsn: string, enabled: boolean, outDir: string, options: SiteOptions = {}): Promise<string> {
  const { build } = await import('vite');
  // The package's own plugin entry, as `gatewayz-sw-monitor/vite` resolves for a user (it reads the prebuilt worker beside it).
  const { default: gatewayzMonitor } = (await import(pathToFileURL(root('dist/vite.js')).href)) as typeof import('../../src/vite.js');
  // Each Playwright worker is its own process: the app reads its API origin from Vite's env.
  process.env.VITE_API_ORIGIN = api;
  await build({
    root: root('e2e/sites/vite-app'),
    configFile: false,
    logLevel: 'warn',
    plugins: [gatewayzMonitor({ origins: [api], dsn, enabled, timeoutMs: TIMEOUT_MS, ...options } as Parameters<typeof gatewayzMonitor>[0])],
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** The fail-open fixture's worker, bundled the way a site bundles its own Workbox worker. */
async function buildFailOpenWorker(): Promise<string> {
  const out = await esbuild({
    entryPoints: [root('e2e/sites/engines-failopen/sw.js')],
    bundle: true,
    write: false,
    format: 'iife',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/**
 * An app with its own Sentry client and the monitor as its integration, as the README's "Already using Sentry"
 * section sets it up: `Sentry.init({ integrations: [backendMonitorIntegration({ origins: [api] })] })`, the
 * package imported as a user's bundler resolves it (dist/index.js). Its calls let a rejection go unhandled, as
 * app code often does, so its Sentry's global handlers capture it. The page reads its API origin and DSN from
 * the query; `window.gatewayzMonitor` is the integration's monitor (what page.ts's helpers and load() use).
 */
const SENTRY_APP = `
import * as Sentry from '@sentry/browser';
import { backendMonitorIntegration } from ${JSON.stringify(root('dist/index.js'))};
const params = new URLSearchParams(location.search);
const api = params.get('api');
const integration = backendMonitorIntegration({ origins: [api], timeoutMs: ${TIMEOUT_MS} });
Sentry.init({ dsn: params.get('dsn'), integrations: [integration], release: 'engines-app@1.0.0', environment: 'engines' });
Sentry.setTag('app', 'engines-sentry-app');
window.gatewayzMonitor = integration.monitor;
window.app = {
  unhandled(path) {
    void fetch(api + path).then((r) => r.text());
  },
};
`;

async function buildSentryApp(): Promise<string> {
  const out = await esbuild({
    stdin: { contents: SENTRY_APP, resolveDir: root('.'), sourcefile: 'engines-sentry-app.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/** The app with its own Sentry client (buildSentryApp), on a fresh origin; the page's URL is `url`. */
export async function startSentryAppSite(world: World, api: string): Promise<Site & { url: string }> {
  const server = await startSiteServer([['/gatewayz-sw.js', root('dist/gatewayz-sw.js')]]);
  server.override('/', '<!doctype html><meta charset="utf-8"><title>An app with its own Sentry (engines suite)</title><h1>Models</h1><script type="module" src="/app.js"></script>', 'text/html; charset=utf-8');
  server.override('/app.js', world.builds.sentryApp);
  const url = `${server.origin}/?${new URLSearchParams({ api, dsn: world.sentry.dsn })}`;
  return { origin: server.origin, server, url, disable: async () => {}, close: () => server.close() };
}

/** A `data-` attribute's value, single-quoted as a user writes JSON in HTML. */
const attr = (value: string) => `'${value.replace(/&/g, '&amp;').replace(/'/g, '&#39;')}'`;

/**
 * A site on a fresh origin (a new port): its own worker registration and IndexedDB, whatever ran before.
 * With options, the script tag carries them as its attributes (`data-rules='[...]'`), and the Vite app is
 * built with them as the plugin's options.
 */
export async function startSite(world: World, path: SitePath, options: SiteOptions = {}): Promise<Site> {
  const withOptions = Object.keys(options).length > 0;
  if (path === 'script-tag') {
    const vars = { API_ORIGIN: world.api, SENTRY_DSN: world.sentry.dsn, ENABLED: 'true', TIMEOUT_MS: String(TIMEOUT_MS) };
    const server = await startSiteServer(
      [
        ['/gatewayz-register.js', root('dist/gatewayz-register.js')],
        ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
        ['/gatewayz-sentry.js', root('dist/gatewayz-sentry.js')],
        ['/gatewayz-deliver.js', root('dist/gatewayz-deliver.js')],
        // Read by the script tag for its data-rules (the rules reader is in that file alone).
        ['/gatewayz-options.js', root('dist/gatewayz-options.js')],
        ['/', root('e2e/sites/engines-static/')],
        ['/', root('e2e/sites/static-site/')],
      ],
      { vars },
    );
    // The page as served, with the options' attributes on its tag (the served file has none).
    const render = async (v: Record<string, string>) => {
      if (!withOptions) return;
      const page = (await readFile(root('e2e/sites/engines-static/index.html'), 'utf8')).replace(/\{\{(\w+)\}\}/g, (m, name: string) => v[name] ?? m);
      const attrs = options.rules ? ` data-rules=${attr(JSON.stringify(options.rules))}` : '';
      const tagged = page.replace('<script src="/gatewayz-register.js"', `<script src="/gatewayz-register.js"${attrs}`);
      if (tagged === page) throw new Error('e2e/sites/engines-static/index.html has no <script src="/gatewayz-register.js"> to add the options to');
      server.override('/', tagged, 'text/html; charset=utf-8');
    };
    await render(vars);
    return {
      origin: server.origin,
      server,
      disable: async () => {
        server.setVars({ ...vars, ENABLED: 'false' });
        await render({ ...vars, ENABLED: 'false' });
      },
      close: () => server.close(),
    };
  }
  if (withOptions) {
    const server = await startSiteServer([['/', await world.viteBuild(options)]]);
    const disable = async () => {
      throw new Error('the Vite site built with options has no disabled build');
    };
    return { origin: server.origin, server, disable, close: () => server.close() };
  }
  const server = await startSiteServer([['/', world.builds.viteEnabled]]);
  return {
    origin: server.origin,
    server,
    // The redeploy of the app built with `enabled: false`: every file of that build replaces the served one.
    disable: async () => {
      for (const rel of await listFiles(world.builds.viteDisabled)) {
        const body = await readFile(join(world.builds.viteDisabled, rel), 'utf8');
        const type = rel.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
        server.override(`/${rel}`, body, type);
        if (rel === 'index.html') server.override('/', body, type);
      }
    },
    close: () => server.close(),
  };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), `${prefix}${e.name}/`)));
    else if (!e.name.endsWith('.map')) out.push(`${prefix}${e.name}`);
  }
  return out;
}

export type FailOpenMode = 'hook' | 'storage' | 'config';

/** The fail-open fixture: a site whose own worker carries the monitor with a throwing step, or the standalone worker given a malformed config. */
export async function startFailOpenSite(world: World, mode: FailOpenMode): Promise<Site> {
  const swUrl = mode === 'config' ? '/gatewayz-sw.js?origins=not-a-url&timeoutMs=-5' : `/sw.js?mode=${mode}&api=${encodeURIComponent(world.api)}`;
  const server = await startSiteServer(
    [
      ['/gatewayz-register.js', root('dist/gatewayz-register.js')],
      ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
      ['/gatewayz-sentry.js', root('dist/gatewayz-sentry.js')],
      ['/gatewayz-deliver.js', root('dist/gatewayz-deliver.js')],
      ['/', root('e2e/sites/engines-failopen/')],
      ['/', root('e2e/sites/static-site/')],
    ],
    { vars: { API_ORIGIN: world.api, SENTRY_DSN: world.sentry.dsn, SW_URL: swUrl, SCRIPT_PATH: mode === 'config' ? '/gatewayz-sw.js' : '/sw.js' } },
  );
  server.override('/sw.js', world.builds.failOpenWorker);
  return { origin: server.origin, server, disable: async () => {}, close: () => server.close() };
}

/** The engine probe: a bare worker of its own that reports what the engine gives workers. */
export async function startProbeSite(world: World): Promise<Site> {
  const server = await startSiteServer([['/', root('e2e/sites/engines-probe/')]], { vars: { API_ORIGIN: world.api } });
  return { origin: server.origin, server, disable: async () => {}, close: () => server.close() };
}

/** Loads a site and waits until a worker controls the page and the app is up; with the monitor's bridge, until its hello. */
export async function load(driver: EngineDriver, site: Site & { url?: string }, { bridge = true } = {}): Promise<{ controlled: boolean; observing: boolean | null }> {
  await driver.goto(site.url ?? `${site.origin}/`);
  return driver.evaluate(async (withBridge: boolean) => {
    const w = window as unknown as { app?: unknown; gatewayzMonitor?: { info: Promise<{ observing: boolean } | undefined> } };
    const deadline = Date.now() + 20_000;
    while (!navigator.serviceWorker.controller || (withBridge && (!w.app || !w.gatewayzMonitor))) {
      if (Date.now() > deadline) return { controlled: !!navigator.serviceWorker.controller, observing: null };
      await new Promise((r) => setTimeout(r, 50));
    }
    const info = withBridge ? await w.gatewayzMonitor!.info : undefined;
    return { controlled: true, observing: info ? info.observing : null };
  }, bridge);
}
