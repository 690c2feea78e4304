/**
 * The e2e harness app: an ordinary Sentry setup with the integration, plus
 * helpers the tests call to make requests the ways an app does (fetch, XHR,
 * EventSource, a dedicated worker). Query: `api` (the gateway origin), `dsn`,
 * `monitor` (JSON of extra options), `nomonitor` (Sentry without the monitor),
 * `isolated` (no Sentry.init: the monitor's own client), `tracing` (the app's
 * Sentry tracing, with the API among its propagation targets), `offline` (the app's
 * Sentry client with Sentry's offline transport), `sampleRate` (the app's).
 */
import * as Sentry from '@sentry/browser';
import { backendMonitorIntegration, createIsolatedClient, registerBackendMonitor } from '../../src/index.js';

const params = new URLSearchParams(location.search);
const api = params.get('api') ?? '';
const monitorOptions = JSON.parse(params.get('monitor') ?? '{}') as Record<string, unknown>;
const integration = backendMonitorIntegration({ origins: [api], ...monitorOptions });

if (params.has('isolated')) {
  // No Sentry.init: the monitor sends through a client of its own.
  const { deliver } = createIsolatedClient({ dsn: params.get('dsn')!, release: 'harness@1.0.0', environment: 'e2e' });
  integration.monitor = registerBackendMonitor({ origins: [api], ...monitorOptions, deliver });
} else {
  Sentry.init({
    dsn: params.get('dsn') ?? undefined,
    integrations: [...(params.has('tracing') ? [Sentry.browserTracingIntegration()] : []), ...(params.has('nomonitor') ? [] : [integration])],
    // With `tracing`: the app's own tracing puts sentry-trace and baggage on its API calls.
    ...(params.has('tracing') ? { tracesSampleRate: 1, tracePropagationTargets: [api] } : {}),
    ...(params.has('offline') ? { transport: Sentry.makeBrowserOfflineTransport(Sentry.makeFetchTransport) } : {}),
    ...(params.has('sampleRate') ? { sampleRate: Number(params.get('sampleRate')) } : {}),
    release: 'harness@1.0.0',
    environment: 'e2e',
  });
  Sentry.setUser({ id: 'user-42' });
  Sentry.setTag('app', 'harness');
}

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const harness = {
  api,
  async ready(): Promise<boolean> {
    const reg = await integration.monitor?.ready;
    if (!reg) return false;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
    // Settled: the worker has finished greeting this page (a hello offers what
    // waits), so a failure a test makes next waits for batchMs, or for the fault
    // the test injects, and not for a flush that happened to be under way.
    await integration.monitor?.info;
    for (let i = 0; i < 250 && (await integration.monitor?.stats())?.flushing; i++) await new Promise((r) => setTimeout(r, 20));
    return true;
  },
  stats: () => integration.monitor?.stats(),
  flush: () => integration.monitor?.flush(),
  info: () => integration.monitor?.info,
  async call(path: string, init?: RequestInit): Promise<{ status: number; body: string } | { error: string }> {
    try {
      const res = await fetch(api + path, init);
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { error: `${(err as Error).name}: ${(err as Error).message}` };
    }
  },
  /**
   * Calls the API as app code often does, letting a rejection go unhandled, so
   * that the app's Sentry captures it (its global handlers): `Promise.all` of
   * the paths, `timeoutMs` cutting each with `AbortSignal.timeout`. Resolves
   * once the calls are on their way.
   */
  unhandled(paths: string[], timeoutMs?: number): void {
    void Promise.all(paths.map((p) => fetch(api + p, timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : undefined).then((r) => r.text())));
  },
  async hash(url: string): Promise<{ status: number; sha256: string; bytes: number; type: string } | { error: string }> {
    try {
      const res = await fetch(url);
      const buf = await res.arrayBuffer();
      return { status: res.status, sha256: hex(await crypto.subtle.digest('SHA-256', buf)), bytes: buf.byteLength, type: res.headers.get('content-type') ?? '' };
    } catch (err) {
      return { error: `${(err as Error).name}` };
    }
  },
  /** Reads at most maxBytes of the body (then cancels) and hashes what was read; errors by name. */
  async readHash(url: string, maxBytes: number): Promise<{ status: number; type: string; bytes: number; sha256: string; bodyError?: string } | { error: string }> {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      return { error: (err as Error).name };
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    let bodyError: string | undefined;
    const reader = res.body?.getReader();
    try {
      while (reader && total < maxBytes) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        total += value.byteLength;
      }
      await reader?.cancel();
    } catch (err) {
      bodyError = (err as Error).name;
    }
    const all = new Uint8Array(Math.min(total, maxBytes));
    let off = 0;
    for (const c of chunks) {
      const take = Math.min(c.byteLength, all.byteLength - off);
      all.set(c.subarray(0, take), off);
      off += take;
      if (off >= all.byteLength) break;
    }
    const out = { status: res.status, type: res.headers.get('content-type') ?? '', bytes: all.byteLength, sha256: hex(await crypto.subtle.digest('SHA-256', all)) };
    return bodyError ? { ...out, bodyError } : out;
  },
  /** Reads a streamed body to its end or its error, counting SSE events. */
  async readStream(path: string): Promise<{ status: number; type: string; events: number; bytes: number; error?: string } | { error: string }> {
    let res: Response;
    try {
      res = await fetch(api + path);
    } catch (err) {
      return { error: (err as Error).name };
    }
    const reader = res.body!.getReader();
    let text = '';
    let bytes = 0;
    let error: string | undefined;
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        text += decoder.decode(value, { stream: true });
      }
    } catch (err) {
      error = (err as Error).name;
    }
    const out = { status: res.status, type: res.headers.get('content-type') ?? '', events: text.split('\n\n').length - 1, bytes };
    return error ? { ...out, error } : out;
  },
  health: [] as unknown[],
  xhr(path: string, method = 'GET'): Promise<number> {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open(method, api + path);
      x.onloadend = () => resolve(x.status);
      x.send();
    });
  },
  eventSource(path: string): Promise<'open' | 'error'> {
    return new Promise((resolve) => {
      const es = new EventSource(api + path);
      es.onopen = () => {
        es.close();
        resolve('open');
      };
      es.onerror = () => {
        es.close();
        resolve('error');
      };
    });
  },
  fromDedicatedWorker(path: string): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      const w = new Worker('/dedicated-worker.js');
      w.onmessage = (e) => {
        w.terminate();
        resolve(e.data);
      };
      w.postMessage({ url: api + path });
    });
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
// Every health window the worker sends, for the tests to read.
void Promise.resolve().then(() => integration.monitor?.onHealth((windows) => void harness.health.push(...windows)));
