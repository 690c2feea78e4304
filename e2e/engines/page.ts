/**
 * Page functions the scenarios run through `driver.evaluate`, in any engine.
 * Each is sent as source text, so each is self-contained: no imports, no
 * helpers from outside its own body.
 */
import type { WorkerInfo, WorkerStats } from '../../sw/protocol.js';

export type CallResult = { status: number; body: string } | { error: string };

/** A fetch as app code makes it: the status and body, or the error as `Name: message`. */
export async function call(a: { url: string; init?: RequestInit }): Promise<CallResult> {
  try {
    const res = await fetch(a.url, a.init);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Several calls at once (so one slow answer does not hold up the others). */
export function callAll(calls: Array<{ url: string; init?: RequestInit }>): Promise<CallResult[]> {
  return Promise.all(
    calls.map(async (a) => {
      try {
        const res = await fetch(a.url, a.init);
        return { status: res.status, body: await res.text() };
      } catch (err) {
        return { error: `${(err as Error).name}: ${(err as Error).message}` };
      }
    }),
  );
}

export interface Hashed {
  status: number;
  type: string;
  bytes: number;
  sha256: string;
}

/** Each URL's whole body, hashed in the page. */
export async function hashAll(urls: string[]): Promise<Array<Hashed | { error: string }>> {
  const out: Array<Hashed | { error: string }> = [];
  for (const url of urls) {
    try {
      const res = await fetch(url);
      const buf = await res.arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
      out.push({ status: res.status, type: res.headers.get('content-type') ?? '', bytes: buf.byteLength, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') });
    } catch (err) {
      out.push({ error: (err as Error).name });
    }
  }
  return out;
}

/** Reads a streamed body to its end or its error, counting SSE events. */
export async function readStream(url: string): Promise<{ status: number; events: number; bytes: number; error?: string } | { error: string }> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    return { error: (err as Error).name };
  }
  const reader = res.body!.getReader();
  let text = '';
  let bytes = 0;
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } catch (err) {
    return { status: res.status, events: text.split('\n\n').length - 1, bytes, error: (err as Error).name };
  }
  return { status: res.status, events: text.split('\n\n').length - 1, bytes };
}

/** Reads a few chunks of a stream, then stops reading (`reader.cancel()`), as a chat UI closed mid-answer does. */
export async function readThenCancel(a: { url: string; chunks: number }): Promise<{ status: number; chunks: number; bytes: number }> {
  const res = await fetch(a.url);
  const reader = res.body!.getReader();
  let chunks = 0;
  let bytes = 0;
  while (chunks < a.chunks) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    bytes += value.byteLength;
  }
  await reader.cancel();
  return { status: res.status, chunks, bytes };
}

/** Starts a fetch the page can abort later (`abortFetch` with the same key). */
export function startFetch(a: { url: string; key: string }): boolean {
  const controller = new AbortController();
  const settled = fetch(a.url, { signal: controller.signal }).then(
    (r) => `status ${r.status}`,
    (err: Error) => err.name,
  );
  const w = window as unknown as { pending?: Record<string, { controller: AbortController; settled: Promise<string> }> };
  (w.pending ??= {})[a.key] = { controller, settled };
  return true;
}

/** Aborts a fetch `startFetch` started; how the page's promise settled. */
export async function abortFetch(key: string): Promise<string> {
  const p = (window as unknown as { pending: Record<string, { controller: AbortController; settled: Promise<string> }> }).pending[key]!;
  p.controller.abort();
  return p.settled;
}

/** The monitor's counters, through the script tag's bridge. */
export async function stats(): Promise<WorkerStats | null> {
  const m = (window as unknown as { gatewayzMonitor?: { stats(): Promise<WorkerStats | undefined> } }).gatewayzMonitor;
  return (await m?.stats()) ?? null;
}

/** Asks the worker to send what it holds now; its counters afterwards. */
export async function flush(): Promise<WorkerStats | null> {
  const m = (window as unknown as { gatewayzMonitor?: { flush(): Promise<WorkerStats | undefined> } }).gatewayzMonitor;
  return (await m?.flush()) ?? null;
}

/** The worker's hello, through the bridge: whether its configuration was accepted. */
export async function workerInfo(): Promise<WorkerInfo | null> {
  const m = (window as unknown as { gatewayzMonitor?: { info: Promise<WorkerInfo | undefined> } }).gatewayzMonitor;
  return (await m?.info) ?? null;
}

/** Where this page stands with service workers. */
export async function controlState(): Promise<{ controlled: boolean; registrations: number; onLine: boolean }> {
  return {
    controlled: navigator.serviceWorker.controller !== null,
    registrations: (await navigator.serviceWorker.getRegistrations()).length,
    onLine: navigator.onLine,
  };
}

/** Asks the running worker to update, as the browser's own update check would. */
export async function updateWorker(): Promise<boolean> {
  const reg = await navigator.serviceWorker.getRegistration();
  await reg?.update();
  return !!reg;
}

/** What the engine probe's worker measured. */
export function askProbe(): Promise<{ addRoutes: boolean; urlPattern: boolean; aborted: string[]; seen: string[] }> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data);
    navigator.serviceWorker.controller!.postMessage('probe', [channel.port2]);
  });
}
