/**
 * The Vite plugin: one line in `plugins`, no change to application code.
 *
 *   import { defineConfig } from 'vite';
 *   import gatewayzMonitor from 'gatewayz-sw-monitor/vite';
 *   export default defineConfig({ plugins: [gatewayzMonitor({ origins: ['https://api.gatewayz.ai'], dsn: '...' })] });
 *
 * `vite build` emits the worker (`gatewayz-sw.js`), the registration script
 * (`gatewayz-register.js`), the two files it loads when the first report
 * must go out (`gatewayz-sentry.js`, `gatewayz-deliver.js`) and the one it
 * loads when an attribute is invalid (`gatewayz-options.js`) at the site root
 * and adds the script tag to index.html; `vite dev` and `vite preview` serve
 * the same. All are emitted as built, without source maps (README: "What the
 * package needs and ships").
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin, ResolvedConfig } from 'vite';
import { attributeOf, OPTIONS, readOptions, stringForm, type OptionsAt } from '../sw/options.js';
import { DISABLED_WORKER_FILE, REGISTER_FILE, SERVED_FILES, WORKER_FILE } from './prebuiltFiles.js';

/** The plugin's options: its rows of the README's option table (sw/options.ts). */
export type GatewayzMonitorPluginOptions = OptionsAt<'vite'>;


/** Fails loudly at config load: the option, the value, and the fix (the same words as at every entry point). */
export function validatePluginOptions(options: GatewayzMonitorPluginOptions): void {
  const { errors } = readOptions(options, 'vite');
  if (errors.length > 0) {
    throw new Error(`[gatewayz-sw-monitor] invalid plugin options in vite.config:\n  - ${errors.map((e) => e.replace(/^gatewayz-sw-monitor: /, '')).join('\n  - ')}`);
  }
}

function readPrebuilt(name: string): string {
  // The prebuilt files sit beside this module in the package's dist/.
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

export default function gatewayzMonitor(options: GatewayzMonitorPluginOptions = {}): Plugin {
  validatePluginOptions(options);
  const enabled = options.enabled !== false;
  let base = '/';
  const names: readonly string[] = SERVED_FILES;
  // Disabled, the served worker is the kill-switch build: a browser that has the
  // monitor installs it at its next update check, and it unregisters itself.
  const read = (name: string) => readPrebuilt(name === WORKER_FILE && !enabled ? DISABLED_WORKER_FILE : name);
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
      // Each option as the script tag's attribute, in its string form.
      for (const [key, value] of Object.entries(options)) {
        const raw = value === undefined ? undefined : stringForm(OPTIONS[key as keyof typeof OPTIONS].kind, value);
        if (raw !== undefined) attrs[attributeOf(key)] = raw;
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
