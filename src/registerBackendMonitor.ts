/**
 * registerBackendMonitor: registration (workerRegistration.ts) and the bridge
 * (bridgeConnection.ts, pageBridge.ts), composed; options read by the option
 * table, with the same messages as every other entry point.
 */
import { readOptions, toQuery, type EntryPoint, type OptionsAt } from '../sw/options.js';
import type { HealthReport, PageScope, WorkerInfo, WorkerStats } from '../sw/protocol.js';
import { connectBridge } from './bridgeConnection.js';
import { markDelivered } from './markDelivered.js';
import { createPageBridge, type BridgeOptions, type Deliver, type DeliveryResult, type PageBridge } from './pageBridge.js';
import { LOG, registerWorker, unregisterBackendMonitor } from './workerRegistration.js';
import { workerQuery, type WorkerOptions } from './workerQuery.js';

export { unregisterBackendMonitor, workerQuery, type Deliver, type DeliveryResult, type WorkerOptions };

/**
 * registerBackendMonitor's options: the rows of the README's option table
 * that it takes (sw/options.ts), and the three functions that connect it.
 */
export interface BackendMonitorOptions extends OptionsAt<'register'> {
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

/** What connects a monitor to where its reports and health go (registerBackendMonitor's three functions). */
export type MonitorWiring = Pick<BackendMonitorOptions, 'deliver' | 'onHealth' | 'pageScope'>;

/**
 * Registers the monitoring worker and relays its reports to `deliver`.
 * Never throws: where service workers are unavailable it logs why and does
 * nothing, since the app must work either way.
 */
export function registerBackendMonitor(options: BackendMonitorOptions): BackendMonitor {
  const { deliver, onHealth, pageScope, ...given } = options;
  return startBackendMonitor(given, 'register', { deliver, onHealth, pageScope });
}

/** A monitor that does nothing: no worker (service workers unavailable, or the options were refused). */
export function idleMonitor(): BackendMonitor {
  const none = Promise.resolve(undefined);
  return { ready: none, info: none, stats: () => none, flush: () => none, scopeChanged() {}, onHealth: () => () => false };
}

/**
 * The monitor for options given at one entry point (the integration and the
 * script tag start it too): read them with that entry point's rules, register
 * the worker, connect the bridge.
 */
export function startBackendMonitor(given: Record<string, unknown>, at: EntryPoint, wiring: MonitorWiring): BackendMonitor {
  const { values, errors } = readOptions(given, at);
  // (Where service workers are unavailable, startMonitor says that instead.)
  if (errors.length > 0 && typeof navigator !== 'undefined' && navigator.serviceWorker) {
    errors.forEach((e) => console.error(e));
    console.error(`${LOG} not registering the worker until the options above are fixed; the app is unaffected.`);
    return idleMonitor();
  }
  return startMonitor(values, wiring, (o) => createPageBridge({ ...o, markDelivered }));
}

/**
 * The monitor for options already read, every one valid (readOptions'
 * `values`): register the worker, connect the bridge that `bridgeFor` makes
 * (src/pageBridge.ts's, with src/markDelivered.ts; the script tag's comes with
 * its lazily loaded files, src/register/main.ts).
 */
export function startMonitor(values: Record<string, unknown>, wiring: MonitorWiring, bridgeFor: (o: Omit<BridgeOptions, 'markDelivered'>) => PageBridge): BackendMonitor {
  const { scriptUrl = '/gatewayz-sw.js', scope = '/', register = true, ...workerOptions } = values as OptionsAt<'register'>;
  const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  if (!sw) {
    console.warn(`${LOG} service workers are unavailable here (an insecure origin, a private window, or an old browser); backend failures are not monitored.`);
    return idleMonitor();
  }
  const healthListeners = new Set<HealthListener>(wiring.onHealth ? [wiring.onHealth] : []);
  const debug = (...args: unknown[]) => workerOptions.debug && console.debug(LOG, ...args);
  const scriptPath = new URL(scriptUrl, location.href).pathname;
  const bridge = bridgeFor({
    deliver: wiring.deliver,
    health: async (windows) =>
      // Done once every listener has had them (a listener's failure is its own), unless one said it could not take them.
      !(await Promise.all([...healthListeners].map((l) => Promise.resolve().then(() => l(windows)).catch((err: unknown) => console.warn(`${LOG} a health listener failed`, err))))).includes(false),
    now: Date.now,
    warn: (message, err) => console.warn(`${LOG} ${message}`, err),
    debug: (message) => debug(message),
  });
  let settle!: (reg: ServiceWorkerRegistration | undefined) => void;
  const ready = new Promise<ServiceWorkerRegistration | undefined>((r) => (settle = r));
  // Listening starts before registration, so that nothing the new worker says is missed.
  const connection = connectBridge({ sw, scriptPath, ready, bridge, pageScope: wiring.pageScope, debug });
  // The options read above with the entry point's rules: written as they are, not read a second time.
  void registerWorker({ sw, scriptUrl, scriptPath, scope, register, query: toQuery(workerOptions), enabled: workerOptions.enabled !== false, debug }).then(settle);
  return {
    ready,
    info: connection.hello(),
    stats: connection.stats,
    flush: connection.flush,
    scopeChanged: connection.scopeChanged,
    onHealth(listener) {
      healthListeners.add(listener);
      return () => healthListeners.delete(listener);
    },
  };
}
