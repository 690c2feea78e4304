/**
 * Next.js: one wrapper in `next.config`, no change to application code.
 *
 *   import { withGatewayzMonitor } from 'gatewayz-sw-monitor/next';
 *   export default withGatewayzMonitor({ reactStrictMode: true });
 *
 * The worker must be served at the site root (`/gatewayz-sw.js`) so that its
 * scope is the whole site, under `next dev`, `next build` + `next start` and a
 * static export (`output: 'export'`) alike. `@serwist/next` gets its worker
 * there from a webpack plugin that emits into `public/`, which is why it needs
 * webpack (Next 16 builds with Turbopack by default); `@sentry/nextjs`'s
 * `withSentryConfig` patches webpack and Turbopack separately and serves its
 * tunnel through `rewrites`, which a static export does not have. A rewrite or
 * a route handler in `node_modules` cannot work here either: rewrites vanish in
 * an export and Next only routes files under `app/`. So this wrapper does what
 * works with every bundler and every output: when Next loads the config, it
 * writes the prebuilt worker (and the script-tag drop-in, with the two files it
 * loads when a report must go out and the one it loads when an attribute is
 * invalid) into the app's
 * `public/`, which Next serves in dev, in `next start` and copies into `out/`.
 * The files are generated: add `public/gatewayz-*.js` to `.gitignore`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readOptions, type OptionsAt } from '../sw/options.js';
import { DISABLED_WORKER_FILE, SERVED_FILES, WORKER_FILE } from './prebuiltFiles.js';

/** withGatewayzMonitor's options: its rows of the README's option table (sw/options.ts). */
export type GatewayzMonitorNextOptions = OptionsAt<'next'>;

/** The files written into `public/`, by the name they are served at. */
export const NEXT_PUBLIC_FILES = SERVED_FILES;

const LOG = '[gatewayz-sw-monitor]';

function validate(options: GatewayzMonitorNextOptions): void {
  const { errors } = readOptions(options, 'next');
  if (errors.length === 0) return;
  const hint = 'Worker options (origins, timeoutMs, ...) go to backendMonitorIntegration() in instrumentation-client.ts, or to the script tag.';
  throw new Error(`${LOG} invalid withGatewayzMonitor options in next.config:\n  - ${errors.join('\n  - ')}\n${hint}`);
}

function prebuilt(name: string): string {
  // The prebuilt files sit beside this module in the package's dist/.
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

/** Writes a file only when its content changed (so `next dev` sees no change on every config load), atomically (Next loads its config in several processes at once). */
function writeIfChanged(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) return;
  } catch {
    /* not there yet */
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Writes the worker, the registration script and the files it loads (when a report must go out, when an attribute is invalid) into `<dir>/public/`; returns the folder. */
export function writeGatewayzPublicFiles(options: GatewayzMonitorNextOptions = {}): string {
  const publicDir = join(resolve(options.dir ?? process.cwd()), 'public');
  mkdirSync(publicDir, { recursive: true });
  const worker = prebuilt(options.enabled === false ? DISABLED_WORKER_FILE : WORKER_FILE);
  writeIfChanged(join(publicDir, WORKER_FILE), worker);
  for (const name of NEXT_PUBLIC_FILES.slice(1)) writeIfChanged(join(publicDir, name), prebuilt(name));
  return publicDir;
}

/**
 * Wraps a Next config (an object, or a function of the phase: it is returned
 * as it is, so it composes with `withSentryConfig` either way round) so that
 * `/gatewayz-sw.js` and `/gatewayz-register.js` (with the files it loads) are served in `next dev`,
 * `next start` and a static export. Registration comes from
 * `backendMonitorIntegration` in `instrumentation-client.ts`, or from the
 * script tag for apps without Sentry. Bad options throw when Next loads the
 * config, naming the option and the fix.
 */
export function withGatewayzMonitor<C extends object>(nextConfig: C, options: GatewayzMonitorNextOptions = {}): C {
  validate(options);
  writeGatewayzPublicFiles(options);
  // No headers are needed: browsers fetch a worker's own script past the HTTP
  // cache when they check it for updates (`updateViaCache: 'imports'`, the
  // default), and a static export could not send them anyway.
  return nextConfig;
}

export default withGatewayzMonitor;
