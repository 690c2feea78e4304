/**
 * `npm run bench:engines`: what the monitor costs on the watched path in each
 * engine the engines suite drives (Chromium, Firefox, WebKitGTK), against a
 * bare pass-through worker in the same engine. It reuses the benchmark page
 * (bench/page/: setup (b) `respondWith(fetch(event.request))`, setup (c) the
 * monitor through its Sentry integration) and the engines suite's drivers.
 *
 * Sequential watched GETs in slices that alternate between (b) and (c), so a
 * slow moment of the machine falls on both; each slice is timed as a whole in
 * the page (Firefox and WebKit coarsen `performance.now()`, so one request's
 * latency is too fine to read there) and the table gives the median
 * milliseconds per request over the slices.
 *
 * `main()` prints the table and writes it into BENCHMARKS.md between
 * `<!-- bench-engines:start -->` and `<!-- bench-engines:end -->`;
 * `runEngineBench()` returns it for bench/run.ts to include. Bundled one folder
 * deep (dist/bench-engines.mjs, as bench/run.ts is bundled to dist/bench.mjs), so
 * `root()` below resolves from either place.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchEngine } from '../e2e/engines/drivers/index.js';
import { ENGINES, type EngineDriver, type EngineName } from '../e2e/engines/drivers/types.js';
import { startGatewaySimulator } from '../e2e/servers/gatewaySimulator.js';
import { startSiteServer, type SiteServer } from '../e2e/servers/siteServer.js';
import { startSentryRecorder } from '../src/playwright/sentryRecorder.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const START = '<!-- bench-engines:start -->';
const END = '<!-- bench-engines:end -->';

export interface EngineBenchOptions {
  engines?: readonly EngineName[];
  /** Slices per setup (default 10, or BENCH_ENGINE_SLICES). */
  slices?: number;
  /** Sequential requests per slice (default 100). */
  perSlice?: number;
  log?: (line: string) => void;
}

export interface EngineBenchRow {
  engine: EngineName;
  version: string;
  /** Median over slices of milliseconds per request: (b) bare pass-through worker, (c) the monitor. */
  bare: number;
  monitor: number;
  /** Median single-request latency as the page's clock reads it, and that clock's resolution. */
  bareLatency: number;
  monitorLatency: number;
  clockResolutionMs: number;
  requests: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
/** A clock step in whole microseconds (the subtraction leaves float noise), shown in ms from 1 ms up. */
const clockText = (ms: number) => {
  const us = Math.round(ms * 1000);
  return us >= 1000 ? `${fmt(us / 1000, us % 1000 ? 1 : 0)} ms` : `${us} µs`;
};

/** One slice: n sequential GETs through the page's setup, timed as a whole and one by one. */
function slice(n: number): Promise<{ wall: number; each: number[] }> {
  const w = window as unknown as { bench: { sequential(n: number): Promise<number[]> } };
  const t = performance.now();
  return w.bench.sequential(n).then((each) => ({ wall: performance.now() - t, each }));
}

/** The smallest step performance.now() takes in this page. */
function clockResolution(): number {
  let min = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = a;
    while (b === a) b = performance.now();
    min = Math.min(min, b - a);
  }
  return min;
}

async function open(driver: EngineDriver, site: SiteServer, setup: 'b' | 'c', api: string, dsn: string): Promise<void> {
  await driver.goto(`${site.origin}/?setup=${setup}&api=${encodeURIComponent(api)}&dsn=${encodeURIComponent(dsn)}`);
  const ready = await driver.evaluate(async () => {
    const deadline = Date.now() + 20_000;
    while (!('bench' in window)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return (window as unknown as { bench: { ready(): Promise<boolean> } }).bench.ready();
  }, undefined);
  if (!ready) throw new Error(`bench:engines: the bench page (setup ${setup}) did not come up in ${driver.engine}`);
}

export async function runEngineBench(options: EngineBenchOptions = {}): Promise<{ rows: EngineBenchRow[]; markdown: string }> {
  const engines = options.engines ?? ENGINES;
  const slices = options.slices ?? Number(process.env.BENCH_ENGINE_SLICES ?? 10);
  const perSlice = options.perSlice ?? 100;
  const log = options.log ?? ((line: string) => console.log(`[bench:engines] ${line}`));
  const loadAtStart = os.loadavg()[0]!;
  const gateway = await startGatewaySimulator();
  const sentry = await startSentryRecorder();
  // One origin per setup: each has its own worker registration.
  const mounts: Array<[string, string]> = [
    ['/gatewayz-sw.js', root('dist/gatewayz-sw.js')],
    ['/bench.js', root('bench/.build/bench.js')],
    ['/', root('bench/page')],
  ];
  const sites = { b: await startSiteServer(mounts), c: await startSiteServer(mounts) };
  const rows: EngineBenchRow[] = [];
  try {
    for (const engine of engines) {
      const driver = await launchEngine(engine);
      try {
        for (const s of ['b', 'c'] as const) {
          await open(driver, sites[s], s, gateway.origin, sentry.dsn);
          await driver.evaluate(slice, 50); // warm-up: connections, JIT, the worker started
        }
        const clock = await driver.evaluate(clockResolution, undefined);
        const out = { b: [] as Array<{ wall: number; each: number[] }>, c: [] as Array<{ wall: number; each: number[] }> };
        for (let i = 0; i < slices; i++) {
          for (const s of i % 2 ? (['c', 'b'] as const) : (['b', 'c'] as const)) {
            await open(driver, sites[s], s, gateway.origin, sentry.dsn);
            out[s].push(await driver.evaluate(slice, perSlice));
          }
        }
        const perRequest = (xs: typeof out.b) => median(xs.map((x) => x.wall / perSlice));
        const row: EngineBenchRow = {
          engine,
          version: driver.version,
          bare: perRequest(out.b),
          monitor: perRequest(out.c),
          bareLatency: median(out.b.flatMap((x) => x.each)),
          monitorLatency: median(out.c.flatMap((x) => x.each)),
          clockResolutionMs: clock,
          requests: slices * perSlice,
        };
        rows.push(row);
        log(`${row.version}: (b) ${fmt(row.bare)} ms, (c) ${fmt(row.monitor)} ms per request, (c)/(b) ${fmt(row.monitor / row.bare, 3)}`);
      } finally {
        await driver.close();
      }
    }
  } finally {
    await Promise.all([gateway.close(), sentry.close(), sites.b.close(), sites.c.close()]);
  }
  return { rows, markdown: engineBenchMarkdown(rows, slices, perSlice, { start: loadAtStart, end: os.loadavg()[0]! }) };
}

export function engineBenchMarkdown(rows: EngineBenchRow[], slices: number, perSlice: number, load?: { start: number; end: number }): string {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}${load ? `, load average ${fmt(load.start, 1)} at the start and ${fmt(load.end, 1)} at the end (other work on the machine adds to both setups' times and moves the ratios)` : ''}`;
  return [
    '## Engines: sequential watched GETs',
    '',
    `Written by \`npm run bench:engines\` on ${new Date().toISOString().slice(0, 10)}; ${machine}. In each engine the engines suite drives`,
    '(e2e/engines/drivers/), the benchmark page\'s setups (b) a bare pass-through worker and (c) this monitor, each on its',
    `own origin, ${slices} slices of ${perSlice} sequential GETs each, alternating between (b) and (c). A slice is timed as a whole`,
    'in the page; the table gives the median milliseconds per request over the slices, and the median single latency as',
    "the page's clock reads it (Firefox and WebKit coarsen `performance.now()` to the resolution shown).",
    '',
    '| engine | (b) bare worker: ms per request | (c) gatewayz-sw-monitor: ms per request | (c)/(b) | median latency (b) / (c), ms | clock resolution |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.version} | ${fmt(r.bare)} | ${fmt(r.monitor)} | ${fmt(r.monitor / r.bare, 3)} | ${fmt(r.bareLatency)} / ${fmt(r.monitorLatency)} | ${clockText(r.clockResolutionMs)} |`,
    ),
    '',
  ].join('\n');
}

/** `npm run bench:engines`: runs, prints, and puts the table into BENCHMARKS.md (its own block). */
export async function main(): Promise<void> {
  const { markdown } = await runEngineBench();
  console.log(`\n${markdown}`);
  const path = root('BENCHMARKS.md');
  const current = await readFile(path, 'utf8').catch(() => '');
  const block = `${START}\n${markdown}${END}`;
  const a = current.indexOf(START);
  const b = current.indexOf(END);
  const next = a >= 0 && b > a ? current.slice(0, a) + block + current.slice(b + END.length) : `${current.trimEnd()}\n\n${block}\n`;
  await writeFile(path, next);
  console.log('[bench:engines] wrote its block in BENCHMARKS.md');
}
