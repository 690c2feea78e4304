/**
 * `npm run bench`: what the monitor costs, side by side, in real Chromium.
 * Setups: (a) no worker, (b) a bare pass-through worker, (b′) the same with the
 * monitor's static route (the floor for unwatched requests), (c) this monitor,
 * (o) the monitor's previous version when BENCH_BASELINE names its built worker
 * (before and after in one run), (d) @sentry/browser's httpClientIntegration.
 *
 * Also the first request after the worker was stopped (cold), with CPU
 * profiles of the worker's start, and the page-load cost of the script-tag
 * drop-in (bytes, main-thread script time).
 *
 * The whole bench is repeated BENCH_RUNS times (default 5). The setups take
 * turns per request wherever the workload allows (per round elsewhere), the
 * order rotating, so machine noise falls on all alike; each row reports the
 * median paired difference and the ratio of medians, each with a seeded 95%
 * bootstrap interval (bench/stats.ts), and a target is met only when its
 * interval stays inside it. Written to BENCHMARKS.md (BENCH_OUT) with the
 * machine, its load average and the method; an engines block (`npm run
 * bench:engines`) is kept as it is.
 *
 * Counts: BENCH_SEQ (500), BENCH_COLD (25), BENCH_LOADS (10),
 * BENCH_STARTUP_PROFILES (5), BENCH_CONC_ROUNDS (3), BENCH_DL_ROUNDS (2),
 * BENCH_SSE_ROUNDS (2), BENCH_COLD_PAUSE_MS (150), BENCH_STORM (1; 0 skips it).
 */
import { BUDGETS } from '../scripts/figures/budgets.js';
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
import { PROTOCOL_SOURCE, PROTOCOL_VERSION } from '../sw/protocol.js';
import { anyOf, median, paired, rotation, verdict, type Paired, type Verdict } from './stats.js';

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
const SHORT: Record<Setup, string> = { a: '(a)', b: '(b)', b2: '(b′)', c: '(c)', o: '(o)', d: '(d)' };
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${process.env[name]}: not a number`);
  return v;
};
const RUNS = num('BENCH_RUNS', 5);
/** Requests per setup per run in the sequential workloads (watched, failing, unwatched). */
const SEQ = num('BENCH_SEQ', 500);
/** Cold first requests per setup per run, for each of 200 and 500. */
const COLD = num('BENCH_COLD', 25);
/** After the worker reports stopped, this long before the cold request. */
const COLD_PAUSE_MS = num('BENCH_COLD_PAUSE_MS', 150);
/** Cold starts profiled per setup and status (run 1 only). */
const STARTUP_PROFILES = num('BENCH_STARTUP_PROFILES', 5);
/** Cold starts traced (Chrome's trace: V8's code cache, the worker thread's steps) per setup and status (run 1 only). */
const STARTUP_TRACES = num('BENCH_STARTUP_TRACES', 5);
/** Page loads per page (plain, drop-in) per run. */
const LOADS = num('BENCH_LOADS', 10);
/** Rounds per run of the workloads that cannot interleave per request. */
const CONC_ROUNDS = num('BENCH_CONC_ROUNDS', 3);
const DL_ROUNDS = num('BENCH_DL_ROUNDS', 2);
const SSE_ROUNDS = num('BENCH_SSE_ROUNDS', 2);
/** Set BENCH_STORM=0 to skip the error storm (5,000 failures, run 1). */
const STORM = num('BENCH_STORM', 1) > 0;
/** Where the report goes (a smoke run can keep BENCHMARKS.md as it is). */
const OUT = process.env.BENCH_OUT ?? fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const BOOT = { resamples: 2000, seed: 1, level: 0.95 };
/** The worker's size budget, gzipped: the one test/bundleSize.test.ts holds it to. */
const WORKER_BUDGET_KIB = BUDGETS.find(([file]) => file === 'dist/gatewayz-sw.js')![1] / 1024;
const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const signed = (x: number, digits = 2) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}` : 'n/a');
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s]`, ...a);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Row {
  name: string;
  /** Higher is better (throughput) rather than lower (latency). */
  higher?: boolean;
  /** What one pair is, for the table. */
  unit: string;
  /** The unit of a difference, when not ms. */
  diffUnit?: string;
}
const R = {
  seq: { name: 'sequential GETs: latency (ms)', unit: 'request' },
  concLat: { name: '200 concurrent GETs: median latency (ms)', unit: 'round' },
  concWall: { name: '200 concurrent GETs: wall time (ms)', unit: 'round' },
  fail: { name: 'sequential failing GETs (503): latency (ms)', unit: 'request' },
  dl: { name: '5 MB download (ms)', unit: 'round' },
  sseFirst: { name: 'SSE: time to first event (ms)', unit: 'round' },
  sseRate: { name: 'SSE: events/s received (server sends 1,000/s for 10 s)', higher: true, unit: 'run', diffUnit: 'events/s' },
  sseCpu: { name: 'SSE: worker CPU during those 10 s (ms)', unit: 'run' },
  unw: { name: 'GETs to an unwatched origin: latency (ms)', unit: 'request' },
  cold200: { name: 'cold: first request after the worker stopped, 200 (ms)', unit: 'request' },
  cold500: { name: 'cold: first request after the worker stopped, 500 (ms)', unit: 'request' },
  loadScript: { name: 'page load: main-thread script time (ms)', unit: 'load' },
  loadTask: { name: 'page load: main-thread task time (ms)', unit: 'load' },
  loadBytes: { name: 'page load: bytes fetched by the page', unit: 'load' },
} satisfies Record<string, Row>;
const WARM_ROWS: Row[] = [R.seq, R.concLat, R.concWall, R.fail, R.dl, R.sseFirst, R.sseRate, R.sseCpu, R.unw];
const COLD_SETUPS: Setup[] = ['a', 'b', 'b2', 'c', ...(BASELINE ? (['o'] as const) : [])];
const COLD_ROWS: Row[] = [R.cold200, R.cold500];

interface Target {
  label: string;
  row: Row;
  x: Setup;
  y: Setup;
  /** Bounds on the ratio x/y. */
  max?: number;
  min?: number;
  /** Or: met also when the paired difference x − y stays at or below this many ms. */
  maxDiffMs?: number;
}
const TARGETS: Target[] = [
  { label: 'cold first request, 200, (c)/(b)', row: R.cold200, x: 'c', y: 'b', max: 1.05, maxDiffMs: 1 },
  { label: 'cold first request, 500, (c)/(b)', row: R.cold500, x: 'c', y: 'b', max: 1.15 },
  { label: 'sequential, (c)/(b)', row: R.seq, x: 'c', y: 'b', max: 1.03 },
  { label: 'failing GETs with write-ahead, (c)/(b)', row: R.fail, x: 'c', y: 'b', max: 1.1 },
  { label: 'concurrent median latency, (c)/(b)', row: R.concLat, x: 'c', y: 'b', max: 1.05 },
  { label: 'unwatched, (c)/(b′)', row: R.unw, x: 'c', y: 'b2', max: 1.02 },
  { label: 'SSE first event, (c)/(b)', row: R.sseFirst, x: 'c', y: 'b', max: 1.03 },
  { label: 'SSE throughput, (c)/(b)', row: R.sseRate, x: 'c', y: 'b', min: 0.97 },
];

/**
 * Every value, by row and setup, in pair order: the k-th value of one setup was
 * measured next to the k-th of every other (the same request index, round or
 * run), so `paired()` can take differences. A failed measurement is NaN, so
 * the positions stay aligned.
 */
type Samples = Map<string, Partial<Record<Setup, number[]>>>;
const samples: Samples = new Map();
const add = (row: Row, s: Setup, v: number) => {
  const bySetup = samples.get(row.name) ?? {};
  samples.set(row.name, bySetup);
  (bySetup[s] ??= []).push(v);
};
const get = (row: Row, s: Setup): number[] => samples.get(row.name)?.[s] ?? [];
const compared = new Map<string, Paired>();
/** x against y on a row (computed once, after the runs: the tables and the targets share it). */
const cmp = (row: Row, x: Setup, y: Setup): Paired => {
  const key = `${row.name}\n${x}\n${y}`;
  let p = compared.get(key);
  if (!p) compared.set(key, (p = paired(get(row, x), get(row, y), BOOT)));
  return p;
};

interface StartupProfile {
  setup: Setup;
  status: number;
  /** Busy ms (non-idle samples) by phase (see startupPhases), medians over the profiles. */
  beforeScript: number;
  script: number;
  dispatch: number;
  firstHandler: number;
  rest: number;
  busy: number;
  /** Wall ms from the first busy sample to the first fetch handler's. */
  toHandler: number;
  /** Profiles in which the script's evaluation was caught (the profiler started in time). */
  caught: number;
  profiles: number;
  /** Mean self time a start, the whole profile. */
  top: Array<[string, number]>;
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  const started = Date.now();
  log(`load average ${load0.map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min) on ${os.cpus().length} cores`);
  if (load0[0]! > 1) {
    console.log(`\n[bench] !!! WARNING: the 1-minute load average is ${load0[0]!.toFixed(2)} (> 1): other work on this machine adds noise to every row; the intervals will be wide and targets may read undecided. Re-run on a quiet machine for figures to publish. !!!\n`);
  }
  const gateway = await startGatewaySimulator();
  const other = await startGatewaySimulator(); // an origin nobody watches
  const sentry = await startSentryRecorder();
  const routes: Array<[string, string]> = [
    ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
    ['/bench.js', root('bench/.build/bench.js')],
  ];
  // The drop-in and whatever it loads beside itself (gatewayz-sentry.js, gatewayz-deliver.js: only when a report goes out).
  const dropinFiles = ['gatewayz-register.js', 'gatewayz-sentry.js', 'gatewayz-deliver.js'].filter((f) => existsSync(root(`dist/${f}`)));
  for (const f of dropinFiles) routes.push([`/${f}`, root(`dist/${f}`)]);
  if (BASELINE) {
    if (!existsSync(BASELINE)) throw new Error(`BENCH_BASELINE=${BASELINE}: no such file; build the previous version's worker and point at its gatewayz-sw.js`);
    routes.push(['/baseline-gatewayz-sw.js', BASELINE]);
  }
  routes.push(['/', root('bench/page')]);
  const site = await startSiteServer(routes, { vars: { API: gateway.origin, DSN: sentry.dsn } });
  gateway.fault({ path: '/v1/fail', status: 503, body: '{"error":"overloaded"}' });
  gateway.fault({ path: '/v1/cold500', status: 500, body: '{"error":"internal"}' });
  const browser: Browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const cdpBrowser = await browser.newBrowserCDPSession();
  const version = ((await cdpBrowser.send('Browser.getVersion')) as { product: string }).product;

  const pages = {} as Record<Setup, Page>;
  const stoppers = {} as Record<Setup, () => Promise<void>>;
  for (const s of SETUPS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.origin}/?setup=${s}&api=${encodeURIComponent(gateway.origin)}&dsn=${encodeURIComponent(sentry.dsn)}`);
    await page.waitForFunction(() => 'bench' in window);
    await page.evaluate(() => (window as any).bench.ready());
    pages[s] = page;
    stoppers[s] = await workerStopper(await context.newCDPSession(page), s === 'a' || s === 'd');
  }
  log(`browser ${version}; ${RUNS} runs; setups ${SETUPS.join(', ')}`);
  const ev = <T>(page: Page, expr: string): Promise<T> => page.evaluate(expr) as Promise<T>;
  const one = (s: Setup, url: string) => ev<number>(pages[s], `bench.one(${JSON.stringify(url)})`);
  const workers = await workerSessions(cdpBrowser, site.origin);

  // Warm-up: connections, JIT, worker start.
  for (const s of SETUPS) await ev(pages[s], 'bench.sequential(50)');

  let unwatchedFetchEvents = 0;
  let heap = { download: NaN, storm: NaN };
  let storm: Record<'b' | 'c' | 'd', { events: number; longTasks: number[] }> | undefined;
  const profiles: Array<{ setup: Setup; what: string; busyMs: number; scriptMs: number; top: Array<[string, number]> }> = [];
  const startup: StartupProfile[] = [];
  const traced: Array<{ setup: Setup; status: number; starts: TracedStart[] }> = [];
  let pageLoad: PageLoad | undefined;
  for (let run = 0; run < RUNS; run++) {
    const tag = `run ${run + 1}/${RUNS}`;
    // One request of each setup in turn (ABAB…), the order rotating with the request and the run.
    const perRequest = async (row: Row, setups: Setup[], n: number, url: (i: number) => string) => {
      for (let i = 0; i < n; i++) {
        for (const s of rotation(setups, i, run)) {
          add(row, s, await one(s, url(i)).catch(() => NaN));
        }
      }
    };
    // Workloads too long to interleave per request: each setup takes one round in turn, the order rotating.
    const perRound = async <T>(rounds: number, setups: Setup[], fn: (s: Setup) => Promise<T>, put: (s: Setup, r: T) => void) => {
      for (let i = 0; i < rounds; i++) for (const s of rotation(setups, i, run)) put(s, await fn(s));
    };
    log(`${tag}: cold first requests (${COLD} × 200 and 500 per setup)`);
    for (let i = 0; i < COLD; i++) {
      for (const [row, path] of [[R.cold200, '/v1/ping'], [R.cold500, '/v1/cold500/x']] as const) {
        for (const s of rotation(COLD_SETUPS, i, run)) {
          await stoppers[s]();
          add(row, s, await one(s, `${path}?cold=${run}.${i}`).catch(() => NaN));
        }
      }
    }
    if (run === 0 && STARTUP_PROFILES > 0) {
      log(`start-up profiles: (b) and (c), ${STARTUP_PROFILES} cold starts each for a 200 and a 500`);
      for (const [s, status] of [['b', 200], ['c', 200], ['b', 500], ['c', 500]] as const) {
        const got: StartupPhases[] = [];
        for (let i = 0; i < STARTUP_PROFILES; i++) {
          // A started profiler is restarted by the worker's DevTools session when the worker starts
          // again, before its script runs: so the profile covers the whole start.
          await workers.cpu(s).start(50);
          await stoppers[s]();
          await one(s, status === 200 ? `/v1/ping?startup=${i}` : `/v1/cold500/x?startup=${i}`);
          const p = await workers.cpu(s).raw();
          if (p) got.push(startupPhases(p, s === 'b' ? '/bare-sw.js' : '/gatewayz-sw.js'));
        }
        startup.push(summarizeStartup(s, status, got));
      }
    }
    if (run === 0 && STARTUP_TRACES > 0) {
      log(`start-up traces: (b) and (c), ${STARTUP_TRACES} cold starts each for a 200 and a 500`);
      for (const [s, status] of [['b', 200], ['c', 200], ['b', 500], ['c', 500]] as const) {
        const got: TracedStart[] = [];
        for (let i = 0; i < STARTUP_TRACES; i++) {
          await stoppers[s]();
          const t = await traceStart(cdpBrowser, s === 'b' ? '/bare-sw.js' : '/gatewayz-sw.js', () => one(s, status === 200 ? `/v1/ping?trace=${i}` : `/v1/cold500/x?trace=${i}`));
          if (t) got.push(t);
        }
        traced.push({ setup: s, status, starts: got });
      }
    }
    log(`${tag}: sequential (per request, ${SEQ} per setup)`);
    await perRequest(R.seq, SETUPS, SEQ, (i) => `/v1/ping?i=${i}`);
    log(`${tag}: concurrent`);
    await perRound(CONC_ROUNDS, SETUPS, (s) => ev<{ wall: number; each: number[] }>(pages[s], 'bench.concurrent(200)'), (s, c) => {
      add(R.concLat, s, median(c.each));
      add(R.concWall, s, c.wall);
    });
    log(`${tag}: failing (per request, ${SEQ} per setup)`);
    await perRequest(R.fail, SETUPS, SEQ, (i) => `/v1/fail/b?i=${i}`);
    log(`${tag}: download`);
    const before = await workers.heap();
    await perRound(DL_ROUNDS, SETUPS, (s) => ev<number>(pages[s], `bench.download(${5 * 1024 * 1024})`), (s, ms) => add(R.dl, s, ms));
    if (run === 0) heap.download = (await workers.heap()) - before;
    log(`${tag}: SSE`);
    await perRound(SSE_ROUNDS, SETUPS, (s) => ev<{ first: number }>(pages[s], 'bench.sse(10, 25)'), (s, r) => add(R.sseFirst, s, r.first));
    log(`${tag}: SSE throughput`);
    const sseSetups = SETUPS.filter((x) => x !== 'd');
    for (const s of rotation(sseSetups, run)) {
      const cpu = workers.cpu(s);
      await cpu.start();
      const r = await ev<{ events: number; perSecond: number }>(pages[s], 'bench.sseThroughput(10000)');
      add(R.sseRate, s, r.perSecond);
      add(R.sseCpu, s, await cpu.stop());
    }
    log(`${tag}: unwatched (per request, ${SEQ} per setup)`);
    const fetchBefore = await fetchEvents(pages.c);
    await perRequest(R.unw, SETUPS, SEQ, (i) => `${other.origin}/v1/ping?i=${i}`);
    unwatchedFetchEvents += (await fetchEvents(pages.c)) - fetchBefore;
    if (LOADS > 0) {
      log(`${tag}: page loads (${LOADS} plain, ${LOADS} with the drop-in)`);
      pageLoad = await measurePageLoads(browser, site.origin, LOADS, run, pageLoad);
    }
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
    }
  }
  // The storm last: what it leaves in the monitor's outbox cannot reach the runs' cold starts.
  if (STORM) {
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
  const load1 = os.loadavg();
  const minutes = (Date.now() - started) / 60000;

  // Tables: each row's medians per setup over all its pairs, and paired comparisons with 95% bootstrap intervals.
  const iv = (x: { value: number; lo: number; hi: number }, d: number, sign = false) => {
    const f = sign ? signed : fmt;
    return `${f(x.value, d)} [${f(x.lo, d)}, ${f(x.hi, d)}]`;
  };
  const table = (rows: Row[], setups: Setup[], comparisons: Array<[Setup, Setup]>) => {
    const head = `| workload | pairs | ${setups.map((s) => NAMES[s]).join(' | ')} | ${comparisons
      .map(([x, y]) => `${SHORT[x]}/${SHORT[y]} [95% CI] | ${SHORT[x]}−${SHORT[y]} [95% CI]`)
      .join(' | ')} |`;
    const rule = `|---|---:|${setups.map(() => '---:').join('|')}|${comparisons.map(() => '---:|---:').join('|')}|`;
    const body = rows.map((row) => {
      const n = Math.min(...setups.map((s) => get(row, s).filter(Number.isFinite).length).filter((k) => k > 0));
      return `| ${row.name} | ${Number.isFinite(n) ? n : 0} ${row.unit}s | ${setups.map((s) => fmt(median(get(row, s)))).join(' | ')} | ${comparisons
        .map(([x, y]) => {
          const p = cmp(row, x, y);
          return `${iv(p.ratio, 3)} | ${iv(p.diff, 2, true)}`;
        })
        .join(' | ')} |`;
    });
    return [head, rule, ...body].join('\n');
  };
  const warmTable = table(WARM_ROWS, SETUPS, [['c', 'b'], ...(BASELINE ? ([['o', 'b']] as Array<[Setup, Setup]>) : []), ['c', 'a']]);
  const coldTable = table(COLD_ROWS, COLD_SETUPS, [['c', 'b'], ['b2', 'b'], ...(BASELINE ? ([['o', 'b']] as Array<[Setup, Setup]>) : []), ['c', 'a']]);
  const workerGz = gzipSync(await readFile(root('dist/gatewayz-sw.js')), { level: 9 }).length;

  const targetRows: Array<[string, string, Verdict]> = TARGETS.map((t) => {
    const p = cmp(t.row, t.x, t.y);
    const byRatio = verdict(p.ratio, t.max !== undefined ? { max: t.max } : { min: t.min });
    const byDiff = t.maxDiffMs !== undefined ? verdict(p.diff, { max: t.maxDiffMs }) : undefined;
    const v = byDiff ? anyOf([byRatio, byDiff]) : byRatio;
    const bound = `${t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`}${t.maxDiffMs !== undefined ? ` or ≤ +${t.maxDiffMs} ms` : ''}`;
    const q = BASELINE ? ` · before (o): ${iv(cmp(t.row, 'o', t.y).ratio, 3)}` : '';
    return [`${t.label} ${bound}`, `${iv(p.ratio, 3)}; ${iv(p.diff, 2, true)} ${t.row.diffUnit ?? 'ms'} (${p.n} pairs)${q}`, v];
  });
  const yesNo = (ok: boolean): Verdict => (ok ? 'met' : 'missed');
  targetRows.push(['unwatched: fetch events reaching the worker = 0', String(unwatchedFetchEvents), yesNo(unwatchedFetchEvents === 0) /* NaN (no answer) is not 0 */]);
  targetRows.push([`worker ≤ ${WORKER_BUDGET_KIB} KiB gzipped (scripts/figures/budgets.ts)`, `${fmt(workerGz / 1024, 1)} KiB`, yesNo(workerGz <= WORKER_BUDGET_KIB * 1024)]);
  targetRows.push(['5 MB body: worker heap grows by less than the body', `${fmt(heap.download / 2 ** 20)} MB over ${DL_ROUNDS} downloads`, yesNo(heap.download < 5 * 2 ** 20)]);
  if (STORM) targetRows.push(['error storm: worker heap growth < 5 MB', `${fmt(heap.storm / 2 ** 20)} MB`, yesNo(heap.storm < 5 * 2 ** 20)]);
  const stormTable = storm
    ? [
        '| error storm (5,000 failures in 10 s) | (b) bare worker | (c) gatewayz-sw-monitor | (d) Sentry httpClientIntegration |',
        '|---|---:|---:|---:|',
        `| events that reached Sentry | ${storm.b.events} | ${storm.c.events} | ${storm.d.events} |`,
        `| page long tasks (> 50 ms) | ${(['b', 'c', 'd'] as const).map((k) => `${storm![k].longTasks.length} (max ${fmt(Math.max(0, ...storm![k].longTasks), 0)} ms)`).join(' | ')} |`,
      ].join('\n')
    : '(error storm skipped: BENCH_STORM=0)';
  const mark: Record<Verdict, string> = { met: 'yes', missed: '**no**', undecided: '**undecided** (interval straddles the bound)' };
  const targetTable = ['| target | measured: ratio [95% CI]; difference [95% CI] | met |', '|---|---|---|', ...targetRows.map(([t, v, ok]) => `| ${t} | ${v} | ${mark[ok]} |`)].join('\n');
  const loadTable = pageLoad ? pageLoadTable(pageLoad) : '(page loads skipped: BENCH_LOADS=0)';
  const startupText = startup.map(startupLine).join('\n');
  const traceText = traced.map(traceLine).join('\n');
  const profileText = profiles
    .map(
      (p) =>
        `- ${NAMES[p.setup]}, 500 ${p.what}: worker busy ${fmt(p.busyMs, 0)} ms (${fmt((p.busyMs / 500) * 1000, 0)} µs a request), of which its own script ${fmt(p.scriptMs, 0)} ms (${fmt((p.scriptMs / 500) * 1000, 0)} µs a request). Top self time: ${p.top.map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join('; ')}.`,
    )
    .join('\n');
  const loadLine = `load average at the start ${load0.map((x) => x.toFixed(2)).join(' / ')}, at the end ${load1.map((x) => x.toFixed(2)).join(' / ')} (1 / 5 / 15 min); ${fmt(minutes, 1)} min`;
  console.log(`\n${loadLine}\n\n${coldTable}\n\n${warmTable}\n\n${loadTable}\n\n${stormTable}\n\n${targetTable}\n\nstart-up traces:\n${traceText}\n\nstart-up profiles:\n${startupText}\n\nwarm profiles:\n${profileText}\n`);
  // Only the start says whether other work was running: by the end, the load average holds the bench's own browser.
  if (load0[0]! > 1) console.log(`[bench] !!! WARNING: load average above 1 at the start (${load0[0]!.toFixed(2)}): these figures are not from a quiet machine. !!!`);
  await writeReport({
    coldTable,
    warmTable,
    loadTable,
    stormTable,
    targetTable,
    version,
    profileText,
    startupText,
    traceText,
    loadLine,
    busy: load0[0]! > 1 ? { start: load0[0]!, end: load1[0]! } : undefined,
    misses: targetRows.filter(([, , v]) => v !== 'met').map(([t, , v]) => `${t} (${v})`),
  });

  await browser.close();
  await Promise.all([gateway.close(), other.close(), sentry.close(), site.close()]);
}

/**
 * Stops a setup's worker and waits until it is stopped, then a short pause:
 * the next request starts it cold. Playwright stays attached to every worker
 * (and so do the bench's sessions), and Chromium never stops a worker with
 * DevTools attached on its own, so it is stopped explicitly
 * (`ServiceWorker.stopAllWorkers`, which reaches only this page's context).
 */
async function workerStopper(session: CDPSession, none: boolean): Promise<() => Promise<void>> {
  if (none) return () => sleep(COLD_PAUSE_MS);
  const status = new Map<string, string>();
  let changed = () => {};
  session.on('ServiceWorker.workerVersionUpdated', (e: { versions: Array<{ versionId: string; runningStatus: string; status: string }> }) => {
    for (const v of e.versions) status.set(v.versionId, v.status === 'redundant' ? 'stopped' : v.runningStatus);
    changed();
  });
  await session.send('ServiceWorker.enable');
  const allStopped = () => [...status.values()].every((s) => s === 'stopped');
  return async () => {
    await session.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + 5000;
    while (!allStopped() && Date.now() < deadline) await new Promise<void>((r) => ((changed = r), setTimeout(r, 50)));
    if (!allStopped()) log('warning: a worker did not report stopped within 5 s');
    await sleep(COLD_PAUSE_MS);
  };
}

type CpuProfile = {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
};
interface StartupPhases {
  /** The script's top-level evaluation is in the profile (the profiler started in time). */
  caught: boolean;
  /** Busy ms before the script's first sample: the worker thread's set-up, reading and compiling the script. */
  beforeScript: number;
  /** Busy ms under the script's top-level function. */
  script: number;
  /** Busy ms after the evaluation began, outside it, before the first fetch handler's first sample (the event's dispatch). */
  dispatch: number;
  /** Busy ms from the first fetch handler's first sample to the first idle one: the handler (it calls respondWith) and its microtasks. */
  firstHandler: number;
  /** Busy ms after that until the profiler stopped, just after the page had its response. */
  rest: number;
  /** Wall ms from the first busy sample to the first fetch handler's first sample. */
  toHandler: number;
  /** Self ms by function over the whole profile. */
  self: Map<string, number>;
}

/**
 * A cold start's profile in phases, by the samples' order: busy time before
 * the script's first sample (the worker thread's set-up, reading and
 * compiling the script: mostly "(program)"); the script's evaluation (the
 * samples under its top-level function, the first of the script's frames to
 * appear); the event's dispatch (busy, outside the evaluation, before the
 * handler); the first fetch handler, from its first sample (a frame of the
 * script outside the evaluation, or the browser's fetch or respondWith it
 * calls) to the first idle sample; and the rest, until the page had its
 * response. Sampling cannot see a phase shorter than its interval.
 */
function startupPhases(p: CpuProfile, scriptPath: string): StartupPhases {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const rootId = p.nodes[0]!.id;
  const isScript = (id: number) => byId.get(id)!.callFrame.url.includes(scriptPath);
  /** The sample's frame just under (root), and whether any of its frames is the worker's or a fetch/respondWith call. */
  const memo = new Map<number, { top: number; inScript: boolean; handlerish: boolean }>();
  const classify = (id: number) => {
    let t = memo.get(id);
    if (t) return t;
    let n = id;
    let inScript = false;
    let handlerish = false;
    for (;;) {
      inScript ||= isScript(n);
      handlerish ||= ['fetch', 'respondWith'].includes(byId.get(n)!.callFrame.functionName);
      const up = parent.get(n);
      if (up === undefined || up === rootId) break;
      n = up;
    }
    t = { top: n, inScript, handlerish };
    memo.set(id, t);
    return t;
  };
  let scriptTop: number | undefined;
  let phase: 'before' | 'script' | 'handler' | 'rest' = 'before';
  const out: StartupPhases = { caught: false, beforeScript: 0, script: 0, dispatch: 0, firstHandler: 0, rest: 0, toHandler: NaN, self: new Map() };
  let t = 0;
  let first = NaN;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    const name = byId.get(id)!.callFrame.functionName;
    const idle = name === '(idle)';
    if (!idle && Number.isNaN(first)) first = t;
    const c = classify(id);
    if (phase === 'before' && c.inScript) {
      scriptTop = c.top;
      phase = 'script';
    } else if (phase === 'script' && c.top !== scriptTop && (c.inScript || c.handlerish)) {
      phase = 'handler';
      out.toHandler = t - first;
    } else if (phase === 'handler' && idle) {
      phase = 'rest';
    }
    if (idle) return;
    if (phase === 'before') out.beforeScript += dt;
    else if (phase === 'script') c.top === scriptTop ? (out.script += dt) : (out.dispatch += dt);
    else if (phase === 'handler') out.firstHandler += dt;
    else out.rest += dt;
    const key = isScript(id) ? `${name || '(anonymous)'} (worker script)` : name || '(native)';
    out.self.set(key, (out.self.get(key) ?? 0) + dt);
  });
  // The top-level function sits at the script's very start; an event handler never does.
  const st = scriptTop !== undefined ? byId.get(scriptTop)!.callFrame : undefined;
  out.caught = st !== undefined && st.lineNumber <= 0 && st.columnNumber <= 0;
  return out;
}

function summarizeStartup(setup: Setup, status: number, got: StartupPhases[]): StartupProfile {
  const self = new Map<string, number>();
  for (const g of got) for (const [k, v] of g.self) self.set(k, (self.get(k) ?? 0) + v / got.length);
  const med = (f: (g: StartupPhases) => number) => median(got.map(f));
  return {
    setup,
    status,
    beforeScript: med((g) => g.beforeScript),
    script: med((g) => g.script),
    dispatch: med((g) => g.dispatch),
    firstHandler: med((g) => g.firstHandler),
    rest: med((g) => g.rest),
    toHandler: med((g) => g.toHandler),
    busy: med((g) => g.beforeScript + g.script + g.dispatch + g.firstHandler + g.rest),
    caught: got.filter((g) => g.caught).length,
    profiles: got.length,
    top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8),
  };
}

function startupLine(p: StartupProfile): string {
  const warn = p.caught < p.profiles ? ` (the script's evaluation was sampled in ${p.caught} of ${p.profiles} profiles: shorter than the 50 µs interval, or the profiler started late)` : '';
  const ms = (x: number) => `${fmt(x, 1)} ms`;
  return `- ${NAMES[p.setup]}, cold start for a ${p.status}, medians of ${p.profiles} profiles${warn}: busy ${ms(p.busy)} in all; before the first respondWith: set-up before the script ${ms(p.beforeScript)}, script evaluation ${ms(p.script)}, dispatch ${ms(p.dispatch)}, first fetch handler and its microtasks ${ms(p.firstHandler)} (its first sample ${ms(p.toHandler)} after the first busy one); after it, until the page had the response, ${ms(p.rest)}. Top self time (mean a start): ${p.top.map(([k, v]) => `${k} ${fmt(v, 2)} ms`).join('; ')}.`;
}

/** One cold start as Chrome's trace saw it (ms, on the worker's thread). */
interface TracedStart {
  /** Reading the installed script from the browser (`ServiceWorkerInstalledScriptsManager::GetScriptData`). */
  getScript: number;
  /** Decoding its text (`TextResourceDecoder::Decode`; 0 when the trace has none). */
  decode: number;
  /** V8's compile of the script (`v8.compile`), and the code cache it consumed (bytes; 0: none). */
  compile: number;
  cacheBytes: number;
  cacheRejected: boolean;
  /** The script's top-level evaluation, its compile included (`EvaluateScript`). */
  evaluate: number;
  /** From the fetch event's dispatch to the worker's own fetch going out. */
  toRequest: number;
  /** From the response's headers to the respondWith answer (NaN when the trace has no such event). */
  toRespond: number;
}

type TraceEvent = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { data?: Record<string, unknown> } };

/** Traces one cold start of the worker whose script path is `script` (the worker must be stopped), around `request`. */
async function traceStart(browser: CDPSession, script: string, request: () => Promise<unknown>): Promise<TracedStart | undefined> {
  const events: TraceEvent[] = [];
  const onData = (e: { value: object[] }) => void events.push(...(e.value as TraceEvent[]));
  browser.on('Tracing.dataCollected', onData);
  const complete = new Promise<void>((resolve) => browser.once('Tracing.tracingComplete', () => resolve()));
  await browser.send('Tracing.start', { traceConfig: { includedCategories: ['v8', 'devtools.timeline', 'disabled-by-default-v8.compile', 'ServiceWorker', 'blink', 'loading'] }, transferMode: 'ReportEvents' });
  await request();
  await browser.send('Tracing.end');
  await complete;
  browser.off('Tracing.dataCollected', onData);
  const ofScript = (e: TraceEvent) => String(e.args?.data?.url ?? '').includes(script);
  const evaluate = events.find((e) => e.name === 'EvaluateScript' && ofScript(e));
  if (!evaluate) return undefined;
  const thread = events.filter((e) => e.pid === evaluate.pid && e.tid === evaluate.tid).sort((a, b) => a.ts - b.ts);
  const ms = (e: TraceEvent | undefined) => (e?.dur ?? 0) / 1000;
  const first = (name: string, after = 0) => thread.find((e) => e.name === name && e.ts >= after);
  const compile = thread.find((e) => e.name === 'v8.compile' && ofScript(e));
  const dispatch = first('ServiceWorkerGlobalScope::DispatchFetchEventForSubresource');
  const sent = dispatch && first('ResourceSendRequest', dispatch.ts);
  const received = sent && first('ResourceReceiveResponse', sent.ts);
  const respond = received && thread.find((e) => e.ts >= received.ts && /^ServiceWorkerGlobalScope::RespondToFetchEvent/.test(e.name));
  return {
    getScript: ms(first('ServiceWorkerInstalledScriptsManager::GetScriptData')),
    decode: ms(thread.find((e) => e.name === 'TextResourceDecoder::Decode' && e.ts <= evaluate.ts)),
    compile: ms(compile),
    cacheBytes: Number(compile?.args?.data?.consumedCacheSize ?? 0),
    cacheRejected: compile?.args?.data?.cacheRejected === true,
    evaluate: ms(evaluate),
    toRequest: dispatch && sent ? (sent.ts - dispatch.ts) / 1000 : NaN,
    toRespond: received && respond ? (respond.ts - received.ts) / 1000 : NaN,
  };
}

function traceLine({ setup, status, starts }: { setup: Setup; status: number; starts: TracedStart[] }): string {
  const med = (f: (t: TracedStart) => number) => fmt(median(starts.map(f).filter(Number.isFinite)), 2);
  const cached = starts.filter((t) => t.cacheBytes > 0 && !t.cacheRejected);
  const cache = cached.length > 0 ? `from V8's code cache in ${cached.length} of ${starts.length} starts (${fmt(median(cached.map((t) => t.cacheBytes)) / 1024, 1)} KiB consumed)` : `compiled from source in all ${starts.length} starts (no code cache consumed)`;
  return `- ${NAMES[setup]}, cold start for a ${status}, ${starts.length} traces: script read ${med((t) => t.getScript)} ms, decoded ${med((t) => t.decode)} ms, compiled ${med((t) => t.compile)} ms ${cache}, evaluated ${med((t) => t.evaluate)} ms (its compile included); fetch event to its request going out ${med((t) => t.toRequest)} ms; response headers to respondWith ${med((t) => t.toRespond)} ms.`;
}

interface PageLoad {
  /** Per page, in pair order. */
  script: { plain: number[]; dropin: number[] };
  task: { plain: number[]; dropin: number[] };
  bytes: { plain: number[]; dropin: number[] };
  /** The files the drop-in page fetched (the last load), with their sizes as served and gzipped. */
  files: Array<{ url: string; bytes: number; gz: number }>;
  filesPlain: Array<{ url: string; bytes: number; gz: number }>;
}

/**
 * Page-load cost of the script-tag drop-in: the same plain page with and
 * without `<script src="/gatewayz-register.js" defer>`, each load in a fresh
 * context (a first visit: nothing cached, no worker yet), alternating. Bytes
 * are what the page's responses carried (headers and body, as served: the
 * loopback server does not compress; gzipped sizes apart); script time is
 * `Performance.getMetrics`' ScriptDuration (main thread) once the load event
 * has passed and the page has been quiet 500 ms (time for the registration).
 */
async function measurePageLoads(browser: Browser, origin: string, n: number, run: number, into?: PageLoad): Promise<PageLoad> {
  const out: PageLoad = into ?? { script: { plain: [], dropin: [] }, task: { plain: [], dropin: [] }, bytes: { plain: [], dropin: [] }, files: [], filesPlain: [] };
  for (let i = 0; i < n; i++) {
    for (const which of rotation(['plain', 'dropin'] as const, i, run)) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const sizes: Array<Promise<{ url: string; bytes: number; gz: number }>> = [];
        page.on('response', (resp) => {
          sizes.push(
            (async () => {
              const s = await resp.request().sizes();
              const body = await resp.body().catch(() => Buffer.alloc(0));
              return { url: new URL(resp.url()).pathname, bytes: s.responseHeadersSize + s.responseBodySize, gz: gzipSync(body, { level: 9 }).length };
            })(),
          );
        });
        await page.goto(`${origin}/${which}.html`, { waitUntil: 'load' });
        await sleep(500);
        const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
        const metric = (k: string) => (metrics.find((m) => m.name === k)?.value ?? NaN) * 1000;
        const files = await Promise.all(sizes);
        out.script[which].push(metric('ScriptDuration'));
        out.task[which].push(metric('TaskDuration'));
        out.bytes[which].push(files.reduce((a, f) => a + f.bytes, 0));
        if (which === 'dropin') out.files = files;
        else out.filesPlain = files;
      } finally {
        await context.close();
      }
    }
  }
  return out;
}

function pageLoadTable(p: PageLoad): string {
  const row = (name: string, x: number[], y: number[], d: number) => {
    const c = paired(x, y, BOOT);
    return `| ${name} | ${c.n} | ${fmt(c.y, d)} | ${fmt(c.x, d)} | ${signed(c.diff.value, d)} [${signed(c.diff.lo, d)}, ${signed(c.diff.hi, d)}] |`;
  };
  const files = (fs: PageLoad['files']) => fs.map((f) => `\`${f.url}\` ${f.bytes.toLocaleString('en-US')} B (${f.gz.toLocaleString('en-US')} B gzipped)`).join(', ');
  return [
    '| page load (first visit) | loads | plain page | with the drop-in | difference [95% CI] |',
    '|---|---:|---:|---:|---:|',
    row(R.loadBytes.name, p.bytes.dropin, p.bytes.plain, 0),
    row(R.loadScript.name, p.script.dropin, p.script.plain, 2),
    row(R.loadTask.name, p.task.dropin, p.task.plain, 2),
    '',
    `Fetched by the plain page: ${files(p.filesPlain)}. With the drop-in: ${files(p.files)}. The worker script the registration installs is fetched by the browser, not the page, and is not counted here.`,
  ].join('\n');
}

/** The monitor's count of fetch events (its stats message); NaN if it does not answer within 5 s. */
async function fetchEvents(page: Page): Promise<number> {
  return page.evaluate(
    async ({ source, v }) => {
      const reg = await navigator.serviceWorker.getRegistration();
      return new Promise<number>((resolve) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = (e) => resolve(e.data.payload.fetchEvents);
        reg!.active!.postMessage({ source, v, type: 'stats', payload: {} }, [ch.port2]);
        setTimeout(() => resolve(NaN), 5000);
      });
    },
    { source: PROTOCOL_SOURCE, v: PROTOCOL_VERSION },
  );
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
  /** `timeoutMs`: give up waiting for the answer (an idle worker may not answer Profiler.start until it runs again). */
  const call = (s: Setup, method: string, params: object = {}, timeoutMs?: number) =>
    new Promise<any>((resolve) => {
      const sessionId = sessions.get(s);
      if (!sessionId) return resolve(undefined);
      const mid = ++id;
      pending.set(mid, resolve);
      if (timeoutMs !== undefined) setTimeout(() => (pending.delete(mid), resolve(undefined)), timeoutMs);
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
        /** `intervalUs`: the sampling interval. */
        async start(intervalUs = 200) {
          await call(s, 'Profiler.enable');
          await call(s, 'Profiler.setSamplingInterval', { interval: intervalUs });
          await call(s, 'Profiler.start', {}, 1000);
        },
        /** Stops the profiler and returns its profile as it is. */
        async raw(): Promise<CpuProfile | undefined> {
          return ((await call(s, 'Profiler.stop', {}, 10_000)) as { profile: CpuProfile } | undefined)?.profile;
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

interface Report {
  coldTable: string;
  warmTable: string;
  loadTable: string;
  stormTable: string;
  targetTable: string;
  version: string;
  profileText: string;
  startupText: string;
  traceText: string;
  loadLine: string;
  /** Set when the load average was above 1 at the start or the end. */
  busy?: { start: number; end: number };
  misses: string[];
}

async function writeReport(r: Report): Promise<void> {
  const previous = existsSync(OUT) ? await readFile(OUT, 'utf8') : '';
  const a = previous.indexOf(ENGINES_START);
  const b = previous.indexOf(ENGINES_END);
  const engines = a >= 0 && b > a ? previous.slice(a, b + ENGINES_END.length) : `${ENGINES_START}\n(run \`npm run bench:engines\` to fill this in)\n${ENGINES_END}`;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const warning = r.busy
    ? `> **Warning: this machine was busy.** The 1-minute load average was ${r.busy.start.toFixed(2)} at the start and ${r.busy.end.toFixed(2)} at the end (above 1 on ${os.cpus().length} cores): other work added noise to every row, the intervals are wider than on a quiet machine, and a target may read undecided or missed for that alone. Re-run on a quiet machine before quoting these figures.\n\n`
    : `The machine was quiet at the start (1-minute load average ${r.loadLine.match(/start ([\d.]+)/)?.[1]} on ${os.cpus().length} cores); the load at the end is the bench's own browser and servers.\n\n`;
  const body = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Re-run it to refresh this file.

${warning}## Machine

- ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}
- Node ${process.version}; ${r.version} (headless, loopback only)
- ${r.loadLine}

## Method

Setups, each in its own browser context on the same site, calling the same
gateway simulator on loopback: **(a)** no worker; **(b)** a bare pass-through
worker (\`respondWith(fetch(event.request))\`: the floor for any worker that sees
responses); **(b′)** the same with the monitor's static route, so unwatched
requests never reach it (the floor for unwatched requests); **(c)** this
monitor, through its Sentry integration;${BASELINE ? ' **(o)** the previous version of the monitor\'s worker (`BENCH_BASELINE`), with the same page bridge, for before and after in one run;' : ''}
**(d)** \`@sentry/browser\`'s \`httpClientIntegration\`, which patches \`fetch\` in
the page. Sentry's default integrations are off in (c) and (d).

**Pairs.** The bench runs ${RUNS} times. Wherever the workload allows, the
setups take turns per request (ABAB…, the order rotating by one each request
and each run): ${SEQ} watched GETs, ${SEQ} failing GETs answered 503 and ${SEQ}
GETs to an unwatched origin per setup and run, and ${COLD} cold first requests
per setup, status and run. The others take turns per round (200 concurrent
GETs: ${CONC_ROUNDS} rounds a run; a 5 MB download: ${DL_ROUNDS}; SSE first
event: ${SSE_ROUNDS}) or per run (SSE throughput and worker CPU). A pair is one
value of each setup from the same turn; the pairs of all runs are pooled.

**Statistics.** Each setup's column is the median of its values. Each
comparison is the ratio of the two medians and the median of the paired
differences x − y (in the row's unit, mostly ms), each with a 95% percentile
bootstrap interval (${BOOT.resamples.toLocaleString('en-US')} resamples of the pairs, seeded, so a re-run on the
same data gives the same interval). **A target is met only when its whole
interval is inside the bound**; missed when the whole interval is outside it;
undecided (not met) when the interval straddles it.

**Cold.** Playwright, and the bench's own DevTools sessions, stay attached to
every worker, and Chromium never stops a worker with DevTools attached, so
the bench stops it (\`ServiceWorker.stopAllWorkers\` on the setup's page,
which reaches only that context), waits until the browser reports it stopped,
pauses ${COLD_PAUSE_MS} ms, then times one fetch from the page: the browser
starts the worker, runs its script, dispatches the fetch event. (a) pauses the
same and fetches. Playwright's own auto-attach holds each worker start for a
round trip to the test process, in every setup alike.

**Timing.** Latency is measured in the page from \`fetch()\` to the end of the
body (\`performance.now()\`, which Chromium coarsens to 0.1 ms without
cross-origin isolation); the runner asks the pages for one request at a time,
so requests are not back to back. SSE throughput reads a 10,000-event stream
sent at 1,000 events/s through \`fetch\`; worker CPU is the non-idle time of a
CPU profile of that setup's worker over those 10 s. Worker heap is
\`Runtime.getHeapUsage\` after a forced GC. The error storm (once, after the runs) sends
5,000 failing requests over 10 s.

**Page load.** A plain page (\`bench/page/plain.html\`) against the same page
with the script-tag drop-in (\`bench/page/dropin.html\`), each load a first
visit in a fresh context, alternating: bytes of every response the page got
(headers and body as served; loopback is not compressed, so gzipped sizes are
given apart), and the main thread's script and task time
(\`Performance.getMetrics\`: ScriptDuration, TaskDuration) once the load event
has passed and 500 ms more.

## Cold: the first request after the worker stopped

${r.coldTable}

## Warm: results (medians over all pairs; comparisons with 95% bootstrap intervals)

${r.warmTable}

${r.stormTable}

## Page load: the script-tag drop-in

${r.loadTable}

## Targets

${r.targetTable}

${r.misses.length === 0 ? 'Every target was met.' : `Not met: ${r.misses.join('; ')}. See "Where the time goes".`}

## Where the time goes

- On loopback a request takes well under a millisecond of network time, so
  every microsecond a worker adds shows up large in the ratios; on a real
  network the same absolute cost is a much smaller fraction.
- Start-up, from Chrome's trace (${STARTUP_TRACES} cold starts a setup and
  status, run 1; categories \`v8\`, \`devtools.timeline\`, \`ServiceWorker\`,
  \`blink\`, \`loading\`, \`disabled-by-default-v8.compile\`): the worker thread's steps from its
  start to the page's response, by the trace's own events. **Script:** reading
  the installed script (\`GetScriptData\`), decoding it, compiling it (V8's
  code cache: the bytes consumed, or none) and evaluating it. **Fetch:** from
  the fetch event's dispatch to the moment the worker's own \`fetch()\` went
  out (\`ResourceSendRequest\`), and from the response's headers back to the
  \`respondWith\` answer. Medians; tracing adds little, unlike the profiler.

${r.traceText}

- Start-up: CPU profiles of cold starts (sampled every 50 µs, ${STARTUP_PROFILES}
  a setup and status, run 1). The profiler is started on the worker's DevTools
  session before the worker is stopped; the session starts it again when the
  worker starts, before its script runs, so a profile covers the whole start
  (it counts as caught when the script's top-level evaluation is in it).
  Everything before the first \`respondWith\` is split by the samples' order:
  the set-up before the script (the worker thread, reading and compiling the
  script: mostly \`(program)\`), the script's evaluation, the event's dispatch,
  and the first fetch handler (which calls \`respondWith\`) with its microtasks;
  then what ran until the page had the response. Top self time is over the
  whole profile. Profiling at 50 µs slows the worker, so these add up to more
  than the cold rows' differences; compare (b) and (c) with each other. The
  set-up before the script is much longer for (c) here than in the traces
  above: with the profiler running, V8 does not take the script from its code
  cache (the traces show it does when nothing profiles), so read that phase
  from the traces.

${r.startupText}

- Warm: CPU profiles of the workers in this run (sampled every 200 µs; \`npm
  run bench:profile\` gives a finer one of the monitor alone):

${r.profileText}

- The worker's own script is a small part of its busy time; most of it is the
  browser's \`fetch\` and the promise and stream machinery any worker that
  answers with \`respondWith(fetch())\` pays, which (b) pays too. What (c) adds
  over (b) on a success is its script's time above, plus the turns of the
  event loop between the response's headers and \`respondWith\`.
- A failing request pays one IndexedDB transaction before the page gets it
  (write-ahead: the failure is stored before anything can lose it). It reads
  two things at once (the quota gate's one record and the outbox count) and
  puts two at once (that record and the report), so it waits for two round
  trips to the browser's storage process and the commit. The profile above shows the
  rest: IndexedDB's own calls in the worker (\`transaction\`, \`get\`, \`put\`,
  \`count\`) take more CPU than the monitor's script. A cold failing request
  pays opening the database too.
- Requests to an unwatched origin never reach the worker (the fetch-event count
  is 0: a static route sends them to the network), so (c) and (b′) differ there
  only by noise.

## Engines

${engines}
`;
  await writeFile(OUT, body);
  log(`wrote ${OUT}`);
}

await main();
