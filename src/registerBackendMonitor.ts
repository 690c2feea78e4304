import { CONFIG_KEYS, configToQuery, parseConfig, type MonitorConfig } from '../sw/config.js';
import {
  pageMessage,
  parseWorkerMessage,
  PROTOCOL_VERSION,
  type BackendReport,
  type WorkerInfo,
  type WorkerMessage,
  type WorkerStats,
} from '../sw/protocol.js';
import { VERSION } from '../sw/version.js';

/** Options for the worker, as a page gives them. Each is documented in the README. */
export interface WorkerOptions {
  /** Origins to observe. Default `['https://api.gatewayz.ai']`. */
  origins?: string[];
  /** Report a request with no response headers after this long (ms). Default 30000. */
  timeoutMs?: number;
  /** Characters of an error body to keep. Default 500. */
  previewChars?: number;
  /** Statuses that are failures, like `"400-599"` (the default) or `"429,500-599"`. */
  failedStatus?: string;
  /** Longest wait before a batch leaves the worker (ms). Default 1000. */
  batchMs?: number;
  /** A batch leaves at once when it holds this many. Default 20. */
  batchSize?: number;
  /** Fold the same failure within this window (ms). Default 60000. */
  dedupeWindowMs?: number;
  /** Reports leaving per minute, at most. Default 10. */
  maxEventsPerMinute?: number;
  /** Extra query parameter names to scrub. */
  scrubParams?: string[];
  /** `false`: the worker passes everything through and unregisters itself. Default true. */
  enabled?: boolean;
  /** Log what the worker and bridge do. Default false. */
  debug?: boolean;
}

export interface BackendMonitorOptions extends WorkerOptions {
  /** Where the built worker is served. Default `/gatewayz-sw.js`. */
  scriptUrl?: string;
  /** The worker's scope. Default `/`. */
  scope?: string;
  /**
   * Sends reports on (to Sentry) and resolves with the event ids it is done
   * with: only those are deleted from the worker's outbox; the rest are offered
   * again later.
   */
  deliver: (reports: BackendReport[]) => Promise<string[]>;
}

export interface BackendMonitor {
  /** The registration, once the worker is installed; undefined where service workers are unavailable or registration failed. */
  readonly ready: Promise<ServiceWorkerRegistration | undefined>;
  /** The worker's hello: its version and whether its configuration was accepted. */
  readonly info: Promise<WorkerInfo | undefined>;
  /** The worker's counters. */
  stats(): Promise<WorkerStats | undefined>;
  /** Asks the worker to send what it holds now; resolves with its counters afterwards. */
  flush(): Promise<WorkerStats | undefined>;
}

const REPLY_DEADLINE_MS = 5000;
const LOG = '[gatewayz-sw-monitor]';

/** Turns page options into the worker URL's query, validating them the way the worker will. */
export function workerQuery(options: WorkerOptions): { query: URLSearchParams; errors: string[] } {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || !(CONFIG_KEYS as string[]).includes(key)) continue;
    raw[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  const { config, errors } = parseConfig(raw);
  return { query: configToQuery(config as MonitorConfig), errors };
}

function ask(worker: ServiceWorker | null | undefined, type: 'hello' | 'stats' | 'flush', timeoutMs = REPLY_DEADLINE_MS): Promise<WorkerMessage | undefined> {
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
    const payload = type === 'hello' ? { version: VERSION } : {};
    worker.postMessage(pageMessage(type, payload as never), [channel.port2]);
  });
}

/**
 * Registers the monitoring worker and relays its reports to `deliver`.
 * Never throws: where service workers are unavailable it logs why and does
 * nothing, since the app must work either way.
 */
export function registerBackendMonitor(options: BackendMonitorOptions): BackendMonitor {
  const { scriptUrl = '/gatewayz-sw.js', scope = '/', deliver, ...workerOptions } = options;
  const debug = (...args: unknown[]) => workerOptions.debug && console.debug(LOG, ...args);
  const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  const scriptPath = new URL(scriptUrl, location.href).pathname;
  /** Event ids this page already handed to `deliver` and was told are done: a resend is acknowledged at once. */
  const done = new Set<string>();
  let warnedVersion = false;

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
    const port = event.ports[0];
    if (msg.type !== 'reports' || !port) return;
    const fresh = msg.payload.reports.filter((r) => !done.has(r.eventId));
    const already = msg.payload.reports.filter((r) => done.has(r.eventId)).map((r) => r.eventId);
    debug(`received ${msg.payload.reports.length} report(s)`);
    Promise.resolve(fresh.length > 0 ? deliver(fresh) : [])
      .catch((err: unknown) => {
        console.warn(`${LOG} delivering reports failed; the worker keeps them and offers them again`, err);
        return [] as string[];
      })
      .then((ids) => {
        ids.forEach((id) => done.add(id));
        port.postMessage(pageMessage('ack', { eventIds: [...already, ...ids] }));
      });
  };

  const { query, errors } = workerQuery(workerOptions);
  let ready: Promise<ServiceWorkerRegistration | undefined>;
  if (workerOptions.enabled === false) {
    // The kill switch: no registration, and the one an earlier load made goes away.
    ready = unregisterBackendMonitor({ scriptUrl, scope }).then(() => undefined);
  } else if (!sw) {
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
      const existing = await sw.getRegistration(scope);
      const existingScript = existing && (existing.active ?? existing.waiting ?? existing.installing)?.scriptURL;
      if (existingScript && new URL(existingScript).pathname !== scriptPath) {
        console.warn(`${LOG} this scope (${existing.scope}) already has a different service worker (${existingScript}); not replacing it. Add the monitor to that worker instead: see "Apps that already have a Workbox worker" in the README.`);
        return undefined;
      }
      const url = `${scriptPath}${query.size > 0 ? `?${query}` : ''}`;
      const reg = await sw.register(url, { scope });
      await sw.ready;
      return reg;
    })().catch((err: unknown) => {
      console.warn(`${LOG} registering ${scriptUrl} failed; backend failures are not monitored.`, err);
      return undefined;
    });
  }

  const active = async () => (await ready)?.active ?? undefined;
  const hello = async (): Promise<WorkerInfo | undefined> => {
    const reply = await ask(await active(), 'hello');
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
    window.addEventListener('online', () => void ask(sw.controller, 'flush'));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void ask(sw.controller, 'flush');
    });
  }
  sw?.addEventListener('controllerchange', () => void ask(sw.controller, 'hello'));

  const stats = async () => {
    const reply = await ask(await active(), 'stats');
    return reply?.type === 'stats' ? reply.payload : undefined;
  };
  const flush = async () => {
    const reply = await ask(await active(), 'flush', 60_000);
    return reply?.type === 'stats' ? reply.payload : undefined;
  };
  return { ready, info, stats, flush };
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
