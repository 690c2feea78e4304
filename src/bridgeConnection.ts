/**
 * The bridge's connection to the worker: hello (with the page's scope), the
 * worker's messages (report batches to the page bridge, greetings), stats
 * and flush. What to do with a batch is the page bridge's (pageBridge.ts);
 * registration is workerRegistration.ts's.
 */
import { pageMessage, parseWorkerMessage, PROTOCOL_VERSION, type FailureNotice, type PageScope, type WorkerInfo, type WorkerMessage, type WorkerStats } from '../sw/protocol.js';
import { VERSION } from '../sw/version.js';
import type { PageBridge } from './pageBridge.js';
import { LOG } from './workerRegistration.js';

const REPLY_DEADLINE_MS = 5000;

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

export interface BridgeConnection {
  /** The worker's hello: its version, its options and whether it accepted them. */
  hello(): Promise<WorkerInfo | undefined>;
  stats(): Promise<WorkerStats | undefined>;
  flush(): Promise<WorkerStats | undefined>;
  /** Tells the worker the page's scope again if it changed. */
  scopeChanged(): void;
}

export interface ConnectBridge {
  sw: ServiceWorkerContainer;
  scriptPath: string;
  /** Settles once registration has (or has not) produced a registration. */
  ready: Promise<ServiceWorkerRegistration | undefined>;
  bridge: PageBridge;
  pageScope?: () => PageScope | undefined;
  debug: (...args: unknown[]) => void;
}

/** Listens to the monitoring worker for this page and says hello to it; see BridgeConnection. */
export function connectBridge({ sw, scriptPath, ready, bridge, pageScope, debug }: ConnectBridge): BridgeConnection {
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
    const worker = sw.controller;
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

  sw.addEventListener('message', (event: MessageEvent) => {
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
    if (msg.type === 'greet') return void greet(sw.controller ?? (event.source as ServiceWorker));
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
  });
  // Without this, messages wait until the document has finished parsing.
  sw.startMessages();

  /** The worker to talk to: this page's controller, or the active one (a page loaded with Shift-reload is not controlled). */
  const active = async () => sw.controller ?? (await ready)?.active ?? undefined;
  if (typeof window !== 'undefined') {
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
  sw.addEventListener('controllerchange', () => void greet(sw.controller));

  return {
    async hello() {
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
    },
    async stats() {
      const reply = await ask(await active(), 'stats');
      return reply?.type === 'stats' ? reply.payload : undefined;
    },
    async flush() {
      const reply = await ask(await active(), 'flush', 60_000);
      return reply?.type === 'stats' ? reply.payload : undefined;
    },
    scopeChanged,
  };
}

/**
 * The worker's `failed` messages to this page: which of its requests failed,
 * told before the rejection reaches it (src/networkErrors.ts). Only from the
 * worker that controls this page, the one that handles its requests.
 */
export function onFailedRequest(sw: ServiceWorkerContainer, listener: (notice: FailureNotice) => void): void {
  sw.addEventListener('message', (event: MessageEvent) => {
    if (event.origin !== location.origin || !event.source || event.source !== sw.controller) return;
    const parsed = parseWorkerMessage(event.data);
    if (parsed && 'message' in parsed && parsed.message.type === 'failed') listener(parsed.message.payload);
  });
}

/** Tells the worker the app's own event of a failed request (`appEvent`): it names it on that request's report while it holds it. */
export function tellAppEvent(sw: ServiceWorkerContainer, eventId: string, appEventId: string): void {
  sw.controller?.postMessage(pageMessage('appEvent', { eventId, appEventId }));
}
