/**
 * `npm run bench`: what the monitor costs, side by side, in real Chromium.
 * Setups: (a) no worker, (b) a bare pass-through worker, (b′) the same with the
 * monitor's static route (the floor for unwatched requests), (c) this monitor,
 * (o) the monitor's previous version when BENCH_BASELINE names its built worker
 * (before and after in one run), (d) @sentry/browser's httpClientIntegration.
 *
 * The whole bench is repeated BENCH_RUNS times (default 5); within a run each
 * workload alternates between the setups so machine noise falls on all alike.
 * Every ratio is reported as the median over the runs with its min–max, so one
 * noisy run cannot decide a target. Written to BENCHMARKS.md with the machine
 * and the method; an engines block (`npm run bench:engines`) is kept as it is.
 */
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, findChromium } from '../e2e/findChromium.js';
import { startGatewaySimulator } from '../e2e/servers/gatewaySimulator.js';
import { startSentryRecorder } from '../src/playwright/sentryRecorder.js';
import { startSiteServer } from '../e2e/servers/siteServer.js';

type Setup = 'a' | 'b' | 'b2' | 'c' | 'o' | 'd';
const BASELINE = process.env.BENCH_BASELINE;
const SETUPS: Setup[] = ['a', 'b', 'b2', 'c', ...(BASELINE ? (['o'] as const) : []), 'd'];
const NAMES: Record<Setup, string> = {
  a: '(a) no worker',
  b: '(b) bare worker',
  b2: '(b′) bare worker + static route',
  c: '(c) gatewayz-sw-monitor',
  o: '(o) previous monitor',
  d: '(d) Sentry httpClientIntegration',
};
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Requests per setup per run in the sequential workloads (slices of 100). */
const SEQ = Number(process.env.BENCH_SEQ ?? 500);
const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

const median = (xs: number[]) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const log = (...a: unknown[]) => console.log('[bench]', ...a);

/** One run's value of each row, per setup. */
type RunRows = Record<string, Partial<Record<Setup, number>>>;

interface Row {
  name: string;
  /** Higher is better (throughput) rather than lower (latency). */
  higher?: boolean;
}
const ROWS: Row[] = [
  { name: `sequential GETs: median latency (ms)` },
  { name: `200 concurrent GETs: median latency (ms)` },
  { name: `200 concurrent GETs: wall time (ms)` },
  { name: `sequential failing GETs (503): median latency (ms)` },
  { name: `5 MB download (ms)` },
  { name: `SSE: time to first event (ms)` },
  { name: `SSE: events/s received (server sends 1,000/s for 10 s)`, higher: true },
  { name: `SSE: worker CPU during those 10 s (ms)` },
  { name: `GETs to an unwatched origin: median latency (ms)` },
];

interface Target {
  label: string;
  row: string;
  x: Setup;
  y: Setup;
  max?: number;
  min?: number;
}
const TARGETS: Target[] = [
  { label: 'sequential, (c)/(b)', row: ROWS[0]!.name, x: 'c', y: 'b', max: 1.03 },
  { label: 'concurrent median latency, (c)/(b)', row: ROWS[1]!.name, x: 'c', y: 'b', max: 1.05 },
  { label: "unwatched, (c)/(b′)", row: ROWS[8]!.name, x: 'c', y: 'b2', max: 1.02 },
  { label: 'SSE first event, (c)/(b)', row: ROWS[5]!.name, x: 'c', y: 'b', max: 1.03 },
  { label: 'SSE throughput, (c)/(b)', row: ROWS[6]!.name, x: 'c', y: 'b', min: 0.97 },
  { label: 'failing GETs with write-ahead, (c)/(b)', row: ROWS[3]!.name, x: 'c', y: 'b', max: 1.1 },
];

async function main(): Promise<void> {
  const gateway = await startGatewaySimulator();
  const other = await startGatewaySimulator(); // an origin nobody watches
  const sentry = await startSentryRecorder();
  const routes: Array<[string, string]> = [
    ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
    ['/bench.js', root('bench/.build/bench.js')],
  ];
  if (BASELINE) {
    if (!existsSync(BASELINE)) throw new Error(`BENCH_BASELINE=${BASELINE}: no such file; build the previous version's worker and point at its gatewayz-sw.js`);
    routes.push(['/baseline-gatewayz-sw.js', BASELINE]);
  }
  routes.push(['/', root('bench/page')]);
  const site = await startSiteServer(routes);
  gateway.fault({ path: '/v1/fail', status: 503, body: '{"error":"overloaded"}' });
  const browser: Browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const cdpBrowser = await browser.newBrowserCDPSession();
  const version = ((await cdpBrowser.send('Browser.getVersion')) as { product: string }).product;

  const pages = {} as Record<Setup, Page>;
  for (const s of SETUPS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.origin}/?setup=${s}&api=${encodeURIComponent(gateway.origin)}&dsn=${encodeURIComponent(sentry.dsn)}`);
    await page.waitForFunction(() => 'bench' in window);
    await page.evaluate(() => (window as any).bench.ready());
    pages[s] = page;
  }
  log(`browser ${version}; ${RUNS} runs; setups ${SETUPS.join(', ')}`);
  const ev = <T>(page: Page, expr: string): Promise<T> => page.evaluate(expr) as Promise<T>;
  const workers = await workerSessions(cdpBrowser, site.origin);

  // Warm-up: connections, JIT, worker start.
  for (const s of SETUPS) await ev(pages[s], 'bench.sequential(50)');

  const runs: RunRows[] = [];
  let unwatchedFetchEvents = 0;
  let heap = { download: NaN, storm: NaN };
  let storm: Record<'b' | 'c' | 'd', { events: number; longTasks: number[] }> | undefined;
  const profiles: Array<{ setup: Setup; what: string; busyMs: number; scriptMs: number; top: Array<[string, number]> }> = [];
  for (let run = 0; run < RUNS; run++) {
    const rows: RunRows = {};
    const put = (name: string, s: Setup, v: number) => ((rows[name] ??= {})[s] = v);
    // Every setup takes each workload in turn, the order rotating with the run and the slice.
    const each = async <T>(slices: number, fn: (s: Setup) => Promise<T>): Promise<Record<Setup, T[]>> => {
      const out = Object.fromEntries(SETUPS.map((s) => [s, [] as T[]])) as Record<Setup, T[]>;
      for (let i = 0; i < slices; i++) {
        for (let k = 0; k < SETUPS.length; k++) {
          const s = SETUPS[(k + i + run) % SETUPS.length]!;
          out[s].push(await fn(s));
        }
      }
      return out;
    };
    log(`run ${run + 1}/${RUNS}: sequential`);
    const seq = await each(SEQ / 100, (s) => ev<number[]>(pages[s], 'bench.sequential(100)'));
    log(`run ${run + 1}/${RUNS}: concurrent`);
    const conc = await each(3, (s) => ev<{ wall: number; each: number[] }>(pages[s], 'bench.concurrent(200)'));
    log(`run ${run + 1}/${RUNS}: failing`);
    const fail = await each(SEQ / 100, (s) => ev<number[]>(pages[s], 'bench.sequentialFailing(100)'));
    log(`run ${run + 1}/${RUNS}: download`);
    const before = await workers.heap();
    const dl = await each(2, (s) => ev<number>(pages[s], `bench.download(${5 * 1024 * 1024})`));
    if (run === 0) heap.download = (await workers.heap()) - before;
    log(`run ${run + 1}/${RUNS}: SSE`);
    const sse = await each(2, (s) => ev<{ first: number }>(pages[s], 'bench.sse(10, 25)'));
    log(`run ${run + 1}/${RUNS}: SSE throughput`);
    for (const s of SETUPS.filter((x) => x !== 'd')) {
      const cpu = workers.cpu(s);
      await cpu.start();
      const r = await ev<{ events: number; perSecond: number }>(pages[s], 'bench.sseThroughput(10000)');
      put(ROWS[6]!.name, s, r.perSecond);
      put(ROWS[7]!.name, s, await cpu.stop());
    }
    log(`run ${run + 1}/${RUNS}: unwatched`);
    const fetchBefore = await fetchEvents(pages.c);
    const unw = await each(SEQ / 100, (s) => ev<number[]>(pages[s], `bench.sequential(100, ${JSON.stringify(other.origin)})`));
    unwatchedFetchEvents += (await fetchEvents(pages.c)) - fetchBefore;
    for (const s of SETUPS) {
      put(ROWS[0]!.name, s, median(seq[s].flat()));
      put(ROWS[1]!.name, s, median(conc[s].flatMap((c) => c.each)));
      put(ROWS[2]!.name, s, median(conc[s].map((c) => c.wall)));
      put(ROWS[3]!.name, s, median(fail[s].flat()));
      put(ROWS[4]!.name, s, median(dl[s]));
      put(ROWS[5]!.name, s, median(sse[s].map((x) => x.first)));
      put(ROWS[8]!.name, s, median(unw[s].flat()));
    }
    runs.push(rows);
    if (run === 0) {
      log('profiles: (b) and (c), 500 sequential watched GETs and 500 failing ones');
      for (const [what, expr] of [['watched GETs', 'bench.sequential(100)'], ['failing GETs', 'bench.sequentialFailing(100)']] as const) {
        for (const w of ['b', 'c'] as const) {
          const cpu = workers.cpu(w);
          await cpu.start();
          for (let i = 0; i < 5; i++) await ev(pages[w], expr);
          profiles.push({ setup: w, what, ...(await cpu.profile()) });
        }
      }
      log('error storm: 5,000 failures in 10 s, (b), (c) and (d)');
      storm = {} as NonNullable<typeof storm>;
      for (const s of ['b', 'c', 'd'] as const) {
        sentry.clear();
        const h0 = s === 'c' ? await workers.heap() : 0;
        const r = await ev<{ failed: number; longTasks: number[] }>(pages[s], 'bench.storm(5000, 10000)');
        if (s === 'c') heap.storm = (await workers.heap()) - h0;
        storm[s] = { events: sentry.events.length, longTasks: r.longTasks };
      }
    }
  }

  // Medians over the runs, with min–max.
  const stat = (name: string, f: (r: Partial<Record<Setup, number>>) => number) => {
    const xs = runs.map((r) => f(r[name] ?? {})).filter(Number.isFinite);
    return { med: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  };
  const spread = (x: { med: number; min: number; max: number }, d = 3) => `${fmt(x.med, d)} (${fmt(x.min, d)}–${fmt(x.max, d)})`;
  const ratioCols: Array<[string, Setup, Setup]> = [
    ['(c)/(b)', 'c', 'b'],
    ...(BASELINE ? ([['(o)/(b)', 'o', 'b']] as Array<[string, Setup, Setup]>) : []),
    ['(c)/(a)', 'c', 'a'],
  ];
  const table = [
    `| workload | ${SETUPS.map((s) => NAMES[s]).join(' | ')} | ${ratioCols.map((c) => c[0]).join(' | ')} |`,
    `|---|${SETUPS.map(() => '---:').join('|')}|${ratioCols.map(() => '---:').join('|')}|`,
    ...ROWS.map(
      (row) =>
        `| ${row.name} | ${SETUPS.map((s) => fmt(stat(row.name, (r) => r[s] ?? NaN).med)).join(' | ')} | ${ratioCols
          .map(([, x, y]) => spread(stat(row.name, (r) => (r[x] ?? NaN) / (r[y] ?? NaN))))
          .join(' | ')} |`,
    ),
  ].join('\n');
  const workerGz = gzipSync(await readFile(root('dist/gatewayz-sw.js')), { level: 9 }).length;
  const targetRows: Array<[string, string, boolean]> = TARGETS.map((t) => {
    const x = stat(t.row, (r) => (r[t.x] ?? NaN) / (r[t.y] ?? NaN));
    const ok = t.max !== undefined ? x.med <= t.max : x.med >= t.min!;
    const before = BASELINE ? ` · before (o): ${spread(stat(t.row, (r) => (r.o ?? NaN) / (r[t.y] ?? NaN)))}` : '';
    return [`${t.label} ${t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`}`, `${spread(x)}${before}`, ok];
  });
  targetRows.push(['unwatched: fetch events reaching the worker = 0', String(unwatchedFetchEvents), unwatchedFetchEvents === 0]);
  targetRows.push(['worker ≤ 15 KiB gzipped', `${fmt(workerGz / 1024, 1)} KiB`, workerGz <= 15 * 1024]);
  targetRows.push(['5 MB body: worker heap grows by less than the body', `${fmt(heap.download / 2 ** 20)} MB over 2 downloads`, heap.download < 5 * 2 ** 20]);
  targetRows.push(['error storm: worker heap growth < 5 MB', `${fmt(heap.storm / 2 ** 20)} MB`, heap.storm < 5 * 2 ** 20]);
  const s = storm!;
  const stormTable = [
    '| error storm (5,000 failures in 10 s) | (b) bare worker | (c) gatewayz-sw-monitor | (d) Sentry httpClientIntegration |',
    '|---|---:|---:|---:|',
    `| events that reached Sentry | ${s.b.events} | ${s.c.events} | ${s.d.events} |`,
    `| page long tasks (> 50 ms) | ${(['b', 'c', 'd'] as const).map((k) => `${s[k].longTasks.length} (max ${fmt(Math.max(0, ...s[k].longTasks), 0)} ms)`).join(' | ')} |`,
  ].join('\n');
  const targetTable = ['| target (median of runs, min–max) | measured | met |', '|---|---|---|', ...targetRows.map(([t, v, ok]) => `| ${t} | ${v} | ${ok ? 'yes' : '**no**'} |`)].join('\n');
  console.log(`\n${table}\n\n${stormTable}\n\n${targetTable}\n`);
  const profileText = profiles
    .map(
      (p) =>
        `- ${NAMES[p.setup]}, 500 ${p.what}: worker busy ${fmt(p.busyMs, 0)} ms (${fmt((p.busyMs / 500) * 1000, 0)} µs a request), of which its own script ${fmt(p.scriptMs, 0)} ms (${fmt((p.scriptMs / 500) * 1000, 0)} µs a request). Top self time: ${p.top.map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join('; ')}.`,
    )
    .join('\n');
  console.log(profileText);
  await writeReport({ table, stormTable, targetTable, version, profileText, misses: targetRows.filter(([, , ok]) => !ok).map(([t]) => t) });

  await browser.close();
  await Promise.all([gateway.close(), other.close(), sentry.close(), site.close()]);
}

async function fetchEvents(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return new Promise<number>((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = (e) => resolve(e.data.payload.fetchEvents);
      reg!.active!.postMessage({ source: 'gatewayz-sw-monitor', v: 1, type: 'stats', payload: {} }, [ch.port2]);
    });
  });
}

/**
 * CDP sessions to the setups' workers: the monitor's heap (after a GC), and any
 * setup's worker CPU time over a span (a sampling profile's non-idle time).
 */
async function workerSessions(cdp: CDPSession, siteOrigin: string) {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
  const scripts: Partial<Record<Setup, string>> = { b: '/bare-sw.js', b2: '/bare-static-sw.js', c: '/gatewayz-sw.js', o: '/baseline-gatewayz-sw.js' };
  let id = 0;
  const pending = new Map<number, (r: unknown) => void>();
  cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
    const msg = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const sessions = new Map<Setup, string>();
  for (const [s, path] of Object.entries(scripts) as Array<[Setup, string]>) {
    const t = targetInfos.find((x) => x.type === 'service_worker' && x.url.startsWith(`${siteOrigin}${path}`));
    if (!t) continue;
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })) as { sessionId: string };
    sessions.set(s, sessionId);
  }
  const call = (s: Setup, method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      const sessionId = sessions.get(s);
      if (!sessionId) return resolve(undefined);
      const mid = ++id;
      pending.set(mid, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mid, method, params }) });
    });
  return {
    async heap(): Promise<number> {
      await call('c', 'HeapProfiler.collectGarbage');
      const r = (await call('c', 'Runtime.getHeapUsage')) as { usedSize: number } | undefined;
      return r?.usedSize ?? NaN;
    },
    cpu(s: Setup) {
      return {
        async start() {
          await call(s, 'Profiler.enable');
          await call(s, 'Profiler.setSamplingInterval', { interval: 200 });
          await call(s, 'Profiler.start');
        },
        async stop(): Promise<number> {
          return (await this.profile()).busyMs;
        },
        /** Non-idle ms, and self time by function (the worker's own script apart from the browser's natives). */
        async profile(): Promise<{ busyMs: number; scriptMs: number; top: Array<[string, number]> }> {
          type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } };
          const r = (await call(s, 'Profiler.stop')) as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } } | undefined;
          if (!r) return { busyMs: NaN, scriptMs: NaN, top: [] };
          const byId = new Map(r.profile.nodes.map((n) => [n.id, n]));
          const self = new Map<string, number>();
          let busy = 0;
          let script = 0;
          r.profile.samples.forEach((id, i) => {
            const n = byId.get(id)!;
            const dt = r.profile.timeDeltas[i] ?? 0;
            if (n.callFrame.functionName === '(idle)') return;
            busy += dt;
            const inScript = n.callFrame.url.includes('.js');
            if (inScript) script += dt;
            const name = inScript ? `${n.callFrame.functionName || '(anonymous)'} (worker script)` : `${n.callFrame.functionName || '(native)'}`;
            self.set(name, (self.get(name) ?? 0) + dt);
          });
          const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => [k, v / 1000] as [string, number]);
          return { busyMs: busy / 1000, scriptMs: script / 1000, top };
        },
      };
    },
  };
}

const ENGINES_START = '<!-- bench-engines:start -->';
const ENGINES_END = '<!-- bench-engines:end -->';

async function writeReport(r: { table: string; stormTable: string; targetTable: string; version: string; profileText: string; misses: string[] }): Promise<void> {
  const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
  const previous = existsSync(file) ? await readFile(file, 'utf8') : '';
  const a = previous.indexOf(ENGINES_START);
  const b = previous.indexOf(ENGINES_END);
  const engines = a >= 0 && b > a ? previous.slice(a, b + ENGINES_END.length) : `${ENGINES_START}\n(run \`npm run bench:engines\` to fill this in)\n${ENGINES_END}`;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const body = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Re-run it to refresh this file.

## Machine

- ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}
- Node ${process.version}; ${r.version} (headless, loopback only)

## Method

Setups, each in its own browser context on the same site, calling the same
gateway simulator on loopback: **(a)** no worker; **(b)** a bare pass-through
worker (\`respondWith(fetch(event.request))\`: the floor for any worker that sees
responses); **(b′)** the same with the monitor's static route, so unwatched
requests never reach it (the floor for unwatched requests); **(c)** this
monitor, through its Sentry integration;${BASELINE ? ' **(o)** the previous version of the monitor\'s worker (`BENCH_BASELINE`), with the same page bridge, for before and after in one run;' : ''}
**(d)** \`@sentry/browser\`'s \`httpClientIntegration\`, which patches \`fetch\` in
the page. Sentry's default integrations are off in (c) and (d).

The whole bench runs ${RUNS} times. In each run the sequential workloads
(${SEQ} watched GETs, ${SEQ} failing GETs answered 503, ${SEQ} GETs to an
unwatched origin) go in slices of 100 that alternate between the setups, the
others in rounds, the order rotating; each run gives one value per setup (the
median of its latencies), and each ratio below is the median over the runs with
its min–max. Latency is measured in the page from \`fetch()\` to the end of the
body (\`performance.now()\`, which Chromium coarsens to 0.1 ms without
cross-origin isolation). SSE throughput reads a 10,000-event stream sent at
1,000 events/s through \`fetch\`; worker CPU is the non-idle time of a CPU
profile of that setup's worker over those 10 s. Worker heap is
\`Runtime.getHeapUsage\` after a forced GC. The error storm (run 1 only) sends
5,000 failing requests over 10 s.

## Results (medians over ${RUNS} runs; ratios with min–max)

${r.table}

${r.stormTable}

## Targets

${r.targetTable}

${r.misses.length === 0 ? 'Every target was met.' : `Missed: ${r.misses.join('; ')}. See "Where the time goes".`}

## Where the time goes

- On loopback a request takes well under a millisecond of network time, so
  every microsecond a worker adds shows up large in the ratios; on a real
  network the same absolute cost is a much smaller fraction.
- CPU profiles of the workers in this run (sampled every 200 µs; \`npm run
  bench:profile\` gives a finer one of the monitor alone):

${r.profileText}

- The worker's own script is a small part of its busy time; most of it is the
  browser's \`fetch\` and the promise and stream machinery any worker that
  answers with \`respondWith(fetch())\` pays, which (b) pays too. What (c) adds
  over (b) on a success is its script's time above, plus the turns of the
  event loop between the response's headers and \`respondWith\`.
- A failing request pays one IndexedDB transaction before the page gets it
  (write-ahead: the failure is stored before anything can lose it). Its reads
  go out at once and its writes at once, so it waits for two round trips to
  the browser's storage process and the commit. The profile above shows the
  rest: IndexedDB's own calls in the worker (\`transaction\`, \`get\`, \`put\`,
  \`count\`) take more CPU than the monitor's script. That is why the
  failing-GET target (1.10 over a bare worker) is missed: the price of a
  failure that survives the worker being stopped at any instant. Fewer
  requests per transaction (the burst tracks and the limit in one record) would
  trim the CPU part, not the commit.
- Requests to an unwatched origin never reach the worker (the fetch-event count
  is 0: a static route sends them to the network), so (c) and (b′) differ there
  only by noise.

## Engines

${engines}
`;
  await writeFile(file, body);
  log('wrote BENCHMARKS.md');
}

await main();
