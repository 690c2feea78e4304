/**
 * The benchmark page. `?setup=` picks what watches the API calls:
 *   a: nothing; b: a bare pass-through worker; c: this monitor (through the
 *   Sentry integration); d: @sentry/browser's httpClientIntegration, which
 *   patches fetch in the page. Sentry's default integrations are off in c and d,
 *   so each measures only its own cost.
 */
import * as Sentry from '@sentry/browser';
import { backendMonitorIntegration } from '../../src/index.js';

const q = new URLSearchParams(location.search);
const setup = q.get('setup') ?? 'a';
const api = q.get('api')!;
const dsn = q.get('dsn')!;
document.querySelector('#setup')!.textContent = setup;

let ready: Promise<unknown> = Promise.resolve();
if (setup === 'b') {
  ready = navigator.serviceWorker.register('/bare-sw.js').then(() => navigator.serviceWorker.ready);
} else if (setup === 'b2') {
  ready = navigator.serviceWorker.register(`/bare-static-sw.js?api=${encodeURIComponent(api)}`).then(() => navigator.serviceWorker.ready);
} else if (setup === 'c' || setup === 'o') {
  // (o): the monitor's worker as it was before this version (BENCH_BASELINE), with today's page bridge.
  const integration = backendMonitorIntegration({ origins: [api], ...(setup === 'o' ? { scriptUrl: '/baseline-gatewayz-sw.js' } : {}) });
  Sentry.init({ dsn, defaultIntegrations: false, integrations: [integration] });
  ready = integration.monitor!.ready;
} else if (setup === 'd') {
  Sentry.init({ dsn, defaultIntegrations: false, integrations: [Sentry.httpClientIntegration({ failedRequestTargets: [api] })] });
}

const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push(e.duration);
}).observe({ type: 'longtask', buffered: true });

async function timed(url: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  return performance.now() - t;
}

const bench = {
  /**
   * One GET, timed from fetch() to the end of its body. The runner calls it
   * once per setup in turn (ABAB…), so a request of each setup is paired with
   * its neighbour of the others; a path is taken on the API, a full URL as it is.
   */
  one(pathOrUrl: string): Promise<number> {
    return timed(/^https?:/.test(pathOrUrl) ? pathOrUrl : `${api}${pathOrUrl}`);
  },
  async ready(): Promise<boolean> {
    await ready;
    if (setup !== 'a' && setup !== 'd') {
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      }
    }
    return true;
  },
  async sequential(n: number, base = api): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await timed(`${base}/v1/ping?i=${i}`));
    return out;
  },
  /** Sequential GETs the API answers 503: each one's failure is stored before the page gets it (write-ahead). */
  async sequentialFailing(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await timed(`${api}/v1/fail/b?i=${i}`));
    return out;
  },
  async concurrent(n: number): Promise<{ wall: number; each: number[] }> {
    const t = performance.now();
    const each = await Promise.all(Array.from({ length: n }, (_, i) => timed(`${api}/v1/ping?c=${i}`)));
    return { wall: performance.now() - t, each };
  },
  download: (bytes: number) => timed(`${api}/v1/blob?size=${bytes}&seed=3`),
  sse(events: number, gapMs: number): Promise<{ first: number; gaps: number[] }> {
    return new Promise((resolve) => {
      const t = performance.now();
      const at: number[] = [];
      const es = new EventSource(`${api}/v1/stream?events=${events}&gapMs=${gapMs}`);
      es.onmessage = () => {
        at.push(performance.now());
        if (at.length === events) {
          es.close();
          resolve({ first: at[0]! - t, gaps: at.slice(1).map((x, i) => x - at[i]!) });
        }
      };
    });
  },
  /** A fetch-read SSE stream of `events` events at 1,000 a second: events received per second of streaming. */
  async sseThroughput(events: number): Promise<{ events: number; perSecond: number }> {
    const t = performance.now();
    const r = await fetch(`${api}/v1/stream?events=${events}&gapMs=10&perTick=10`);
    const reader = r.body!.getReader();
    let n = 0;
    let prev = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // An event ends with a blank line.
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) {
        if ((i > 0 ? value[i - 1] : prev) === 10) n++;
      }
      prev = value[value.length - 1] ?? prev;
    }
    return { events: n, perSecond: n / ((performance.now() - t) / 1000) };
  },
  async storm(n: number, ms: number): Promise<{ failed: number; longTasks: number[] }> {
    longTasks.length = 0;
    const t = performance.now();
    let failed = 0;
    const batch = 50;
    for (let i = 0; i < n; i += batch) {
      const rs = await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => fetch(`${api}/v1/fail/${(i + k) % 25 === 0 ? 'a' : 'b'}`).then((r) => r.status)));
      failed += rs.filter((s) => s >= 500).length;
      const wait = ((i + batch) / n) * ms - (performance.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    // Let the worker's batches reach the page and Sentry.
    await new Promise((r) => setTimeout(r, 3000));
    return { failed, longTasks: [...longTasks] };
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
