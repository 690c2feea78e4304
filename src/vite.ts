/**
 * The Vite plugin: one line in `plugins`, no change to application code.
 *
 *   import { defineConfig } from 'vite';
 *   import gatewayzMonitor from 'gatewayz-sw-monitor/vite';
 *   export default defineConfig({ plugins: [gatewayzMonitor({ origins: ['https://api.gatewayz.ai'], dsn: '...' })] });
 *
 * `vite build` emits the worker (`gatewayz-sw.js`), the registration script
 * (`gatewayz-register.js`) and the two files it loads when the first report
 * must go out (`gatewayz-sentry.js`, `gatewayz-deliver.js`) at the site root
 * and adds the script tag to index.html; `vite dev` and `vite preview` serve
 * the same. All are emitted as built, without source maps (README: "What the
 * package needs and ships").
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin, ResolvedConfig } from 'vite';
import { CONFIG_KEYS, timeoutsToString } from '../sw/config.js';
import { workerQuery, type WorkerOptions } from './workerQuery.js';

export interface GatewayzMonitorPluginOptions extends WorkerOptions {
  /** Where events go when the page has no Sentry client of its own. Default: none (Spotlight in development). */
  dsn?: string;
  /** Release and environment for the monitor's own client (an app's own client keeps its own). */
  release?: string;
  environment?: string;
}

const PLUGIN_KEYS = new Set<string>([...CONFIG_KEYS, 'dsn', 'release', 'environment']);
const WORKER_FILE = 'gatewayz-sw.js';
const REGISTER_FILE = 'gatewayz-register.js';
/** Loaded by the register script, from its own folder, only when a report must go out. */
const LAZY_FILES = ['gatewayz-sentry.js', 'gatewayz-deliver.js'];

/** Fails loudly at config load: the option, the value, and the fix. */
export function validatePluginOptions(options: GatewayzMonitorPluginOptions): void {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!PLUGIN_KEYS.has(key)) problems.push(`unknown option "${key}"; known options are ${[...PLUGIN_KEYS].join(', ')}.`);
  }
  const { dsn, release, environment, ...worker } = options;
  const known = Object.fromEntries(Object.entries(worker).filter(([k]) => PLUGIN_KEYS.has(k))) as WorkerOptions;
  if (known.origins !== undefined && !Array.isArray(known.origins)) {
    problems.push(`option "origins" must be an array of origins, like ["https://api.gatewayz.ai"].`);
  } else {
    problems.push(...workerQuery(known).errors.map((e) => e.replace(/^gatewayz-sw-monitor: /, '')));
  }
  if (dsn !== undefined) {
    let ok = false;
    try {
      const u = new URL(dsn);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && !!u.username && /\/[^/]+$/.test(u.pathname);
    } catch {
      /* reported below */
    }
    if (!ok) problems.push(`option "dsn" is ${JSON.stringify(dsn)}, which is not a Sentry DSN; copy it from Sentry's project settings (Client Keys), like "https://<key>@o0.ingest.sentry.io/<project>".`);
  }
  for (const [name, v] of [['release', release], ['environment', environment]] as const) {
    if (v !== undefined && typeof v !== 'string') problems.push(`option "${name}" must be a string.`);
  }
  if (problems.length > 0) {
    throw new Error(`[gatewayz-sw-monitor] invalid plugin options in vite.config:\n  - ${problems.join('\n  - ')}`);
  }
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function readPrebuilt(name: string): string {
  // The prebuilt files sit beside this module in the package's dist/.
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

export default function gatewayzMonitor(options: GatewayzMonitorPluginOptions = {}): Plugin {
  validatePluginOptions(options);
  const enabled = options.enabled !== false;
  let base = '/';
  const names = [WORKER_FILE, REGISTER_FILE, ...LAZY_FILES];
  // Disabled, the served worker is the kill-switch build: a browser that has the
  // monitor installs it at its next update check, and it unregisters itself.
  const read = (name: string) => readPrebuilt(name === WORKER_FILE && !enabled ? 'gatewayz-sw-disabled.js' : name);
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '').split('?')[0];
    const name = path?.startsWith(base) ? path.slice(base.length) : undefined;
    const body = name !== undefined && names.includes(name) ? read(name) : undefined;
    if (body === undefined) return next();
    res.setHeader('content-type', 'text/javascript; charset=utf-8');
    // Workers are checked for updates on navigation; never let a cache hide a new one.
    res.setHeader('cache-control', 'no-cache');
    if (name === WORKER_FILE) res.setHeader('service-worker-allowed', base);
    res.end(body);
  };
  return {
    name: 'gatewayz-sw-monitor',
    configResolved(config: ResolvedConfig) {
      base = config.base.startsWith('/') ? config.base : '/';
    },
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve);
    },
    generateBundle() {
      for (const fileName of names) this.emitFile({ type: 'asset', fileName, source: read(fileName) });
    },
    transformIndexHtml() {
      const attrs: Record<string, string | boolean> = { src: `${base}${REGISTER_FILE}`, defer: true };
      for (const [key, value] of Object.entries(options)) {
        if (value === undefined) continue;
        attrs[`data-${kebab(key)}`] = Array.isArray(value) ? value.join(',') : typeof value === 'object' ? timeoutsToString(value) : String(value);
      }
      if (base !== '/') {
        attrs['data-script-url'] = `${base}${WORKER_FILE}`;
        attrs['data-scope'] = base;
      }
      return [{ tag: 'script', attrs, injectTo: 'head' }];
    },
  };
}

export { gatewayzMonitor };
