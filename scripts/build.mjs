// Builds everything the package ships and the tests use.
// `node scripts/build.mjs` — run by `npm run build`, `npm test` and `npm start`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { minify } from 'terser';

const started = Date.now();
// Workbox's development-only logging and assertions are behind this flag.
// The option table's documentation (sw/options.ts) is for the README's generator (scripts/figures.mjs), not for any build.
// Option errors are explained in full, unless a build is terse (below).
const flags = { __GATEWAYZ_DOCS__: 'false', __GATEWAYZ_TERSE__: 'false' };
const production = { 'process.env.NODE_ENV': '"production"', ...flags };
// The option errors' long explanations fold away (sw/buildFlags.ts): in the worker, and in the script tag's file, which
// loads them (gatewayz-options.js) only when an attribute is invalid.
const terse = { ...production, __GATEWAYZ_TERSE__: 'true' };
const common = { bundle: true, logLevel: 'warning', legalComments: 'none', define: flags };
// The first line of each prebuilt file an app serves (gatewayz-*.js): the Next.js wrapper writes them into the
// app's public/, where the app's own `eslint` lints them (create-next-app 16's config: 351 warnings for the four).
const BANNER = '/* eslint-disable */';
const banner = { js: BANNER };
await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });
await mkdir('public', { recursive: true });

await Promise.all([
  // The worker: one classic script, no imports left (a module worker would
  // need `type: "module"` at registration, which older browsers lack).
  buildWorker(),
  // The kill-switch worker.
  build({ ...common, entryPoints: ['sw/killSwitch.ts'], outfile: 'dist/gatewayz-sw-disabled.js', format: 'iife', target: 'es2020', minify: true, banner }),
  // The drop-in registration script for any site: registers the worker and connects to it, no Sentry client.
  // Its option errors are terse (the full ones are gatewayz-options.js's).
  buildScriptTagFile('src/register/main.ts', 'dist/gatewayz-register.js', terse),
  // What it loads, beside itself, when the first report must go out: the page bridge with the monitor's own Sentry
  // client (a page without Sentry), or with delivery through the app's own client. Classic scripts (src/register/lazy.ts).
  buildScriptTagFile('src/register/sentryChunk.ts', 'dist/gatewayz-sentry.js', production),
  buildScriptTagFile('src/register/deliverChunk.ts', 'dist/gatewayz-deliver.js', production),
  // What it loads, beside itself, only when a data- attribute is invalid: the option table's reader with its full
  // explanations (the register script's own is terse), to say the same sentence as every other entry point.
  buildScriptTagFile('src/register/optionsChunk.ts', 'dist/gatewayz-options.js', production),
  // The page bridge alone, minified: the size budget's subject.
  build({ ...common, entryPoints: ['src/registerBackendMonitor.ts'], outfile: 'dist/bridge.min.js', format: 'esm', target: 'es2020', minify: true }),
  // Package entry points for bundlers: the page, the worker (for Workbox apps) and the Vite plugin.
  // minifySyntax folds what the defines decide (the option table's documentation) and keeps the code readable.
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm', target: 'es2020', external: ['@sentry/*'], minifySyntax: true }),
  build({ ...common, entryPoints: ['sw/index.ts'], outfile: 'dist/sw.js', format: 'esm', target: 'es2020', external: ['workbox-*', 'idb'], minifySyntax: true }),
  build({ ...common, entryPoints: ['src/vite.ts'], outfile: 'dist/vite.js', format: 'esm', platform: 'node', target: 'node20', external: ['vite'] }),
  build({ ...common, entryPoints: ['src/next.ts'], outfile: 'dist/next.js', format: 'esm', platform: 'node', target: 'node20' }),
  build({ ...common, entryPoints: ['src/playwright/index.ts'], outfile: 'dist/playwright.js', format: 'esm', platform: 'node', target: 'node20', external: ['@playwright/test', '@sentry/core'] }),
  // The e2e harness page and the demo's launcher.
  build({ ...common, entryPoints: { app: 'e2e/app/main.ts' }, outdir: 'e2e/.build', format: 'esm', target: 'es2022', sourcemap: 'inline' }),
  build({ ...common, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.mjs', platform: 'node', format: 'esm', target: 'node20', packages: 'external' }),
  // The benchmark: its page and its runner.
  build({ ...common, entryPoints: { bench: 'bench/page/main.ts' }, outdir: 'bench/.build', format: 'esm', target: 'es2022', define: production }),
  build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'dist/bench.mjs', platform: 'node', format: 'esm', target: 'node20', packages: 'external' }),
  build({ ...common, entryPoints: ['bench/profile.ts'], outfile: 'dist/profile.mjs', platform: 'node', format: 'esm', target: 'node20', packages: 'external' }),
]);
await copyFile('dist/gatewayz-sw.js', 'public/gatewayz-sw.js');

/**
 * The script tag's file, which every page loads before its first paint is
 * done with, and the files it loads beside itself: each within its budget
 * (scripts/figures/budgets.ts), so minified by terser too (about 5% smaller
 * gzipped than esbuild's minifier alone, which runs first). The script tag's file imports no
 * Sentry code: that is in the files it loads.
 */
async function buildScriptTagFile(entry, outfile, define) {
  const out = await build({ ...common, entryPoints: [entry], outfile, format: 'iife', target: 'es2020', define, minify: true, write: false });
  const min = await minify(out.outputFiles[0].text, { ecma: 2020, toplevel: true, compress: { passes: 2 }, format: { preamble: BANNER } });
  await writeFile(outfile, min.code);
}

/**
 * Every user downloads the worker, so it is bundled by esbuild and minified by
 * terser, which compresses about 4% smaller than esbuild's own minifier.
 *
 * `idb` adds its shortcut methods (`db.get(store, key)`, ...) and cursor async
 * iterators by calling its own `replaceTraps` when it loads; the worker uses
 * neither (sw/deliver/idbStore.ts goes through transactions and object
 * stores), so those calls are dropped as pure, and with them about 450 bytes
 * gzipped. Code that needs them must remove `pure_funcs` below.
 */
async function buildWorker() {
  const out = await build({ ...common, entryPoints: ['sw/entry.ts'], outfile: 'dist/gatewayz-sw.js', format: 'iife', target: 'es2022', sourcemap: 'external', define: terse, minifySyntax: true, write: false });
  const code = out.outputFiles.find((f) => f.path.endsWith('.js')).text;
  const map = out.outputFiles.find((f) => f.path.endsWith('.map')).text;
  const min = await minify(code, {
    ecma: 2022,
    toplevel: true,
    compress: { passes: 2, pure_funcs: ['replaceTraps'] },
    format: { preamble: BANNER },
    sourceMap: { content: map, filename: 'gatewayz-sw.js' },
  });
  await writeFile('dist/gatewayz-sw.js', min.code);
  await writeFile('dist/gatewayz-sw.js.map', min.map);
}
for (const f of ['gatewayz-register.js', 'gatewayz-sentry.js', 'gatewayz-deliver.js', 'gatewayz-options.js']) await copyFile(`dist/${f}`, `public/${f}`);

// Type declarations for the three entry points.
const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types-sw.json'], { stdio: 'inherit' });

console.log(`built dist/ (worker, register script, package entry points, types) in ${Date.now() - started} ms`);
