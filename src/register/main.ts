/**
 * `gatewayz-register.js`: the drop-in for any site. One script tag:
 *
 *   <script src="/gatewayz-register.js" data-origins="https://api.gatewayz.ai" data-dsn="https://...@sentry.io/1" defer></script>
 *
 * Every `data-` attribute is a worker option in kebab-case (data-timeout-ms,
 * data-failed-status, ...) plus data-dsn, data-release, data-environment,
 * data-script-url, data-scope and data-register ("false" when the site's own
 * Workbox worker carries the monitor). See the README for each.
 */
import { Scope, type Client } from '@sentry/core';
import { captureMetricPoints, createHealthMetricsSender } from '../healthToMetrics.js';
import { createIsolatedClient } from '../createIsolatedClient.js';
import { deliverToSentry, type Deliver } from '../deliverToSentry.js';
import { findPageSentryClient } from '../findPageSentryClient.js';
import { pageScopeOf, watchScopes } from '../pageScopeOf.js';
import { registerBackendMonitor, type BackendMonitor, type DeliveryResult, type WorkerOptions } from '../registerBackendMonitor.js';
import type { BackendReport, PageScope } from '../../sw/protocol.js';

const LOG = '[gatewayz-sw-monitor]';
/** Spotlight's sidecar accepts real Sentry envelopes at this DSN (`npx @spotlightjs/spotlight`). */
const SPOTLIGHT_DSN = 'http://spotlight@localhost:8969/0';

const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};

function list(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}
function num(v: string | undefined): number | undefined {
  return v === undefined || v === '' ? undefined : Number(v);
}
function bool(v: string | undefined): boolean | undefined {
  return v === undefined ? undefined : v !== 'false' && v !== '0';
}

const known = new Set([
  'origins', 'dsn', 'release', 'environment', 'scriptUrl', 'scope', 'timeoutMs', 'previewChars', 'failedStatus', 'batchMs',
  'batchSize', 'dedupeWindowMs', 'maxEventsPerMinute', 'scrubParams', 'enabled', 'debug', 'register', 'healthIntervalMs',
  'burstPerMinute', 'sustained5xxMs', 'timeouts',
]);
for (const key of Object.keys(data)) {
  if (!known.has(key)) {
    const attr = `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    console.error(`${LOG} unknown attribute ${attr} on the gatewayz-register.js script tag; known: ${[...known].map((k) => `data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}.`);
  }
}

const options: WorkerOptions & { scriptUrl?: string; scope?: string } = {
  origins: list(data.origins),
  timeoutMs: num(data.timeoutMs),
  // "/v1/chat/completions:120000,/v1/images/*:180000", validated with the other options.
  timeouts: data.timeouts,
  previewChars: num(data.previewChars),
  failedStatus: data.failedStatus,
  batchMs: num(data.batchMs),
  batchSize: num(data.batchSize),
  dedupeWindowMs: num(data.dedupeWindowMs),
  maxEventsPerMinute: num(data.maxEventsPerMinute),
  scrubParams: list(data.scrubParams),
  healthIntervalMs: num(data.healthIntervalMs),
  burstPerMinute: num(data.burstPerMinute),
  sustained5xxMs: num(data.sustained5xxMs),
  debug: bool(data.debug),
  enabled: bool(data.enabled),
  scriptUrl: data.scriptUrl,
  scope: data.scope,
};

const isDevHost = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
interface Sink {
  deliver: Deliver;
  /** The scope health metrics are captured with: bound to the chosen client. */
  scope: Scope;
  /** The page's own client, when it is the app's. */
  pageClient?: Client;
  /** Who the worker is told uses this page. */
  pageScope(): PageScope;
}
let sink: Sink | undefined;
let warned = false;

function pageSink(pageClient: Client): Sink {
  const scope = new Scope();
  scope.setClient(pageClient);
  // A user signing in or out: the worker is told at once.
  watchScopes(pageClient, () => monitor?.scopeChanged());
  return { deliver: deliverToSentry(pageClient), scope, pageClient, pageScope: () => pageScopeOf(pageClient) };
}

/**
 * Looked at whenever reports arrive, not once at load: an app that calls
 * Sentry.init after this script (after consent, say), even after the first
 * delivery, gets every later event on its own client. Until then the monitor's
 * own isolated client sends (with data-dsn), or the reports wait in the worker.
 */
function chooseSink(): Sink | undefined {
  if (sink?.pageClient) return sink;
  const pageClient = findPageSentryClient();
  if (pageClient) {
    if (sink) console.info(`${LOG} the page set Sentry up: backend failures now go through its client.`);
    sink = pageSink(pageClient);
    monitor?.scopeChanged();
    return sink;
  }
  if (sink) return sink;
  const dsn = data.dsn || (isDevHost ? SPOTLIGHT_DSN : undefined);
  if (!dsn) return undefined;
  const release = data.release;
  const environment = data.environment ?? (isDevHost ? 'development' : undefined);
  const isolated = createIsolatedClient({ dsn, release, environment });
  sink = { ...isolated, pageScope: () => ({ ...(release ? { release } : {}), ...(environment ? { environment } : {}) }) };
  return sink;
}

async function deliverReports(reports: BackendReport[]): Promise<DeliveryResult> {
  const deliver = chooseSink()?.deliver;
  if (!deliver) {
    if (!warned) {
      warned = true;
      console.warn(`${LOG} ${reports.length} backend failure report(s) have nowhere to go: this page has no Sentry client and the script tag no data-dsn. Add data-dsn="https://<key>@<org>.ingest.sentry.io/<project>". They wait in the worker until then.`);
    }
    return { delivered: [] };
  }
  return deliver(reports);
}

let monitor: BackendMonitor | undefined;
{
  // (data-enabled="false", the kill switch: the disabled worker delivers what waits, through this page too, then unregisters itself.)
  const sendHealth = createHealthMetricsSender((points) => captureMetricPoints(points, chooseSink()?.scope));
  monitor = registerBackendMonitor({
    ...options,
    register: bool(data.register),
    deliver: deliverReports,
    // Who uses this page, for the worker to store with its reports: the app's client's scope once there is one.
    pageScope: () => (findPageSentryClient() ? chooseSink() : sink)?.pageScope(),
    onHealth: (windows) => {
      if (chooseSink()) sendHealth(windows);
    },
  });
  (window as { gatewayzMonitor?: unknown }).gatewayzMonitor = monitor;
}
