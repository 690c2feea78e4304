/**
 * Registration: putting the monitoring worker in place (or finding the site's
 * own), watching its updates, and taking it away. No messages and no Sentry:
 * the bridge (bridgeConnection.ts, pageBridge.ts) is separate.
 */
/** What the page's console messages begin with (registration, the bridge, the script tag). */
export const LOG = '[gatewayz-sw-monitor]';

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

export interface RegisterWorker {
  sw: ServiceWorkerContainer;
  /** The worker script's path, as given (`/gatewayz-sw.js`). */
  scriptUrl: string;
  scriptPath: string;
  scope: string;
  /** `false`: the site's own worker carries the monitor; wait for it, never replace it. */
  register: boolean;
  /** The worker's options, as its URL's query. */
  query: URLSearchParams;
  /** `false`: the kill switch. */
  enabled: boolean;
  debug: (...args: unknown[]) => void;
}

/**
 * Registers the worker (or, with `register: false`, waits for the site's
 * own). Resolves with the registration, or undefined when there is none to
 * talk to (another worker holds the scope, the kill switch found nothing to
 * replace, registration failed); never rejects.
 */
export async function registerWorker(o: RegisterWorker): Promise<ServiceWorkerRegistration | undefined> {
  const { sw, scriptPath, scope } = o;
  try {
    if (!o.register) {
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
    const url = `${scriptPath}${o.query.size > 0 ? `?${o.query}` : ''}`;
    if (!o.enabled) {
      // The kill switch: the disabled worker takes over like any new version, delivers what
      // the outbox still holds (to this page, among others), then unregisters itself.
      if (!existingScript) return undefined;
      const reg = await sw.register(url, { scope });
      o.debug('disabled: the worker delivers what waits, then unregisters itself');
      return reg;
    }
    const reg = await sw.register(url, { scope });
    await sw.ready;
    watchUpdates(reg);
    return reg;
  } catch (err) {
    console.warn(`${LOG} registering ${o.scriptUrl} failed; backend failures are not monitored.`, err);
    return undefined;
  }
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
