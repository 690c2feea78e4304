import {
  pageMessage,
  parseWorkerMessage,
  PROTOCOL_VERSION,
  type BackendReport,
  type HealthReport,
  type PageScope,
  type WorkerInfo,
  type WorkerMessage,
  type WorkerStats,
} from '../sw/protocol.js';
import { VERSION } from '../sw/version.js';
import { markDelivered } from './markDelivered.js';
import { createPageBridge, type Deliver, type DeliveryResult } from './pageBridge.js';
import { workerQuery, type WorkerOptions } from './workerQuery.js';

export { workerQuery, type Deliver, type DeliveryResult, type WorkerOptions };

export interface BackendMonitorOptions extends WorkerOptions {
  /** Where the built worker is served. Default `/gatewayz-sw.js`. */
  scriptUrl?: string;
  /** The worker's scope. Default `/`. */
  scope?: string;
  /**
   * `false` when the site registers the worker itself (an existing Workbox
   * worker with the monitor route added): only listen to it. Default true.
   */
  register?: boolean;
  /**
   * Sends reports on (to Sentry) and resolves with what became of them: the
   * event ids Sentry took (a plain array), or `{ delivered, dropped, refused,
   * retryAt }` (`dropped`: the app dropped them on purpose, and their counts
   * ride on the next report; `refused`: Sentry answered them with a status,
   * not 2xx; `retryAt`: Sentry asked for a pause until then). Only the
   * delivered and dropped are deleted from the worker's outbox; the rest are
   * offered again later.
   */
  deliver: Deliver;
  /** Receives each window of health aggregates (also addable later with `monitor.onHealth`). */
  onHealth?: HealthListener;
  /**
   * Who is using this page (the Sentry user, release and environment). The
   * worker stores it with each report this page's requests cause, so a report
   * delivered later by another tab still says who saw the failure. Asked for
   * when the bridge says hello, at every delivery, and on `monitor.scopeChanged()`.
   */
  pageScope?: () => PageScope | undefined;
}

/**
 * Receives health windows: per origin, endpoint template and gateway, requests, failures by kind and a latency
 * histogram. Return `false` when this page cannot send them now: they wait in the worker for a page that can.
 */
export type HealthListener = (windows: HealthReport[]) => void | boolean | Promise<void | boolean>;

export interface BackendMonitor {
  /** Adds a health listener; returns a function that removes it. */
  onHealth(listener: HealthListener): () => void;
  /** The registration, once the worker is installed; undefined where service workers are unavailable or registration failed. */
  readonly ready: Promise<ServiceWorkerRegistration | undefined>;
  /** The worker's hello: its version and whether its configuration was accepted. */
  readonly info: Promise<WorkerInfo | undefined>;
  /** The worker's counters. */
  stats(): Promise<WorkerStats | undefined>;
  /** Asks the worker to send what it holds now; resolves with its counters afterwards. */
  flush(): Promise<WorkerStats | undefined>;
  /** Tells the worker the page's scope again if it changed (a user signed in or out). */
  scopeChanged(): void;
}

const REPLY_DEADLINE_MS = 5000;
const LOG = '[gatewayz-sw-monitor]';

function ask(worker: ServiceWorker | null | undefined, type: 'hello' | 'stats' | 'flush', timeoutMs = REPLY_DEADLINE_MS, page?: PageScope): Promise<WorkerMessage | undefined> {
  if (!worker) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      resolve(undefined);
    }, timeoutMs);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      channel.port1.close();
      const parsed = parseWorkerMessage(event.data);
      resolve(parsed && 'message' in parsed ? parsed.message : undefined);
    };
    const payload = type === 'hello' ? (page ? { version: VERSION, page } : { version: VERSION }) : {};
    worker.postMessage(pageMessage(type, payload as never), [channel.port2]);
  });
}

/** A new version that has not taken over after this long is waiting on the old one: said in the console. */
const TAKEOVER_WARN_MS = 10_000;

/** Says when a new version of the worker cannot take over promptly (the old one is still busy). */
function watchUpdates(reg: ServiceWorkerRegistration): void {
  reg.addEventListener('updatefound', () => {
    const next = reg.installing;
    if (!next) return;
    const timer = setTimeout(() => {
      if (next.state === 'installed') {
        console.warn(`${LOG} a new worker version waits ${TAKEOVER_WARN_MS / 1000} s already for the old one's work to end; the old one observes meanwhile, nothing is lost.`);
      }
    }, TAKEOVER_WARN_MS);
    next.addEventListener('statechange', () => {
      if (next.state === 'activated' || next.state === 'redundant') clearTimeout(timer);
    });
  });
}

/**
 * Registers the monitoring worker and relays its reports to `deliver`.
 * Never throws: where service workers are unavailable it logs why and does
 * nothing, since the app must work either way.
 */
export function registerBackendMonitor(options: BackendMonitorOptions): BackendMonitor {
  const { scriptUrl = '/gatewayz-sw.js', scope = '/', register = true, deliver, onHealth, pageScope, ...workerOptions } = options;
  const healthListeners = new Set<HealthListener>(onHealth ? [onHealth] : []);
  const debug = (...args: unknown[]) => workerOptions.debug && console.debug(LOG, ...args);
  const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  const scriptPath = new URL(scriptUrl, location.href).pathname;
  const bridge = createPageBridge({
    deliver,
    health: async (windows) =>
      // Done once every listener has had them (a listener's failure is its own), unless one said it could not take them.
      !(await Promise.all([...healthListeners].map((l) => Promise.resolve().then(() => l(windows)).catch((err: unknown) => console.warn(`${LOG} a health listener failed`, err))))).includes(false),
    markDelivered,
    now: Date.now,
    warn: (message, err) => console.warn(`${LOG} ${message}`, err),
    debug: (message) => debug(message),
  });
  let warnedVersion = false;
  /** The page scope the worker was last told, as JSON. */
  let toldScope: string | undefined;
  const currentScope = (): PageScope | undefined => {
    try {
      return pageScope?.();
    } catch (err) {
      debug('pageScope() failed; the worker is not told who uses this page', err);
      return undefined;
    }
  };
  /** Says hello to a worker, with the page's scope. */
  const greet = (worker: ServiceWorker | null | undefined, timeoutMs?: number) => {
    const page = currentScope();
    if (worker && page) toldScope = JSON.stringify(page);
    return ask(worker, 'hello', timeoutMs, page);
  };
  const scopeChanged = () => {
    const worker = sw?.controller;
    const page = currentScope();
    if (!worker || !page) return;
    const json = JSON.stringify(page);
    if (json === toldScope) return;
    toldScope = json;
    debug('telling the worker the page scope changed', page);
    worker.postMessage(pageMessage('scope', page));
  };

  const isOurWorker = (w: unknown): w is ServiceWorker =>
    typeof ServiceWorker !== 'undefined' && w instanceof ServiceWorker && new URL(w.scriptURL).pathname === scriptPath;

  const onMessage = (event: MessageEvent) => {
    if (event.origin !== location.origin || !isOurWorker(event.source)) return;
    const parsed = parseWorkerMessage(event.data);
    if (!parsed) return;
    if ('versionMismatch' in parsed) {
      if (!warnedVersion) {
        warnedVersion = true;
        console.warn(`${LOG} the worker speaks protocol ${parsed.versionMismatch} and this page ${PROTOCOL_VERSION}; its reports are ignored until both are deployed from the same version (reload to pick up the new worker).`);
      }
      return;
    }
    const msg = parsed.message;
    // A worker that does not know this page (it forgot it, or this page came back from the back/forward cache),
    // or one handing over to a new version: hello to this page's controller (the new one), else to the asker.
    if (msg.type === 'greet') return void greet(sw?.controller ?? (event.source as ServiceWorker));
    const port = event.ports[0];
    if (msg.type !== 'reports' || !port) return;
    bridge.batch(msg.payload, {
      received: () => {
        port.postMessage(pageMessage('received', {}));
        // A change the scope listeners missed (a client that has none) is caught here at the latest.
        scopeChanged();
      },
      ack: (payload) => port.postMessage(pageMessage('ack', payload)),
    });
  };

  const { query, errors } = workerQuery(workerOptions);
  let ready: Promise<ServiceWorkerRegistration | undefined>;
  if (!sw) {
    console.warn(`${LOG} service workers are unavailable here (an insecure origin, a private window, or an old browser); backend failures are not monitored.`);
    ready = Promise.resolve(undefined);
  } else if (errors.length > 0) {
    errors.forEach((e) => console.error(e));
    console.error(`${LOG} not registering the worker until the options above are fixed; the app is unaffected.`);
    ready = Promise.resolve(undefined);
  } else {
    sw.addEventListener('message', onMessage);
    // Without this, messages wait until the document has finished parsing.
    sw.startMessages();
    ready = (async () => {
      if (!register) {
        // The site's own worker carries the monitor: wait for it, never replace it.
        const reg = await sw.ready;
        const url = (reg.active ?? reg.waiting ?? reg.installing)?.scriptURL;
        if (url && new URL(url).pathname !== scriptPath) {
          console.warn(`${LOG} the active worker is ${url}, not ${scriptPath}; set scriptUrl (data-script-url) to the worker that runs registerMonitorRoute.`);
        }
        return reg;
      }
      const existing = await sw.getRegistration(scope);
      const existingScript = existing && (existing.active ?? existing.waiting ?? existing.installing)?.scriptURL;
      if (existingScript && new URL(existingScript).pathname !== scriptPath) {
        console.warn(`${LOG} this scope (${existing.scope}) already has a different service worker (${existingScript}); not replacing it. Add the monitor to that worker instead: see "Apps that already have a Workbox worker" in the README.`);
        return undefined;
      }
      const url = `${scriptPath}${query.size > 0 ? `?${query}` : ''}`;
      if (workerOptions.enabled === false) {
        // The kill switch: the disabled worker takes over like any new version, delivers what
        // the outbox still holds (to this page, among others), then unregisters itself.
        if (!existingScript) return undefined;
        const reg = await sw.register(url, { scope });
        debug('disabled: the worker delivers what waits, then unregisters itself');
        return reg;
      }
      const reg = await sw.register(url, { scope });
      await sw.ready;
      watchUpdates(reg);
      return reg;
    })().catch((err: unknown) => {
      console.warn(`${LOG} registering ${scriptUrl} failed; backend failures are not monitored.`, err);
      return undefined;
    });
  }

  /** The worker to talk to: this page's controller, or the active one (a page loaded with Shift-reload is not controlled). */
  const active = async () => sw?.controller ?? (await ready)?.active ?? undefined;
  const hello = async (): Promise<WorkerInfo | undefined> => {
    const reply = await greet(await active());
    if (reply?.type !== 'hello') return undefined;
    const info = reply.payload;
    if (info.version !== VERSION) {
      console.warn(`${LOG} page bridge ${VERSION} and worker ${info.version} differ; deploy both from the same build (a reload usually picks up the new worker).`);
    }
    if (!info.observing && info.configErrors.length > 0) {
      console.error(`${LOG} the worker rejected its configuration and observes nothing:\n${info.configErrors.join('\n')}`);
    }
    return info;
  };
  const info = hello();
  if (typeof window !== 'undefined' && sw) {
    // Back online, or back in view: what waited in the worker (a report from a
    // tab that closed, or from a worker the browser stopped) goes out now.
    window.addEventListener('online', () => void active().then((w) => ask(w, 'flush')));
    // A hello (which flushes too): a worker that forgot this page, or never knew it, learns it again.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void active().then((w) => greet(w));
    });
    // Back from the back/forward cache: the worker may have forgotten this page while it was away.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) void active().then((w) => greet(w));
    });
  }
  sw?.addEventListener('controllerchange', () => void greet(sw.controller));

  const stats = async () => {
    const reply = await ask(await active(), 'stats');
    return reply?.type === 'stats' ? reply.payload : undefined;
  };
  const flush = async () => {
    const reply = await ask(await active(), 'flush', 60_000);
    return reply?.type === 'stats' ? reply.payload : undefined;
  };
  return {
    ready,
    info,
    stats,
    flush,
    scopeChanged,
    onHealth(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
  };
}

/**
 * The kill switch from the page: unregisters the monitoring worker at this
 * scope (only ours, never another worker). The current page stays controlled
 * until it is reloaded. Resolves with whether a worker was removed.
 */
export async function unregisterBackendMonitor(options: { scriptUrl?: string; scope?: string } = {}): Promise<boolean> {
  const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  if (!sw) return false;
  const scriptPath = new URL(options.scriptUrl ?? '/gatewayz-sw.js', location.href).pathname;
  const reg = await sw.getRegistration(options.scope ?? '/');
  const worker = reg && (reg.active ?? reg.waiting ?? reg.installing);
  if (!reg || !worker || new URL(worker.scriptURL).pathname !== scriptPath) return false;
  const removed = await reg.unregister();
  if (removed) console.info(`${LOG} disabled: the monitoring worker is unregistered; the next load is uncontrolled.`);
  return removed;
}
