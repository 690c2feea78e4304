// Builds the worker to one classic script, and the e2e harness page.
// `node scripts/build.mjs` — run by `npm run build`, `npm test` and `npm start`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const define = {
  // Workbox's development-only logging and assertions are behind this flag.
  'process.env.NODE_ENV': '"production"',
};
const started = Date.now();
await mkdir('dist', { recursive: true });
await mkdir('public', { recursive: true });

// The worker: one classic script, no imports left (a module worker would need
// `type: "module"` at registration, which older browsers lack).
await build({
  entryPoints: ['sw/entry.ts'],
  outfile: 'dist/gatewayz-sw.js',
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  define,
  logLevel: 'warning',
});
await copyFile('dist/gatewayz-sw.js', 'public/gatewayz-sw.js');

// The page bridge without Sentry (the size budget's subject) and the e2e harness page.
await build({
  entryPoints: { 'bridge.min': 'src/registerBackendMonitor.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  define,
  logLevel: 'warning',
});
await build({
  entryPoints: { app: 'e2e/app/main.ts' },
  outdir: 'e2e/.build',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: 'inline',
  define,
  logLevel: 'warning',
});
// The demo's launcher (`npm start`), for Node.
await build({
  entryPoints: ['scripts/demo.ts'],
  outfile: 'dist/demo.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log(`built dist/gatewayz-sw.js, dist/bridge.min.js and the e2e harness in ${Date.now() - started} ms`);
