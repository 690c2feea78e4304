/**
 * `npm start`: the demo on an embedded default. Starts
 *   - the Spotlight sidecar (Sentry's local development UI) at http://localhost:8969,
 *   - the gateway simulator at http://127.0.0.1:8787,
 *   - the demo app (Vite) at http://127.0.0.1:5173.
 * With SENTRY_DSN set, events go to that Sentry project instead of Spotlight.
 * Everything listens on loopback; nothing here reaches past it.
 */
import { setupSpotlight } from '@spotlightjs/spotlight';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { startGatewaySimulator } from '../e2e/servers/gatewaySimulator.js';

const SPOTLIGHT_PORT = Number(process.env.SPOTLIGHT_PORT ?? 8969);
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 8787);
const dsn = process.env.SENTRY_DSN;

/**
 * Spotlight's UI, served so that it stays on loopback. We start Spotlight's
 * library entry, not its CLI: the CLI turns on Spotlight's own telemetry to
 * Sentry's servers. The UI has the same telemetry and, in 4.11, no switch for
 * it: its `assets/instrumentation.js` chunk starts Sentry's browser SDK with
 * Spotlight's own DSN (`enabled: true`), and `assets/main.js` calls that
 * chunk's default export before the UI starts. So the demo serves a chunk in
 * its place that starts nothing, and takes Sentry's hosts out of the page's
 * Content-Security-Policy, so the browser would refuse any request that
 * still tried. e2e/demo.spec.ts records every request the UI makes.
 */
const TELEMETRY_CHUNK = 'assets/instrumentation.js';
const NO_TELEMETRY = 'export default function init() {}\nexport function getIntegrations() { return []; }\n';

// The package exports only its entry (dist/server/main.js); the UI sits in dist/ui beside it.
const UI_DIR = join(dirname(fileURLToPath(import.meta.resolve('@spotlightjs/spotlight'))), '../ui');

function spotlightUiFiles(): Record<string, Buffer> {
  const manifest = JSON.parse(readFileSync(join(UI_DIR, 'manifest.json'), 'utf8')) as Record<string, { file?: string; css?: string[]; assets?: string[] }>;
  const html = readFileSync(join(UI_DIR, 'index.html'), 'utf8');
  const files: Record<string, Buffer> = { 'index.html': Buffer.from(html.replace(/ https:\/\/\*\.sentry\.io/g, '')) };
  // Every chunk, stylesheet and font the UI's build lists (its CSS too, which
  // Spotlight's own list of files leaves out).
  for (const entry of Object.values(manifest)) {
    for (const file of [entry.file, ...(entry.css ?? []), ...(entry.assets ?? [])]) {
      if (typeof file === 'string') files[file] = readFileSync(join(UI_DIR, file));
    }
  }
  const chunk = files[TELEMETRY_CHUNK]?.toString('utf8');
  if (!chunk?.includes('ingest.us.sentry.io') || !/export\{\w+ as default,\w+ as getIntegrations\}/.test(chunk)) {
    throw new Error(
      `@spotlightjs/spotlight's UI no longer keeps its telemetry in ${TELEMETRY_CHUNK}, so the demo cannot keep the UI on loopback. ` +
        'Pin @spotlightjs/spotlight to 4.11.8 again, or find the chunk that calls Sentry.init in its dist/ui and update TELEMETRY_CHUNK in scripts/demo.ts.',
    );
  }
  if (files['index.html']!.toString('utf8').includes('sentry.io')) throw new Error("Spotlight's index.html still names a sentry.io host in its Content-Security-Policy; update spotlightUiFiles() in scripts/demo.ts.");
  files[TELEMETRY_CHUNK] = Buffer.from(NO_TELEMETRY);
  return files;
}

async function startSpotlight(): Promise<void> {
  await setupSpotlight({ port: SPOTLIGHT_PORT, basePath: UI_DIR, filesToServe: spotlightUiFiles(), isStandalone: true });
}

if (!dsn) await startSpotlight();
const gateway = await startGatewaySimulator({ port: GATEWAY_PORT });
process.env.VITE_GATEWAY_ORIGIN = gateway.origin;
// Spotlight opens on Traces; its Errors view is where the monitor's events are.
const spotlightErrors = `http://localhost:${SPOTLIGHT_PORT}/telemetry/errors`;
if (dsn) process.env.VITE_SENTRY_DSN = dsn;
else {
  process.env.VITE_SPOTLIGHT_DSN = `http://spotlight@localhost:${SPOTLIGHT_PORT}/0`;
  process.env.VITE_SPOTLIGHT_ERRORS = spotlightErrors;
}
const vite = await createServer({ configFile: join(process.cwd(), 'vite.config.ts') });
await vite.listen();
const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';

console.log(`
  gatewayz-sw-monitor demo
    app:        ${url}
    gateway:    ${gateway.origin}  (the simulator; the app's failure buttons drive it)
    events:     ${dsn ? `your Sentry project (${dsn.replace(/\/\/[^@]+@/, '//***@')})` : `Spotlight's Errors view at ${spotlightErrors}`}
  Open the app, click a failure button, then look in ${dsn ? 'Sentry' : 'Spotlight'}. Ctrl-C stops everything.
`);

const stop = async () => {
  await Promise.allSettled([vite.close(), gateway.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
