/**
 * The demo app: an ordinary Sentry setup plus one integration. The failure
 * buttons tell the gateway simulator how to answer the next call, then make it.
 */
import * as Sentry from '@sentry/browser';
import { backendMonitorIntegration } from '../index.js';
import { healthView } from './healthView.js';

const API = import.meta.env.VITE_GATEWAY_ORIGIN ?? 'http://127.0.0.1:8787';
const DSN = import.meta.env.VITE_SENTRY_DSN || import.meta.env.VITE_SPOTLIGHT_DSN || undefined;

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const log = (cls: string, text: string) => {
  const line = document.createElement('div');
  line.className = cls;
  line.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $('#log').prepend(line);
};

const GATEWAYS = ['openrouter', 'huggingface', 'cerebras', 'deepinfra'];
const integration = backendMonitorIntegration({ origins: [API], timeoutMs: 5000, healthIntervalMs: 2000, debug: true });
Sentry.init({
  dsn: DSN,
  release: 'gatewayz-demo@1.0.0',
  environment: 'development',
  integrations: [integration],
  beforeSend(event) {
    if (event.tags?.error_category === 'backend_api') log('sent', `→ Sentry: ${event.message} [${event.level}]`);
    return event;
  },
});
Sentry.setUser({ id: 'demo-user' });

$('#api').textContent = API;
if (import.meta.env.VITE_SENTRY_DSN) $('#sink').textContent = 'your Sentry project (VITE_SENTRY_DSN)';
else {
  // Spotlight opens on Traces; the link goes straight to its Errors view, where these events are.
  const link = document.createElement('a');
  link.id = 'spotlight';
  link.href = import.meta.env.VITE_SPOTLIGHT_ERRORS ?? 'http://localhost:8969/telemetry/errors';
  link.target = '_blank';
  link.textContent = 'Errors in Spotlight';
  $('#sink').replaceChildren('the local Spotlight sidecar: open ', link);
}

void integration.monitor?.info.then((info) => {
  $('#status').textContent = info ? `v${info.version}, ${info.observing ? 'observing' : 'NOT observing (see console)'}` : 'not running (see console)';
});

async function call(gateway = $<HTMLSelectElement>('#gateway').value, quiet = false): Promise<void> {
  const url = `${API}/v1/models${gateway ? `?gateway=${gateway}` : ''}`;
  const started = performance.now();
  try {
    const res = await fetch(url);
    const body = await res.text();
    if (!quiet || !res.ok) log(res.ok ? 'ok' : 'bad', `GET ${url} → ${res.status} in ${Math.round(performance.now() - started)} ms ${res.ok ? '' : body.slice(0, 80)}`);
  } catch (err) {
    log('bad', `GET ${url} → ${(err as Error).message}`);
  }
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  const gateway = $<HTMLSelectElement>('#gateway').value || undefined;
  await fetch(`${API}/__sim/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/models', times: 1, gateway, ...rule }) });
}

$('#load').addEventListener('click', () => void call());
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-status]')) {
  button.addEventListener('click', async () => {
    const status = Number(button.dataset.status);
    const headers: Record<string, string> = { 'x-request-id': `demo-${Date.now()}` };
    if (status === 429) headers['retry-after'] = '30';
    await fault({ status, headers, body: JSON.stringify({ error: button.textContent, detail: `simulated ${status} from the demo` }) });
    await call();
  });
}
$('button[data-action=timeout]').addEventListener('click', async () => {
  await fault({ delayMs: 8000, status: 200, body: '{"data":[]}' });
  await call();
});
$('button[data-action=reset]').addEventListener('click', async () => {
  await fault({ action: 'reset' });
  await call();
});
$('button[data-action=slow]').addEventListener('click', async () => {
  await fault({ delayMs: 600, status: 200, body: '{"data":[]}', times: 10 });
  await call();
});
$('button[data-action=outage]').addEventListener('click', async () => {
  await fault({ status: 503, body: '{"error":"Service Unavailable"}', times: 20 });
  await call();
});

// The health view, fed by the worker's health windows.
const render = healthView($('#health'), GATEWAYS);
integration.monitor?.onHealth(render);

// Background traffic, so the charts have something to show.
setInterval(() => {
  if ($<HTMLInputElement>('#traffic').checked) void call(GATEWAYS[Math.floor(Math.random() * GATEWAYS.length)], true);
}, 300);
