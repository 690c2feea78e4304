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

async function startSpotlight(): Promise<void> {
  // The library entry, not the CLI: the CLI starts Spotlight's own telemetry to
  // Sentry's servers (see DESIGN.md). UI files come from its dist/ui.
  // The package exports only its entry (dist/server/main.js); the UI sits in dist/ui beside it.
  const uiDir = join(dirname(fileURLToPath(import.meta.resolve('@spotlightjs/spotlight'))), '../ui');
  const manifest = JSON.parse(readFileSync(join(uiDir, 'manifest.json'), 'utf8')) as Record<string, { file?: string }>;
  const filesToServe: Record<string, Buffer> = { 'index.html': readFileSync(join(uiDir, 'index.html')) };
  for (const entry of Object.values(manifest)) {
    if (typeof entry?.file === 'string') filesToServe[entry.file] = readFileSync(join(uiDir, entry.file));
  }
  await setupSpotlight({ port: SPOTLIGHT_PORT, basePath: uiDir, filesToServe, isStandalone: true });
}

if (!dsn) await startSpotlight();
const gateway = await startGatewaySimulator({ port: GATEWAY_PORT });
process.env.VITE_GATEWAY_ORIGIN = gateway.origin;
if (dsn) process.env.VITE_SENTRY_DSN = dsn;
else process.env.VITE_SPOTLIGHT_DSN = `http://spotlight@localhost:${SPOTLIGHT_PORT}/0`;
const vite = await createServer({ configFile: join(process.cwd(), 'vite.config.ts') });
await vite.listen();
const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';

console.log(`
  gatewayz-sw-monitor demo
    app:        ${url}
    gateway:    ${gateway.origin}  (the simulator; the app's failure buttons drive it)
    events:     ${dsn ? `your Sentry project (${dsn.replace(/\/\/[^@]+@/, '//***@')})` : `Spotlight at http://localhost:${SPOTLIGHT_PORT}`}
  Open the app, click a failure button, then look in ${dsn ? 'Sentry' : 'Spotlight'}. Ctrl-C stops everything.
`);

const stop = async () => {
  await Promise.allSettled([vite.close(), gateway.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
