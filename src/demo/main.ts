/**
 * The demo app: an ordinary Sentry setup plus one integration. The failure
 * buttons tell the gateway simulator how to answer the next call, then make it.
 */
import * as Sentry from '@sentry/browser';
import { backendMonitorIntegration } from '../index.js';

const API = import.meta.env.VITE_GATEWAY_ORIGIN ?? 'http://127.0.0.1:8787';
const DSN = import.meta.env.VITE_SENTRY_DSN || import.meta.env.VITE_SPOTLIGHT_DSN || undefined;

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const log = (cls: string, text: string) => {
  const line = document.createElement('div');
  line.className = cls;
  line.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $('#log').prepend(line);
};

const integration = backendMonitorIntegration({ origins: [API], timeoutMs: 5000, debug: true });
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
$('#sink').innerHTML = import.meta.env.VITE_SENTRY_DSN
  ? 'your Sentry project (VITE_SENTRY_DSN)'
  : 'the local Spotlight sidecar: open <a href="http://localhost:8969" target="_blank">http://localhost:8969</a>';

void integration.monitor?.info.then((info) => {
  $('#status').textContent = info ? `v${info.version}, ${info.observing ? 'observing' : 'NOT observing (see console)'}` : 'not running (see console)';
});

async function call(): Promise<void> {
  const gateway = $<HTMLSelectElement>('#gateway').value;
  const url = `${API}/v1/models${gateway ? `?gateway=${gateway}` : ''}`;
  const started = performance.now();
  try {
    const res = await fetch(url);
    const body = await res.text();
    log(res.ok ? 'ok' : 'bad', `GET ${url} → ${res.status} in ${Math.round(performance.now() - started)} ms ${res.ok ? '' : body.slice(0, 80)}`);
  } catch (err) {
    log('bad', `GET ${url} → ${(err as Error).message}`);
  }
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  await fetch(`${API}/__sim/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/models', times: 1, ...rule }) });
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
