/**
 * `gatewayz-register.js`: the drop-in for any site. One script tag:
 *
 *   <script src="/gatewayz-register.js" data-origins="https://api.gatewayz.ai" data-dsn="https://...@sentry.io/1" defer></script>
 *
 * Every `data-` attribute is a worker option in kebab-case (data-timeout-ms,
 * data-failed-status, ...) plus data-dsn, data-release, data-environment,
 * data-script-url, data-scope and data-register ("false" when the site's own
 * Workbox worker carries the monitor). See the README for each.
 *
 * This file only registers the worker and connects to it (its budget, and
 * why, in scripts/figures/budgets.ts). What talks to Sentry, with the page
 * bridge that hands it the worker's reports, is loaded from the same folder as
 * this script when the first report must go out, never before (health windows
 * alone never load it): `gatewayz-sentry.js` (the monitor's own client) on a
 * page without Sentry, `gatewayz-deliver.js` on a page whose app has its own
 * client. They are classic scripts that hand over an object on a global
 * (src/register/lazy.ts).
 *
 * The attributes are read by the option table's reader built terse (a mistake
 * named with its value, not explained), all but `data-rules`. Only when one is
 * invalid, or to read `data-rules`, is `gatewayz-options.js` loaded from the
 * same folder: the same reader with every explanation, to say the same
 * sentence as every other entry point, and the rules reader. A valid tag
 * without data-rules never loads it.
 */
import type { Client } from '@sentry/core';
import { attributeOf, entryPointsOf, OPTIONS, readAttributes } from '../../sw/options.js';
import { findPageSentryClient } from '../findPageSentryClient.js';
import { idleMonitor, startMonitor, type BackendMonitor, type DeliveryResult } from '../registerBackendMonitor.js';
import type { BridgeOptions, PageBridge } from '../pageBridge.js';
import type { BackendReport, HealthReport, PageScope } from '../../sw/protocol.js';
import { DELIVER_FILE, LAZY_GLOBAL, OPTIONS_FILE, OPTIONS_GLOBAL, SENTRY_FILE, type ExplainOptions, type LazyApi, type LazySink } from './lazy.js';
import { VERSION } from '../../sw/version.js';
import { LOG } from '../workerRegistration.js';

/** Spotlight's sidecar accepts real Sentry envelopes at this DSN (`npx @spotlightjs/spotlight`). */
const SPOTLIGHT_DSN = 'http://spotlight@localhost:8969/0';

const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};

// Every `data-` attribute is an option of the option table (sw/options.ts) in kebab-case, read by the same
// parser with the same messages as at every other entry point. An attribute that is no option is said and
// left alone (other tools add their own, like Cloudflare's data-cfasync); a bad value stops registration.
const given: Record<string, string> = {};
for (const [key, value] of Object.entries(data)) {
  if (key in OPTIONS) given[key] = value ?? '';
  else console.error(`${LOG} unknown attribute ${attributeOf(key)} on the gatewayz-register.js script tag; it is ignored. The attributes are ${Object.entries(OPTIONS).filter(([, spec]) => entryPointsOf(spec).includes('tag')).map(([k]) => attributeOf(k)).join(', ')}.`);
}

const isDevHost = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
interface Sink extends LazySink {
  /** The page's own client, when it is the app's. */
  pageClient?: Client;
}
let sink: Sink | undefined;
const dsn = data.dsn || (isDevHost ? SPOTLIGHT_DSN : undefined);
/** The most capable lazy file loaded so far (gatewayz-sentry.js can do all gatewayz-deliver.js can). */
let api: LazyApi | undefined;
const loading: Record<string, Promise<LazyApi | undefined> | undefined> = {};
let warnedNowhere = false;
let warnedLoad = false;

/** Where a lazy file that loaded once is kept for when its folder cannot be reached: the origin's Cache Storage, per version. */
const CACHE = `gatewayz-sw-monitor-${VERSION}`;

/** A file in this script's own folder. */
const beside = (file: string) => new URL(file, script?.src || location.origin).href;

/** Runs a lazy file: from its URL, or else from the text kept in the cache (inline, with the page's nonce). */
function run(url: string, text?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const el = document.createElement('script');
    el.nonce = script?.nonce ?? '';
    if (text === undefined) {
      el.src = url;
      el.onload = el.onerror = (e) => resolve((e as Event).type === 'load');
    } else el.text = text;
    document.head.append(el);
    el.remove();
    if (text !== undefined) resolve(true);
  });
}

/**
 * Loads one of the lazy files as a classic script from this script's own
 * folder, with its nonce (a page's CSP). A file that loaded is kept in the
 * cache, so that a later page whose server cannot be reached (the API and the
 * site down together, say) still delivers its failures to Sentry. Resolves
 * undefined, with one warning per page, when it can be had neither way: the
 * reports wait in the worker and the next offer tries again.
 */
function load(file: string): Promise<LazyApi | undefined> {
  const url = beside(file);
  const lazy = () => (globalThis as Record<string, unknown>)[LAZY_GLOBAL] as LazyApi | undefined;
  return (loading[file] ??= run(url)
    .then(async (loaded) => {
      const cache = self.caches && (await caches.open(CACHE).catch(() => undefined));
      if (loaded) {
        // Kept once per version; older versions' copies go.
        if (cache && !(await cache.match(url))) {
          void cache.add(url).then(async () => {
            for (const name of await caches.keys()) if (name.startsWith('gatewayz-sw-monitor-') && name !== CACHE) void caches.delete(name);
          }, () => {});
        }
        return lazy();
      }
      const kept = await (await cache?.match(url))?.text();
      return kept !== undefined && (await run(url, kept)) ? lazy() : undefined;
    })
    .catch(() => undefined)
    .then((got) => {
      if (got) api = api?.isolatedSink ? api : got;
      else {
        loading[file] = undefined;
        if (!warnedLoad) console.warn(`${LOG} could not load ${url}: backend failure reports wait in the worker and are offered again.`);
        warnedLoad = true;
      }
      return got;
    }));
}

/**
 * Looked at whenever reports arrive, not once at load: an app that calls
 * Sentry.init after this script (after consent, say), even after the first
 * delivery, gets every later event on its own client. Until then the monitor's
 * own isolated client sends (with data-dsn), or the reports wait in the worker.
 * Undefined when there is nowhere to send or the lazy file could not be loaded.
 */
async function chooseSink(): Promise<Sink | undefined> {
  if (sink?.pageClient) return sink;
  const pageClient = findPageSentryClient();
  if (pageClient) {
    const lazy = api ?? (await load(DELIVER_FILE));
    if (!lazy) return undefined;
    if (sink?.pageClient) return sink;
    if (sink) console.info(`${LOG} the page set Sentry up: backend failures now go through its client.`);
    sink = { ...lazy.pageSink(pageClient, () => monitor?.scopeChanged()), pageClient };
    monitor?.scopeChanged();
    return sink;
  }
  if (sink) return sink;
  if (!dsn) {
    if (!warnedNowhere) console.warn(`${LOG} backend failure reports have nowhere to go: this page has no Sentry client and the script tag no data-dsn. Add data-dsn="https://<key>@<org>.ingest.sentry.io/<project>". They wait in the worker until then.`);
    warnedNowhere = true;
    return undefined;
  }
  const lazy = api?.isolatedSink ? api : await load(SENTRY_FILE);
  if (!lazy?.isolatedSink) return undefined;
  if (sink) return sink;
  sink = lazy.isolatedSink({ dsn, release: data.release, environment: data.environment ?? (isDevHost ? 'development' : undefined) });
  return sink;
}

async function deliverReports(reports: BackendReport[]): Promise<DeliveryResult> {
  const chosen = await chooseSink();
  return chosen ? chosen.deliver(reports) : { delivered: [] };
}

/**
 * Health windows never load Sentry code by themselves: a page with no
 * failures fetches nothing. Until a report has loaded a sink, the page
 * answers that it did not take them, and they wait in the worker (one window,
 * to which later counts are added) until a page can send them.
 */
let sendHealth: ((windows: HealthReport[]) => void) | undefined;
function onHealth(windows: HealthReport[]): boolean {
  if (!sink || !api) return false;
  sendHealth ??= api.healthSender(() => sink?.scope);
  sendHealth(windows);
  return true;
}

/** The option table's reader with every explanation and the rules reader, from gatewayz-options.js (this script's folder); undefined when it cannot be loaded. */
const fullReader = () =>
  run(beside(OPTIONS_FILE)).then((loaded) => (loaded ? ((globalThis as Record<string, unknown>)[OPTIONS_GLOBAL] as ExplainOptions | undefined) : undefined));

/** Says the mistakes, then that nothing is registered. */
function refuse(errors: string[]): BackendMonitor {
  for (const e of errors) console.error(e);
  console.error(`${LOG} not registering the worker until the options above are fixed; the app is unaffected.`);
  return idleMonitor();
}

/** The monitor that `later` resolves with, until then in its place (window.gatewayzMonitor is there at once). */
function deferred(later: Promise<BackendMonitor>): BackendMonitor {
  return {
    ready: later.then((m) => m.ready),
    info: later.then((m) => m.info),
    stats: () => later.then((m) => m.stats()),
    flush: () => later.then((m) => m.flush()),
    scopeChanged: () => void later.then((m) => m.scopeChanged()),
    onHealth(listener) {
      const off = later.then((m) => m.onHealth(listener));
      return () => void off.then((f) => f());
    },
  };
}

/**
 * The page bridge (src/pageBridge.ts) comes with the lazy files, which do the
 * delivering: a batch goes to it once one of them is loaded, the first report
 * loading one (chooseSink, as the bridge's `deliver` would). Until then
 * nothing can be delivered, nor health taken (onHealth, above, says so), and
 * this answers a batch as the bridge then does: received at once, the health
 * listeners called, nothing done.
 */
function bridgeFor(o: Omit<BridgeOptions, 'markDelivered'>): PageBridge {
  let bridge: PageBridge | undefined;
  return {
    batch(payload, reply) {
      if (payload.respondBy !== undefined && o.now() > payload.respondBy) return false;
      reply.received();
      const { reports, health = [] } = payload;
      void (reports.length > 0 && !api ? chooseSink() : Promise.resolve()).then(async () => {
        // (Its deadline was met above: the bridge gets the batch without it.)
        if (api) return void (bridge ??= api.bridge(o)).batch({ reports, health }, { received() {}, ack: reply.ack });
        o.debug?.(`received ${reports.length} report(s) and ${health.length} health window(s)`);
        if (health.length > 0) await o.health(health);
        reply.ack({ eventIds: [] });
      });
      return true;
    },
  };
}

// (data-enabled="false", the kill switch: the disabled worker delivers what waits, through this page too, then unregisters itself.)
const start = (values: Record<string, unknown>) =>
  startMonitor(
    values,
    {
      deliver: deliverReports,
      // Who uses this page, for the worker to store with its reports: the app's client's scope once there is one.
      // (Before the lazy file is loaded, a page with its own client tells none; the first report loads it and tells it then.)
      pageScope: () => {
        const pageClient = findPageSentryClient();
        return !pageClient || sink?.pageClient === pageClient ? sink?.pageScope() : undefined;
      },
      onHealth,
    },
    bridgeFor,
  );

/**
 * The attributes are read terse, here; `data-rules` is not: gatewayz-options.js reads it (this script leaves the
 * rules reader out), and then every attribute with it, before anything is registered. An invalid attribute is
 * said in full by gatewayz-options.js too or, when that file cannot be loaded, in this script's terse words with
 * where to read what each option takes; rules it cannot check are refused. Either way nothing is registered.
 */
const { rules, ...attributes } = given;
const { values, errors } = readAttributes(attributes, 'tag');
const rulesUnread = rules === undefined ? [] : [`gatewayz-sw-monitor: option "rules" is read by ${beside(OPTIONS_FILE)}, which could not be loaded.`];
let monitor: BackendMonitor;
if (errors.length > 0) {
  monitor = idleMonitor();
  void fullReader().then((read) => refuse(read ? read(given, 'tag').errors : [...errors.map((e) => `${e} See the option table in the README (Configuration) for what it takes.`), ...rulesUnread]));
} else if (rulesUnread.length > 0) {
  monitor = deferred(
    fullReader().then((read) => {
      const full = read?.(given, 'tag');
      return !full ? refuse(rulesUnread) : full.errors.length > 0 ? refuse(full.errors) : start(full.values);
    }),
  );
} else monitor = start(values);
(window as { gatewayzMonitor?: unknown }).gatewayzMonitor = monitor;
