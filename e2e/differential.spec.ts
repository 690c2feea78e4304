/**
 * Differential fuzz: the same seeded request/response pairs, run from a page
 * with no worker and from a page the monitor controls, must look the same to
 * the API (method, URL, headers, body bytes, cookies; preflights and redirect
 * hops included) and to the page (status, statusText, ok, redirected, type,
 * url, every readable header, body bytes). Any difference fails with its seed,
 * its case and the command that replays it, unless `knownDifferences.ts`
 * accepts it with a reason; a third page, controlled by a plain pass-through
 * worker, checks each accepted difference's cause on every run.
 *
 *   npm test                      seed 1515, 320 cases
 *   npm run fuzz                  3000 cases, a fresh seed (printed)
 *   FUZZ_SEED=N npm run fuzz      that seed again
 *   FUZZ_SEED=N FUZZ_CASE=i npx playwright test e2e/differential.spec.ts   one case, printed in full
 */
import type { Browser, BrowserContext, Page, Worker } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appUrl, expect, openApp, test } from './fixtures.js';
import { compareCase, type Difference, type Run } from './differential/compare.js';
import { describeCase, generateCase, reachesWorker, type DiffCase } from './differential/generate.js';
import { ACCEPTED, judge, OPEN_WORKER_BUGS } from './differential/knownDifferences.js';
import { PASS_THROUGH_WORKER } from './differential/passThroughWorker.js';
import { logIn, runCases } from './differential/runCases.js';
import { startDifferentialServer, type DifferentialServer } from './differential/server.js';

const DEFAULT_SEED = 1515;
const envInt = (name: string): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${v} is not a whole number ≥ 0; set it to one, e.g. ${name}=${name === 'FUZZ_SEED' ? DEFAULT_SEED : 300}.`);
  return n;
};
// `npm run fuzz` sets FUZZ_CASES and no seed: a fresh seed, drawn once in the runner's process
// and inherited by its Playwright workers through the environment, so every worker agrees.
if (process.env.FUZZ_CASES && !process.env.FUZZ_SEED && !process.env.FUZZ_RUN_SEED) process.env.FUZZ_RUN_SEED = String(Date.now() % 1_000_000_007);
const SEED = envInt('FUZZ_SEED') ?? envInt('FUZZ_RUN_SEED') ?? DEFAULT_SEED;
const CASES = envInt('FUZZ_CASES') ?? 320;
const ONLY = envInt('FUZZ_CASE');
/** Cases per test (one set of pages), and per `Promise.all` from the page within it. */
const PER_TEST = 80;
const PER_GROUP = 20;

const dtest = test.extend<object, { diff: DifferentialServer }>({
  diff: [
    async ({}, use) => {
      const server = await startDifferentialServer();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

type Servers = Parameters<typeof openApp>[1];
type SideName = 'bare' | 'control' | 'monitor';

interface Outcome {
  cases: DiffCase[];
  /** Per case: the three runs. */
  runs: Array<Record<SideName, Run>>;
  /** Cases the browser hands to a worker: each must have reached both workers. */
  built: number;
  /** Their requests (a repeated case makes two): each is one fetch event in the monitor. */
  requests: number;
  notThrough: string[];
  fetchEvents: number;
  monitorConsole: string[];
  internalErrors: number;
}

const replay = (c: { seed: number; index: number }) => `FUZZ_SEED=${c.seed} FUZZ_CASE=${c.index} npx playwright test e2e/differential.spec.ts`;

/** The differences, by case, with the command that replays each; `control` marks those a plain pass-through worker makes too. */
function report(differences: Difference[], cases: DiffCase[], control: Difference[] = []): string {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const byCase = new Map<string, Difference[]>();
  for (const d of differences) byCase.set(d.id, [...(byCase.get(d.id) ?? []), d]);
  const inControl = (d: Difference) => control.some((x) => x.id === d.id && x.field === d.field && JSON.stringify(x.worker) === JSON.stringify(d.worker));
  return [...byCase.entries()]
    .map(([id, ds]) => {
      const c = byId.get(id)!;
      const lines = ds.map((d) => `    ${d.side} ${d.field}: without worker ${JSON.stringify(d.bare)}, with the monitor ${JSON.stringify(d.worker)}${inControl(d) ? ' (a plain pass-through worker too)' : ''}`);
      return [`  seed ${c.seed} case ${c.index} (${id}): ${describeCase(c)}`, ...lines, `    replay: ${replay(c)}`].join('\n');
    })
    .join('\n');
}

/** Watches a context's service worker: the cases it fetched itself, and what it logs as an error or warning. */
function watchWorker(context: BrowserContext, logged: string[]): Set<string> {
  const fetched = new Set<string>();
  context.on('request', (r) => {
    const m = r.serviceWorker() && /\/c\/([^/]+)\/h0\//.exec(r.url());
    if (m) fetched.add(m[1]!);
  });
  const listen = (w: Worker) => w.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && logged.push(m.text()));
  context.on('serviceworker', listen);
  for (const w of context.serviceWorkers()) listen(w);
  return fetched;
}

const fetchEvents = async (page: Page) => (await page.evaluate(() => window.harness.stats()))?.fetchEvents ?? Number.NaN;

/**
 * Runs the cases on three pages at the same URL (so `Referer` is the same): no worker
 * (service workers blocked), the plain pass-through worker (served in place of the
 * monitor while its page registers) and the monitor (the test's own page).
 */
async function runDifferential(cases: DiffCase[], { page, context, browser, servers, diff }: { page: Page; context: BrowserContext; browser: Browser; servers: Servers; diff: DifferentialServer }): Promise<Outcome> {
  const monitor = { origins: [diff.origins.api, diff.origins.other], maxEventsPerMinute: 10_000, burstPerMinute: 100_000 };
  const url = appUrl(servers, { monitor });
  const opened: BrowserContext[] = [];
  const open = async (serviceWorkers: 'allow' | 'block'): Promise<Page> => {
    const ctx = await browser.newContext({ serviceWorkers });
    opened.push(ctx);
    const p = await ctx.newPage();
    await p.goto(url);
    await p.waitForFunction(() => typeof window.harness === 'object');
    return p;
  };
  const monitorConsole: string[] = [];
  try {
    const bare = await open('block');
    servers.site.override('/gatewayz-sw.js', PASS_THROUGH_WORKER);
    const control = await open('allow');
    const controlFetched = watchWorker(control.context(), []);
    expect(await control.evaluate(() => window.harness.ready()), 'the pass-through worker controls its page').toBe(true);
    servers.site.clearOverrides();
    const monitorFetched = watchWorker(context, monitorConsole);
    await openApp(page, servers, { monitor });
    const pages: Record<SideName, Page> = { bare, control, monitor: page };

    // The API's session cookies, set in every context the same way.
    const cookies = { bare: await bare.evaluate(logIn, diff.origins), control: await control.evaluate(logIn, diff.origins), monitor: await page.evaluate(logIn, diff.origins) };
    expect(cookies.monitor).toEqual(cookies.bare);
    expect(cookies.control).toEqual(cookies.bare);
    expect(cookies.bare.api, 'the API session cookie, sent with credentials').toContain('diff_sid=fixed-session');

    diff.register(cases);
    const out: Outcome = { cases, runs: [], built: 0, requests: 0, notThrough: [], fetchEvents: 0, monitorConsole, internalErrors: 0 };
    for (let g = 0; g < cases.length; g += PER_GROUP) {
      const group = cases.slice(g, g + PER_GROUP);
      const input = { origins: diff.origins, cases: group.map((c) => ({ id: c.id, request: c.request })), deadlineMs: 20_000 };
      const before = await fetchEvents(page);
      const runs = group.map(() => ({}) as Record<SideName, Run>);
      // One page at a time, so the API's record of a case is that page's alone.
      for (const name of ['bare', 'control', 'monitor'] as const) {
        const results = await pages[name].evaluate(runCases, input);
        group.forEach((c, k) => (runs[k]![name] = { page: results[k]!, api: diff.take(c.id) }));
      }
      out.fetchEvents += (await fetchEvents(page)) - before;
      group.forEach((c, k) => {
        if (runs[k]!.monitor.page.refused !== undefined || !reachesWorker(c)) return;
        out.built++;
        out.requests += c.request.repeat ? 2 : 1;
        if (!controlFetched.has(c.id)) out.notThrough.push(`pass-through worker: ${c.id}: ${describeCase(c)}`);
        if (!monitorFetched.has(c.id)) out.notThrough.push(`monitor: ${c.id}: ${describeCase(c)}`);
      });
      out.runs.push(...runs);
    }
    out.internalErrors = (await page.evaluate(() => window.harness.stats()))?.internalErrors ?? Number.NaN;
    if (ONLY !== undefined) {
      for (const [k, c] of cases.entries()) console.log(`case ${c.index}: ${JSON.stringify(c, null, 1)}\nresults: ${JSON.stringify(Object.fromEntries(Object.entries(out.runs[k]!).map(([n, r]) => [n, r.page])), null, 1)}`);
      console.log(`monitor console: ${JSON.stringify(monitorConsole)}`);
    }
    return out;
  } finally {
    await Promise.all(opened.map((ctx) => ctx.close()));
  }
}

const indices = ONLY !== undefined ? [ONLY] : Array.from({ length: CASES }, (_, i) => i);
const batches: number[][] = [];
for (let i = 0; i < indices.length; i += PER_TEST) batches.push(indices.slice(i, i + PER_TEST));

test.describe(`differential fuzz, seed ${SEED}`, () => {
  for (const batch of batches) {
    const range = `${batch[0]}..${batch[batch.length - 1]}`;
    dtest(`cases ${range}: the API and the page see the same with and without the worker`, async ({ page, context, browser, servers, diff }) => {
      test.setTimeout(240_000);
      console.log(`differential fuzz: seed ${SEED}, cases ${range} (replay: FUZZ_SEED=${SEED})`);
      const cases = batch.map((i) => generateCase(SEED, i));
      const out = await runDifferential(cases, { page, context, browser, servers, diff });

      const unexplained: Difference[] = [];
      const controlDifferences: Difference[] = [];
      const unverified: string[] = [];
      const accepted = new Map<string, number>();
      const bugCases = new Map<string, string[]>();
      cases.forEach((c, k) => {
        const r = out.runs[k]!;
        const control = compareCase(c, r.bare, r.control);
        controlDifferences.push(...control);
        const verdict = judge(c, compareCase(c, r.bare, r.monitor), control);
        unexplained.push(...verdict.unexplained);
        unverified.push(...verdict.unverified);
        for (const [id, n] of verdict.accepted) accepted.set(id, (accepted.get(id) ?? 0) + n);
        if (verdict.bug) bugCases.set(verdict.bug.id, [...(bugCases.get(verdict.bug.id) ?? []), `case ${c.index}`]);
      });
      // What an open bug's cases log in the worker is that bug's (a line per request it broke;
      // a repeated case can log twice); anything else logged is not accepted.
      const bugLogs = OPEN_WORKER_BUGS.filter((b) => bugCases.has(b.id) && b.logs);
      const isBugLog = (line: string) => bugLogs.some((b) => b.logs!.test(line));
      const otherConsole = out.monitorConsole.filter((line) => !isBugLog(line));
      const bugOccurrences = out.monitorConsole.filter(isBugLog).length;

      const summary = [
        `differential fuzz seed ${SEED}, cases ${range}: ${cases.length} cases, ${out.built} through both workers, ${unexplained.length} unexplained differences`,
        [...accepted].map(([id, n]) => `${id} ×${n}`).join(', ') || 'none accepted',
        [...bugCases].map(([id, list]) => `open bug ${id}: ${list.join(', ')}`).join('; '),
      ].filter(Boolean);
      test.info().annotations.push({ type: 'summary', description: summary.join('; ') });
      console.log(summary.join('\n'));

      expect(unexplained, `differences (seed ${SEED}):\n${report(unexplained, cases, controlDifferences)}`).toEqual([]);
      expect(unverified, 'accepted differences whose cause the pass-through worker contradicts').toEqual([]);
      // Every request the browser built reached the worker: otherwise the comparison proves nothing.
      expect(out.notThrough, 'cases a worker never fetched').toEqual([]);
      expect(out.fetchEvents, 'fetch events the monitor saw').toBe(out.requests);
      expect(otherConsole, 'monitor console errors and warnings').toEqual([]);
      expect(out.internalErrors, 'errors inside the monitor (beyond open bugs)').toBe(bugOccurrences);
    });
  }
});

/**
 * Open worker bugs the fuzz found: each runs the seeded cases that show it and
 * fails until the worker is fixed (see the bug's `where` for the place and the fix).
 */
test.describe('differential fuzz: open worker bugs', () => {
  for (const bug of OPEN_WORKER_BUGS) {
    dtest(`worker bug ${bug.id}: ${bug.title}`, async ({ page, context, browser, servers, diff }) => {
      test.setTimeout(120_000);
      const cases: DiffCase[] = [];
      for (let i = 0; cases.length < 6 && i < 20_000; i++) {
        const c = generateCase(DEFAULT_SEED, i);
        if (bug.shows(c)) cases.push(c);
      }
      expect(cases.length, 'seeded cases that show the bug').toBe(6);
      const out = await runDifferential(cases, { page, context, browser, servers, diff });
      const differences = cases.flatMap((c, k) => compareCase(c, out.runs[k]!.bare, out.runs[k]!.monitor));
      console.log(`${bug.id}: ${bug.where}`);
      expect(differences, `${bug.title} (seed ${DEFAULT_SEED}):\n${report(differences, cases)}\n${bug.where}`).toEqual([]);
      expect(out.internalErrors, 'errors inside the monitor').toBe(0);
    });
  }
});

test('differential fuzz: the generator covers every dimension the issue lists within the default run', () => {
  const cases = Array.from({ length: 320 }, (_, i) => generateCase(DEFAULT_SEED, i));
  const seen = (f: (c: DiffCase) => unknown) => new Set(cases.map(f));
  const hop = (c: DiffCase) => c.hops[c.hops.length - 1]!;
  expect([...seen((c) => c.request.method)].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  expect([...seen((c) => c.request.body.kind)].sort()).toEqual(['blob', 'bytes', 'form', 'json', 'none', 'params', 'stream', 'text']);
  expect([...seen((c) => c.request.redirect)].sort()).toEqual(['error', 'follow', 'manual']);
  expect([...seen((c) => c.request.credentials)].sort()).toEqual(['include', 'omit', 'same-origin']);
  expect(seen((c) => c.request.cache).size).toBeGreaterThanOrEqual(5);
  expect([...seen((c) => c.request.keepalive)].sort()).toEqual([false, true]);
  expect(seen((c) => c.request.referrerPolicy).size).toBe(9);
  expect(seen((c) => c.request.headers.map(([n]) => n)).size).toBeGreaterThan(20);
  for (const name of ['authorization', 'content-type', 'x-diff-custom']) expect(cases.some((c) => c.request.headers.some(([n]) => n === name)), name).toBe(true);
  const statuses = seen((c) => hop(c).status);
  for (const s of [200, 204, 304, 404, 429, 500, 503]) expect(statuses.has(s), `status ${s}`).toBe(true);
  expect([...seen((c) => hop(c).body.kind)].sort()).toEqual(['binary', 'empty', 'html', 'json', 'ndjson', 'sse', 'text']);
  expect([...seen((c) => hop(c).encoding)].sort()).toEqual(['br', 'deflate', 'gzip', 'identity']);
  expect([...seen((c) => hop(c).framing)].sort()).toEqual(['chunked', 'length']);
  expect(cases.some((c) => hop(c).headersDelayMs > 0) && cases.some((c) => hop(c).chunkDelayMs > 0), 'slow headers and slow bodies').toBe(true);
  expect(cases.some((c) => hop(c).cut), 'a cut body').toBe(true);
  expect([...seen((c) => c.hops[0]!.redirectTo?.server)].sort()).toEqual(['api', 'other', undefined]);
  expect(cases.some((c) => c.hops.some((h) => h.headers.some(([n]) => n === 'set-cookie'))), 'set-cookie').toBe(true);
  expect(cases.some((c) => c.hops.some((h) => h.headers.some(([n]) => n === 'vary'))), 'vary').toBe(true);
  expect(seen((c) => JSON.stringify(hop(c).expose === null ? null : hop(c).expose === '*' ? '*' : 'list')).size, 'exposed and unexposed headers').toBe(3);
  expect(cases.some((c) => c.request.method === 'HEAD' && hop(c).framing === 'length' && hop(c).body.size > 0), 'HEAD with a body length').toBe(true);
  expect(cases.some((c) => hop(c).status >= 600), 'a status past 599').toBe(true);
  expect(cases.some((c) => c.request.repeat && hop(c).headers.some(([n, v]) => n === 'cache-control' && v.includes('max-age=60'))), 'a repeated request meeting a cached answer').toBe(true);
});

test("differential fuzz: the README's \"What it changes\" lists every accepted difference", () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const at = readme.indexOf('### What it changes');
  expect(at, 'README.md has a "What it changes" section').toBeGreaterThan(0);
  const section = readme.slice(at);
  for (const a of ACCEPTED) expect(section, a.id).toContain(a.what);
});
