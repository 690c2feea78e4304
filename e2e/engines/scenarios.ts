/**
 * The engines suite's scenarios, written once and run in Chromium, Firefox
 * and WebKitGTK through the driver interface (drivers/). Per-site scenarios
 * run on the script-tag path and on the Vite path; the others measure the
 * engine itself (the fallbacks) or use fixtures of their own (fail-open).
 *
 * Every scenario asserts what a user relies on, field by field, and records
 * what it measured for the feature × engine table (features.ts).
 */
import { expect } from '@playwright/test';
import type { Event } from '@sentry/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectSeedShape, type SeedShape } from '../expectEvent.js';
import { blobBytes, sha256, type FaultRule } from '../servers/gatewaySimulator.js';
import type { EngineDriver, EngineName, LaunchOptions } from './drivers/types.js';
import type { FeatureId } from './features.js';
import { abortFetch, askProbe, call, callAll, controlState, flush, hashAll, readStream, readThenCancel, startFetch, stats, updateWorker, workerInfo, type CallResult } from './page.js';
import { load, startSentryAppSite, startSite as startSiteWith, TIMEOUT_MS, type FailOpenMode, type Site, type SiteOptions, type SitePath, type World } from './world.js';

export interface ScenarioContext {
  engine: EngineName;
  /** The worker's shared browser of this engine; a page in it. */
  driver: EngineDriver;
  world: World;
  /** The adoption path, for per-site scenarios. */
  site?: SitePath;
  /** Unique per test: the `gateway` parameter of its requests, so its events are told apart. */
  tag: string;
  /** A browser of its own (closed after the test). */
  launch(options?: LaunchOptions): Promise<EngineDriver>;
  /** A site on a fresh origin (closed after the test); the test's own path by default. */
  startSite(path?: SitePath): Promise<Site>;
  startFailOpenSite(mode: FailOpenMode): Promise<Site>;
  startProbeSite(): Promise<Site>;
  /** Records a measured value for the table (short and stable), with what was seen in detail. */
  record(feature: FeatureId, value: string, detail?: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  /** Runs on both adoption paths. */
  perSite: boolean;
  features: FeatureId[];
  timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(100);
  }
}

/** Events the recorder accepted for this gateway tag. */
const eventsFor = (world: World, gateway: string) => world.sentry.events.map((r) => r.event).filter((e) => e.tags?.gateway === gateway);

/** Error texts carry ports, which change every run; the table needs stable text. */
const stable = (s: string) => s.replace(/:\d{2,5}\b/g, ':PORT');

/** The seed's shape (e2e/expectEvent.ts). The engines' sites add no tags of their own; `online` is true unless said. */
function expectSeedEvent(e: Event, x: SeedShape & { online?: boolean }): void {
  expectSeedShape(e, { ...x, context: { online: x.online ?? true, ...x.context } });
}

/**
 * The recorder's wait, with the worker's counters in the error when it times
 * out: whether the reports were made, stored, offered to the page or delivered.
 */
async function eventsFrom(driver: EngineDriver, world: World, count: number, predicate: (e: Event) => boolean, timeoutMs: number): Promise<Event[]> {
  try {
    return await world.sentry.waitForEvents(count, predicate, timeoutMs);
  } catch (err) {
    const counters = await driver.evaluate(stats, undefined).catch((e: unknown) => `unavailable (${String(e)})`);
    const envelopes = world.sentry.envelopes.length;
    // Whether asking the worker gets them out: tells a relay that never sent from a page that never delivered.
    const afterFlush = await driver.evaluate(flush, undefined).catch((e: unknown) => `unavailable (${String(e)})`);
    await sleep(3000);
    const matching = () => world.sentry.events.map((r) => r.event).filter(predicate).length;
    const flushed = matching();
    // And whether the next load of the page (its bridge says hello again) gets them out.
    const url = await driver.evaluate(() => location.href, undefined).catch(() => undefined);
    if (url?.startsWith('http')) await driver.goto(url).catch(() => {});
    await sleep(5000);
    throw new Error(
      `${(err as Error).message}; the worker's counters: ${JSON.stringify(counters)}; envelopes received: ${envelopes}; ` +
        `after asking the worker to flush: ${JSON.stringify(afterFlush)}, ${flushed} matching event(s) within 3 s; after reloading the page, ${matching()} within 5 s`,
    );
  }
}

const eventFrom = async (driver: EngineDriver, world: World, predicate: (e: Event) => boolean, timeoutMs: number): Promise<Event> =>
  (await eventsFrom(driver, world, 1, predicate, timeoutMs))[0]!;

async function loaded(driver: EngineDriver, site: Site): Promise<void> {
  expect(await load(driver, site), `${site.origin} controlled by the monitor`).toEqual({ controlled: true, observing: true });
}

/** The first event an envelope carried for this gateway tag, answered or refused. */
function sentEventId(world: World, gateway: string): string | undefined {
  for (const envelope of world.sentry.envelopes) {
    for (const [header, payload] of envelope[1]) {
      if (header.type === 'event' && (payload as Event).tags?.gateway === gateway) return (payload as Event).event_id;
    }
  }
  return undefined;
}

const isError = (r: CallResult | undefined): r is { error: string } => !!r && 'error' in r;

const classify: Scenario = {
  id: 'classify',
  title: 'every failure kind becomes one event, checked field by field; the page gets the answer untouched',
  perSite: true,
  features: ['classify', 'network_error_message'],
  async run({ world, driver, tag, startSite, record }) {
    const { api, sim } = world;
    const site = await startSite();
    await loaded(driver, site);
    const q = `?gateway=${tag}`;
    /** Each kind: what the API does, what the page must get, and the event it must become. */
    const cases: Array<{
      fault: FaultRule;
      init?: RequestInit;
      answer?: { status: number; body: string };
      event: Pick<SeedShape, 'message' | 'level' | 'kind' | 'status' | 'statusCode' | 'context'> & { method?: string };
    }> = [
      {
        fault: { path: '/v1/client-error', status: 404, body: '{"error":"Not Found"}', headers: { 'x-request-id': 'rid-404' } },
        answer: { status: 404, body: '{"error":"Not Found"}' },
        event: { message: 'Backend API GET /v1/client-error failed: 404 Not Found', level: 'warning', kind: 'http_error', status: '404', statusCode: 404, context: { response_preview: '{"error":"Not Found"}', request_id: 'rid-404', content_type: 'application/json' } },
      },
      {
        fault: { path: '/v1/server-error', status: 503, body: '{"error":"Service temporarily unavailable"}', headers: { 'x-request-id': 'rid-503' } },
        answer: { status: 503, body: '{"error":"Service temporarily unavailable"}' },
        event: { message: 'Backend API GET /v1/server-error failed: 503 Service Unavailable', level: 'error', kind: 'http_error', status: '503', statusCode: 503, context: { response_preview: '{"error":"Service temporarily unavailable"}', request_id: 'rid-503' } },
      },
      {
        fault: { path: '/v1/rate-limited', method: 'POST', status: 429, body: '{"error":"Rate limit exceeded","retry_after":30}', headers: { 'retry-after': '30' } },
        init: { method: 'POST', body: '{}' },
        answer: { status: 429, body: '{"error":"Rate limit exceeded","retry_after":30}' },
        event: { method: 'POST', message: 'Backend API POST /v1/rate-limited failed: 429 Too Many Requests', level: 'warning', kind: 'http_error', status: '429', statusCode: 429, context: { retry_after: '30', response_preview: '{"error":"Rate limit exceeded","retry_after":30}' } },
      },
      {
        // Observe only: the worker's timer does not cut the request, which completes.
        fault: { path: '/v1/slow-answer', delayMs: TIMEOUT_MS + 1500, status: 200, body: '{"data":[]}' },
        answer: { status: 200, body: '{"data":[]}' },
        event: { message: `Backend API timeout after ${TIMEOUT_MS}ms: /v1/slow-answer${q}`, level: 'error', kind: 'timeout', status: '408', statusCode: 408, context: { timeout_ms: TIMEOUT_MS } },
      },
      {
        fault: { path: '/v1/dropped', action: 'reset' },
        init: { method: 'POST', body: '{"model":"x"}' },
        event: { method: 'POST', message: 'Backend API POST /v1/dropped failed: network error', level: 'error', kind: 'network_error', status: '0', statusCode: 0, context: { error_message: expect.stringMatching(/^TypeError: /) } },
      },
    ];
    for (const c of cases) sim.fault(c.fault);
    const calls = cases.map((c) => ({ url: `${api}${c.fault.path}${q}`, init: c.init }));
    const results = await driver.evaluate(callAll, calls);
    expect(results).toEqual(cases.map((c) => c.answer ?? { error: expect.stringMatching(/^TypeError: /) }));

    const events = await eventsFrom(driver, world, cases.length, (e) => e.tags?.gateway === tag, 30_000);
    for (const c of cases) {
      const endpoint = c.fault.path;
      const e = events.find((ev) => ev.tags?.api_endpoint === endpoint);
      expect(e, `an event for ${endpoint}`).toBeDefined();
      expectSeedEvent(e!, { method: 'GET', ...c.event, endpoint, gateway: tag, url: `${api}${endpoint}${q}` });
    }
    // One failure, one event: the late 200 after the timeout adds nothing.
    await driver.evaluate(flush, undefined);
    await sleep(500);
    expect(eventsFor(world, tag)).toHaveLength(cases.length);
    const workerError = (events.find((e) => e.tags?.failure_kind === 'network_error')!.contexts?.backend_api as Record<string, unknown>).error_message;

    // The same dropped connection from a page no worker controls.
    const withMonitor = stable((results[4] as { error: string }).error);
    await driver.goto(`${world.bare.origin}/`);
    const [without] = await driver.evaluate(callAll, [{ ...calls[4]!, url: `${api}/v1/dropped?gateway=${tag}-bare` }]);
    expect(without).toEqual({ error: expect.stringMatching(/^TypeError: /) });
    const bare = stable((without as { error: string }).error);
    record('classify', 'pass', `404, 503, 429 (POST, retry_after), timeout after ${TIMEOUT_MS} ms (request completed), connection reset: five events; the worker saw the reset as "${stable(String(workerError))}"`);
    record(
      'network_error_message',
      withMonitor === bare ? `same: \`${withMonitor}\`` : `differs: \`${withMonitor}\` / \`${bare}\``,
      withMonitor === bare ? undefined : 'the page sees a different TypeError message through the worker than without one',
    );
  },
};

const offline: Scenario = {
  id: 'offline',
  title: 'a request made offline is reported once back online; what the worker can tell of offline',
  perSite: true,
  features: ['offline', 'offline_emulation'],
  async run({ world, tag, launch, startSite, record }) {
    const d = await launch({ offline: true });
    const site = await startSite();

    // What a team testing its own app offline would use: the automation's emulation.
    if (d.emulateOffline) {
      const url = `${world.api}/v1/emulated-offline?gateway=${tag}-emulated`;
      await d.goto(`${world.bare.origin}/`);
      await d.emulateOffline(true);
      const [bare] = await d.evaluate(callAll, [{ url }]);
      await d.emulateOffline(false);
      // The control: without a worker, the emulation fails the page's request.
      expect(bare).toEqual({ error: expect.stringMatching(/^TypeError: /) });
      await loaded(d, site);
      await d.emulateOffline(true);
      const [through] = await d.evaluate(callAll, [{ url }]);
      await d.emulateOffline(false);
      const reaches = isError(through);
      if (!reaches) expect(through).toMatchObject({ status: 200 });
      record(
        'offline_emulation',
        reaches ? 'yes' : "no: the page still gets the API's answer through the worker",
        `emulated offline, a page with no worker got "${stable((bare as { error: string }).error)}"; through the monitor it got ${reaches ? `"${stable((through as { error: string }).error)}"` : `${(through as { status: number }).status} from the API`}`,
      );
    } else {
      record('offline_emulation', 'n/a: no offline emulation', 'WebKitWebDriver has no network emulation; offline here is the dropping proxy');
    }

    await loaded(d, site);
    await d.offline();
    const [during] = await d.evaluate(callAll, [{ url: `${world.api}/v1/offline-call?gateway=${tag}` }]);
    const pageOnLine = (await d.evaluate(controlState, undefined)).onLine;
    expect(during).toEqual({ error: expect.stringMatching(/^TypeError: /) });
    // Nothing can reach Sentry while offline, and nothing is lost.
    await sleep(1500);
    expect(eventsFor(world, tag)).toHaveLength(0);
    await d.online();
    const e = await eventFrom(d, world, (ev) => ev.tags?.gateway === tag, 40_000);
    const workerOnLine = (e.contexts?.backend_api as Record<string, unknown>).online as boolean;
    // What the driver says of this engine's offline switch must hold: the worker reads navigator.onLine.
    expect(workerOnLine, `worker navigator.onLine while offline (${d.abilities.offline})`).toBe(!d.abilities.offlineSetsWorkerOnLine);
    const isOffline = !workerOnLine;
    expectSeedEvent(e, {
      message: `Backend API GET /v1/offline-call failed: ${isOffline ? 'offline' : 'network error'}`,
      level: isOffline ? 'warning' : 'error',
      kind: isOffline ? 'offline' : 'network_error',
      status: '0',
      statusCode: 0,
      method: 'GET',
      endpoint: '/v1/offline-call',
      gateway: tag,
      url: `${world.api}/v1/offline-call?gateway=${tag}`,
      online: workerOnLine,
    });
    record(
      'offline',
      isOffline ? '`offline` (warning)' : "`network_error` (error): the worker's navigator.onLine stays true",
      `${d.abilities.offline}; navigator.onLine in the page ${pageOnLine}, in the worker ${workerOnLine}; the page got "${stable((during as { error: string }).error)}"; delivered once back online`,
    );
  },
};

const bodies: Scenario = {
  id: 'bodies',
  title: 'binary, 5 MB and SSE bodies reach the page byte-identical through the worker',
  perSite: true,
  features: ['bodies'],
  async run({ world, driver, tag, startSite, record }) {
    const { api } = world;
    const site = await startSite();
    await loaded(driver, site);
    const small = 64 * 1024;
    const big = 5 * 1024 * 1024;
    const events = 20;
    const sse = Buffer.from(Array.from({ length: events }, (_, i) => `id: ${i}\ndata: ${JSON.stringify({ n: i })}\n\n`).join(''));
    const urls = [`${api}/v1/blob?size=${small}&seed=11&gateway=${tag}`, `${api}/v1/blob?size=${big}&seed=12&gateway=${tag}`, `${api}/v1/stream?events=${events}&gapMs=5&gateway=${tag}`];
    const expected = [
      { status: 200, type: 'application/octet-stream', bytes: small, sha256: sha256(blobBytes(small, 11)) },
      { status: 200, type: 'application/octet-stream', bytes: big, sha256: sha256(blobBytes(big, 12)) },
      { status: 200, type: 'text/event-stream', bytes: sse.length, sha256: sha256(sse) },
    ];
    const before = (await driver.evaluate(stats, undefined))!;
    const withWorker = await driver.evaluate(hashAll, urls);
    const after = (await driver.evaluate(stats, undefined))!;
    // All three went through the monitor.
    expect(after.observed - before.observed).toBe(3);
    await driver.goto(`${world.bare.origin}/`);
    const withoutWorker = await driver.evaluate(hashAll, urls);
    expect(withWorker).toEqual(expected);
    expect(withoutWorker).toEqual(expected);
    record('bodies', 'identical', `sha-256 of each body equal to the server's bytes, with the monitor and without a worker (${small} B, ${big} B, ${sse.length} B of SSE)`);
  },
};

const streamError: Scenario = {
  id: 'stream-error',
  title: 'a stream cut mid-way: the page gets what it gets without the worker, and a cut the engine surfaces is one stream_error event',
  perSite: true,
  features: ['stream_error'],
  async run({ world, driver, tag, startSite, record }) {
    const { api } = world;
    const url = (g: string) => `${api}/v1/stream?events=10&cut=3&gapMs=20&gateway=${g}`;
    // What the engine itself makes of the cut: a page no worker controls.
    await driver.goto(`${world.bare.origin}/`);
    const bare = await driver.evaluate(readStream, url(`${tag}-bare`));
    expect(bare).toMatchObject({ status: 200, events: 3 });
    const site = await startSite();
    await loaded(driver, site);
    const r = await driver.evaluate(readStream, url(tag));
    type Read = { status: number; events: number; bytes: number; error?: string };
    const got = r as Read;
    const without = bare as Read;
    // The same end either way: an error of the same name, or none. How much of a body that
    // breaks mid-way is read before the error is timing's, with or without a worker: at most
    // the 3 events the API sent.
    expect({ status: got.status, error: got.error }).toEqual({ status: without.status, error: without.error });
    expect(got.events).toBeLessThanOrEqual(3);
    if (got.error) {
      const e = await eventFrom(driver, world, (ev) => ev.tags?.gateway === tag, 20_000);
      expectSeedEvent(e, {
        message: /^Backend API GET \/v1\/stream stream interrupted after \d+ms$/,
        level: 'error',
        kind: 'stream_error',
        status: '200',
        statusCode: 200,
        method: 'GET',
        endpoint: '/v1/stream',
        gateway: tag,
        url: url(tag),
      });
      // What the worker passed on before the break: at least what the page read, at most what the API sent.
      const ctx = e.contexts?.backend_api as { stream_events: number; stream_bytes: number };
      expect(ctx.stream_events).toBeGreaterThanOrEqual(got.events);
      expect(ctx.stream_events).toBeLessThanOrEqual(3);
      expect(ctx.stream_bytes).toBeGreaterThanOrEqual(got.bytes);
    }
    await driver.evaluate(flush, undefined);
    await sleep(got.error ? 500 : 1500);
    expect(eventsFor(world, tag)).toHaveLength(got.error ? 1 : 0);
    record(
      'stream_error',
      got.error ? 'one event' : 'no event: the engine ends a cut stream as if complete',
      got.error
        ? `page read ${got.events} events (${got.bytes} B), then ${got.error} (without a worker: ${without.events} events, then ${without.error}); one stream_error event`
        : `a chunked SSE response cut after 3 events (${got.bytes} B) ends with done: true for the page, with or without a worker; the worker sees the same clean end, so nothing can be reported`,
    );
  },
};

const stopReading: Scenario = {
  id: 'stop-reading',
  title: 'a page that stops reading a stream closes the connection to the API, and that is no failure',
  perSite: true,
  features: ['stop_reading'],
  async run({ world, driver, tag, startSite, record }) {
    const site = await startSite();
    await loaded(driver, site);
    // 5,000 events 20 ms apart: the server would keep sending for 100 s.
    const url = `${world.api}/v1/stream?events=5000&gapMs=20&gateway=${tag}`;
    const r = await driver.evaluate(readThenCancel, { url, chunks: 3 });
    const cancelledAt = Date.now();
    expect(r).toMatchObject({ status: 200, chunks: 3 });
    const conn = await waitFor('the tap to see the stream request', () => world.tap.find(`gateway=${tag}`), 5000);
    await waitFor(`the API connection of ${url} to close after the page cancelled its read`, () => conn.closedAt, 10_000);
    const closedAfter = Math.max(0, conn.closedAt! - cancelledAt);
    // A page's own cancel is not a backend failure.
    await driver.evaluate(flush, undefined);
    await sleep(1000);
    expect(eventsFor(world, tag)).toHaveLength(0);
    record('stop_reading', 'closed', `closed ${closedAfter} ms after the page's reader.cancel(); no event`);
  },
};

const delivery: Scenario = {
  id: 'delivery',
  title: 'a report held in the outbox is delivered, once and with its event_id, after the browser stopped the worker and after a browser restart',
  perSite: true,
  features: ['delivery_stop', 'delivery_restart'],
  timeoutMs: 120_000,
  async run({ world, tag, launch, startSite, record }) {
    const profile = await mkdtemp(join(tmpdir(), 'gatewayz-engines-profile-'));
    try {
      const d = await launch({ profileDir: profile, stoppable: true });
      const site = await startSite();
      await loaded(d, site);

      /** A 503 whose report Sentry refuses for now (500s): it stays in the worker's outbox. */
      const heldReport = async (gateway: string, path: string): Promise<string> => {
        world.sentry.plan(Array.from({ length: 100 }, () => ({ status: 500 })));
        world.sim.fault({ path, status: 503, body: '{"error":"down"}' });
        const deliveredBefore = (await d.evaluate(stats, undefined))!.delivered;
        expect(await d.evaluate(call, { url: `${world.api}${path}?gateway=${gateway}` })).toEqual({ status: 503, body: '{"error":"down"}' });
        // Asked for it, the worker sends what it holds now; a worker the browser stops
        // while idle (Firefox here, after a second) does not wait for its batch timer.
        const id = await waitFor(
          `an envelope for ${gateway} (refused)`,
          async () => sentEventId(world, gateway) ?? void (await d.evaluate(flush, undefined)),
          20_000,
        );
        const s = await waitFor('the report to be stored and not delivered', async () => {
          const st = await d.evaluate(stats, undefined);
          // Written ahead: stored before the page had its 503; pending says it is still held.
          return st && st.pending >= 1 && st.observed >= 1 ? st : undefined;
        });
        expect(s.delivered).toBe(deliveredBefore);
        return id;
      };
      const deliveredOnce = async (gateway: string, path: string, id: string): Promise<void> => {
        const e = await eventFrom(d, world, (ev) => ev.tags?.gateway === gateway, 30_000);
        expect(e.event_id).toBe(id);
        expectSeedEvent(e, {
          message: `Backend API GET ${path} failed: 503 Service Unavailable`,
          level: 'error',
          kind: 'http_error',
          status: '503',
          statusCode: 503,
          method: 'GET',
          endpoint: path,
          gateway,
          url: `${world.api}${path}?gateway=${gateway}`,
          context: { response_preview: '{"error":"down"}' },
        });
        await d.evaluate(flush, undefined);
        await sleep(1000);
        expect(eventsFor(world, gateway)).toHaveLength(1);
      };

      // The worker stopped by the browser.
      const stopped = `${tag}-stop`;
      const id1 = await heldReport(stopped, '/v1/held-across-stop');
      await d.goto('about:blank');
      await d.stopWorker();
      world.sentry.plan([]);
      await loaded(d, site);
      // A new worker instance: its in-memory counters start over; the outbox did not.
      expect((await d.evaluate(stats, undefined))?.observed, `the worker was stopped (${d.abilities.stop})`).toBe(0);
      await deliveredOnce(stopped, '/v1/held-across-stop', id1);
      record('delivery_stop', 'delivered once', `${d.abilities.stop}; the report came back with its event_id after the worker restarted`);

      if (!d.abilities.canRestart) {
        record('delivery_restart', 'n/a: the driver keeps no profile', d.abilities.restart);
        return;
      }
      const restarted = `${tag}-restart`;
      const id2 = await heldReport(restarted, '/v1/held-across-restart');
      await d.restart();
      world.sentry.plan([]);
      await loaded(d, site);
      await deliveredOnce(restarted, '/v1/held-across-restart', id2);
      record('delivery_restart', 'delivered once', `${d.abilities.restart}; the report came back with its event_id`);
    } finally {
      // Retried: a browser that just quit may still be writing into its profile (ENOTEMPTY).
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  },
};

const killSwitch: Scenario = {
  id: 'kill-switch',
  title: 'the kill switch (the page option, then the disabled worker file) leaves the site uncontrolled and working',
  perSite: true,
  features: ['kill_switch'],
  timeoutMs: 90_000,
  async run({ world, driver, tag, startSite, site: path, record }) {
    const { api, sim } = world;
    const site = await startSite();
    await loaded(driver, site);
    sim.fault({ path: '/v1/before-switch', status: 503, body: 'down' });
    expect(await driver.evaluate(call, { url: `${api}/v1/before-switch?gateway=${tag}` })).toEqual({ status: 503, body: 'down' });
    await eventsFrom(driver, world, 1, (e) => e.tags?.gateway === tag && e.tags?.api_endpoint === '/v1/before-switch', 20_000);

    // 1. data-enabled="false" on the tag, or the app rebuilt with enabled: false.
    await site.disable();
    await driver.goto(`${site.origin}/`);
    await waitFor('the worker to be unregistered', async () => (await driver.evaluate(controlState, undefined)).registrations === 0, 15_000);
    await driver.goto(`${site.origin}/`);
    expect(await driver.evaluate(controlState, undefined)).toMatchObject({ controlled: false, registrations: 0 });
    sim.fault({ path: '/v1/after-switch', status: 503, body: 'still down' });
    expect(await driver.evaluate(call, { url: `${api}/v1/after-switch?gateway=${tag}` })).toEqual({ status: 503, body: 'still down' });

    // 2. gatewayz-sw-disabled.js served in place of the worker, the page unchanged.
    const site2 = await startSite();
    await loaded(driver, site2);
    site2.server.override('/gatewayz-sw.js', await readFile(root('dist/gatewayz-sw-disabled.js'), 'utf8'));
    expect(await driver.evaluate(updateWorker, undefined)).toBe(true);
    await waitFor('the disabled worker to unregister itself', async () => (await driver.evaluate(controlState, undefined)).registrations === 0, 15_000);
    // The unchanged page registers the (now disabled) worker again, which removes itself again (once it checked
    // that no report waits to be delivered).
    await driver.goto(`${site2.origin}/`);
    await sleep(1500);
    await waitFor('the re-registered disabled worker to unregister itself', async () => (await driver.evaluate(controlState, undefined)).registrations === 0, 15_000);
    await driver.goto(`${site2.origin}/`);
    expect((await driver.evaluate(controlState, undefined)).controlled).toBe(false);
    expect(await driver.evaluate(call, { url: `${api}/v1/after-switch?gateway=${tag}-file` })).toEqual({ status: 503, body: 'still down' });

    // Neither failure after the switch was reported.
    await sleep(1500);
    expect(world.sentry.events.filter((r) => r.event.tags?.api_endpoint === '/v1/after-switch')).toHaveLength(0);
    record('kill_switch', 'works', `${path === 'vite' ? 'enabled: false build' : 'data-enabled="false"'}: unregistered on the next load, then uncontrolled; gatewayz-sw-disabled.js: unregistered itself on update; API answers untouched, nothing reported`);
  },
};

const S = (n: number) => `S3cr3t${String(n).padStart(2, '0')}Zq9Xw7Vb`;

const secrets: Scenario = {
  id: 'secrets',
  title: 'a sample of secret-bearing requests and answers: no secret is anywhere in what Sentry received',
  perSite: true,
  features: ['secrets'],
  async run({ world, driver, tag, startSite, record }) {
    const { api, sim } = world;
    const site = await startSite();
    await loaded(driver, site);
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.${S(3)}Sig`;
    const shapes: Array<{ path: string; fault: string; body?: string; headers?: Record<string, string>; init?: RequestInit; secrets: string[] }> = [
      { path: `/v1/keyed?api_key=${S(1)}&gateway=${tag}`, fault: '/v1/keyed', secrets: [S(1)] },
      { path: `/v1/keys/sk-proj-${S(2)}abcdef/usage?gateway=${tag}`, fault: '/v1/keys/', secrets: [S(2)] },
      { path: `/v1/sessions/${jwt}?gateway=${tag}`, fault: '/v1/sessions/', secrets: [S(3)] },
      { path: `/v1/bearer?gateway=${tag}`, fault: '/v1/bearer', body: `Authorization: Bearer ${S(4)} was rejected`, headers: { 'content-type': 'text/plain' }, secrets: [S(4)] },
      { path: `/v1/expired?gateway=${tag}`, fault: '/v1/expired', body: JSON.stringify({ error: 'expired', token: S(5) }), secrets: [S(5)] },
      {
        path: `/v1/headers?gateway=${tag}`,
        fault: '/v1/headers',
        init: { headers: { authorization: `Bearer ${S(6)}`, 'x-api-key': `${S(6)}b` } },
        headers: { 'x-debug-token': `${S(6)}c`, 'access-control-expose-headers': 'x-debug-token, x-request-id' },
        secrets: [S(6)],
      },
    ];
    for (const s of shapes) sim.fault({ path: s.fault, status: 401, body: s.body ?? '{"error":"Unauthorized"}', headers: s.headers });
    for (const s of shapes) expect(await driver.evaluate(call, { url: `${api}${s.path}`, init: s.init })).toMatchObject({ status: 401 });
    const events = await eventsFrom(driver, world, shapes.length, (e) => e.tags?.gateway === tag, 30_000);
    expect(events).toHaveLength(shapes.length);
    const everything = Buffer.concat(world.sentry.raw).toString('latin1');
    const all = shapes.flatMap((s) => s.secrets);
    const leaked = all.filter((secret) => everything.includes(secret));
    expect(leaked).toEqual([]);
    // What was scrubbed says so; the shape of the URL stays.
    const keyed = events.find((e) => e.tags?.api_endpoint === '/v1/keyed')!;
    expect((keyed.contexts?.backend_api as Record<string, unknown>).endpoint).toBe(`${api}/v1/keyed?api_key=[Filtered]&gateway=${tag}`);
    expect(events.map((e) => e.tags?.api_endpoint).sort()).toEqual(['/v1/bearer', '/v1/expired', '/v1/headers', '/v1/keyed', '/v1/keys/{id}/usage', '/v1/sessions/{id}']);
    record('secrets', `0 of ${all.length} leaked`, `${shapes.length} shapes (query key, key in path, JWT in path, bearer token and token field in error bodies, request and response headers): ${events.length} events, ${world.sentry.raw.length} envelopes searched`);
  },
};

const failOpen: Scenario = {
  id: 'fail-open',
  title: 'fail-open: a throwing beforeReport hook, IndexedDB that throws and a malformed config each leave every response untouched',
  perSite: false,
  features: ['fail_open'],
  timeoutMs: 90_000,
  async run({ world, driver, tag, startFailOpenSite, record }) {
    const { api, sim } = world;
    const seen: string[] = [];
    for (const mode of ['hook', 'storage', 'config'] as const) {
      const g = `${tag}-${mode}`;
      const site = await startFailOpenSite(mode);
      expect(await load(driver, site), `fail-open site (${mode}) controlled`).toEqual({ controlled: true, observing: mode !== 'config' });
      sim.fault({ path: `/v1/fo-${mode}-down`, status: 503, body: `{"error":"down (${mode})"}` });
      sim.fault({ path: `/v1/fo-${mode}-dropped`, action: 'reset' });
      const calls = [
        { url: `${api}/v1/fo-${mode}-down?gateway=${g}` },
        { url: `${api}/v1/models?gateway=${g}` },
        { url: `${api}/v1/fo-${mode}-dropped?gateway=${g}`, init: { method: 'POST', body: '{}' } },
      ];
      const blob = [`${api}/v1/blob?size=65536&seed=21&gateway=${g}`];
      const withWorker = await driver.evaluate(callAll, calls);
      const hashedWith = await driver.evaluate(hashAll, blob);
      const s = (await driver.evaluate(stats, undefined))!;
      if (mode === 'hook') {
        // The hook threw for both failures; the reports were kept and delivered.
        expect(s.internalErrors).toBeGreaterThanOrEqual(2);
        const e = await eventFrom(driver, world, (ev) => ev.tags?.gateway === g && ev.tags?.http_status === '503', 20_000);
        expectSeedEvent(e, {
          message: `Backend API GET /v1/fo-hook-down failed: 503 Service Unavailable`,
          level: 'error',
          kind: 'http_error',
          status: '503',
          statusCode: 503,
          method: 'GET',
          endpoint: '/v1/fo-hook-down',
          gateway: g,
          url: `${api}/v1/fo-hook-down?gateway=${g}`,
          context: { response_preview: '{"error":"down (hook)"}' },
        });
      } else if (mode === 'storage') {
        // Nothing could be stored, and nothing broke: the answers went through, and the two failures were held in
        // memory and offered to the page at once (the 503's event arrives although IndexedDB never opened).
        expect(s.observed).toBe(4);
        expect(s.storageFailed).toBe(2);
        const e = await eventFrom(driver, world, (ev) => ev.tags?.gateway === g && ev.tags?.http_status === '503', 20_000);
        expect(e.message).toBe('Backend API GET /v1/fo-storage-down failed: 503 Service Unavailable');
      } else {
        const info = await driver.evaluate(workerInfo, undefined);
        expect(info?.observing).toBe(false);
        expect(info?.configErrors.join('\n')).toContain('option "origins" is invalid: "not-a-url"');
        expect(s.observed).toBe(0);
      }
      await driver.goto(`${world.bare.origin}/`);
      const without = await driver.evaluate(callAll, calls);
      const hashedWithout = await driver.evaluate(hashAll, blob);
      expect(withWorker.slice(0, 2)).toEqual(without.slice(0, 2));
      expect(withWorker[0]).toEqual({ status: 503, body: `{"error":"down (${mode})"}` });
      expect(isError(withWorker[2]) && isError(without[2])).toBe(true);
      expect(hashedWith).toEqual(hashedWithout);
      expect(hashedWith[0]).toMatchObject({ status: 200, bytes: 65536, sha256: sha256(blobBytes(65536, 21)) });
      if (mode === 'config') {
        await sleep(1000);
        expect(eventsFor(world, g)).toHaveLength(0);
      }
      seen.push(`${mode}: ${mode === 'config' ? 'observing nothing' : `${s.internalErrors} internal errors counted`}, answers identical to no worker`);
      await site.close();
    }
    record('fail_open', 'untouched', seen.join('; '));
  },
};

const fallbacks: Scenario = {
  id: 'fallbacks',
  title: 'the fallbacks: static routes or the early return for unwatched origins; what a page abort reaches',
  perSite: false,
  features: ['static_routes', 'unwatched', 'abort_signal', 'abort_upstream', 'error_forms'],
  timeoutMs: 90_000,
  async run({ world, driver, tag, startSite, startProbeSite, record }) {
    const { api, sim, tap } = world;
    sim.fault({ path: '/v1/slow-abort', delayMs: 4000, status: 200, body: 'late' });
    /** The page starts a request the API answers only after 4 s, and aborts it once it has reached the API. */
    const aborted = async (gateway: string) => {
      const url = `${api}/v1/slow-abort?gateway=${gateway}`;
      await driver.evaluate(startFetch, { url, key: gateway });
      const conn = await waitFor(`the request ${url} to reach the API`, () => tap.find(`gateway=${gateway}`), 10_000);
      const abortedAt = Date.now();
      expect(await driver.evaluate(abortFetch, gateway)).toBe('AbortError');
      // Well before the server answers: a connection closed now was cancelled.
      await sleep(1500);
      return { closed: conn.closedAt !== undefined, afterMs: conn.closedAt ? conn.closedAt - abortedAt : undefined };
    };

    // 1. The probe: what the engine gives any worker.
    const probeSite = await startProbeSite();
    expect(await load(driver, probeSite, { bridge: false })).toMatchObject({ controlled: true });
    const probed = await aborted(`${tag}-probe`);
    const probe = await driver.evaluate(askProbe, undefined);
    expect(probe.seen).toContain(`/v1/slow-abort?gateway=${tag}-probe`);
    const signalAborts = probe.aborted.includes(`/v1/slow-abort?gateway=${tag}-probe`);
    // A dropped connection passed on both ways a worker can.
    sim.fault({ path: '/v1/probe-dropped', action: 'reset' });
    const forms = await driver.evaluate(callAll, [{ url: `${api}/v1/probe-dropped?form=error` }, { url: `${api}/v1/probe-dropped?form=reject` }]);
    expect(isError(forms[0]) && isError(forms[1]), 'both forms reach the page as errors').toBe(true);
    const [asError, asReject] = forms.map((f) => stable((f as { error: string }).error));

    // 2. The control: without a worker the engine cancels the request.
    await driver.goto(`${world.bare.origin}/`);
    const bare = await aborted(`${tag}-bare`);
    expect(bare.closed, 'without a worker, a page abort closes the API connection').toBe(true);
    const [native] = await driver.evaluate(callAll, [{ url: `${api}/v1/probe-dropped?page=bare` }]);
    expect(native).toEqual({ error: expect.stringMatching(/^TypeError: /) });
    record(
      'error_forms',
      `\`${asError}\` / \`${asReject}\``,
      `without a worker the page gets \`${stable((native as { error: string }).error)}\`${asError === stable((native as { error: string }).error) ? ' (the same as Response.error())' : ''}`,
    );

    // 3. The monitor.
    const site = await startSite('script-tag');
    await loaded(driver, site);
    const monitored = await aborted(`${tag}-monitor`);
    // A page's own abort is never reported as a network failure. Where the
    // worker's request goes on, the API's slow answer (4 s, past the worker's
    // 1 s timeout) is still measured: that timeout is the API's, and is kept.
    await sleep(3000);
    await driver.evaluate(flush, undefined);
    await sleep(500);
    const afterAbort = eventsFor(world, `${tag}-monitor`);
    expect(afterAbort.filter((e) => e.tags?.failure_kind !== 'timeout')).toEqual([]);
    if (monitored.closed) expect(afterAbort).toEqual([]);
    const timeoutReported = afterAbort.length > 0;

    record('abort_signal', signalAborts ? 'yes' : 'no', `probe worker: FetchEvent.request.signal ${signalAborts ? 'aborted' : 'not aborted'} 1.5 s after the page aborted; its fetch(event.request) upstream ${probed.closed ? 'cancelled' : 'not cancelled'}`);
    record(
      'abort_upstream',
      monitored.closed ? 'yes' : 'no',
      `with the monitor the API connection ${monitored.closed ? `closed ${monitored.afterMs} ms after the abort` : 'stayed open until the server answered'}${timeoutReported ? ', and the slow answer was reported as a timeout' : ''}; without a worker it closed ${bare.afterMs} ms after`,
    );

    // 4. Unwatched origins: the site's own and another loopback origin.
    const before = (await driver.evaluate(stats, undefined))!;
    const statuses = await driver.evaluate(
      (urls: string[]) => Promise.all(urls.map((u) => fetch(u).then((r) => r.status, () => 0))),
      [...Array.from({ length: 10 }, () => `${site.origin}/app.js`), ...Array.from({ length: 10 }, () => `http://127.0.0.1:${world.sentry.port}/nothing`)],
    );
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(10).fill(404)]);
    const after = (await driver.evaluate(stats, undefined))!;
    const reached = after.fetchEvents - before.fetchEvents;
    expect(after.observed - before.observed).toBe(0);
    const staticRoutes = probe.addRoutes && probe.urlPattern;
    expect(reached).toBe(staticRoutes ? 0 : 20);
    record('static_routes', staticRoutes ? 'yes' : 'no', `InstallEvent.addRoutes ${probe.addRoutes ? 'present' : 'absent'}, URLPattern ${probe.urlPattern ? 'present' : 'absent'}`);
    record('unwatched', `${reached} of 20`, staticRoutes ? 'a static route sends them to the network' : "the fetch handler's early return (no respondWith): the browser then fetches them itself");
  },
};

/**
 * A site started with options of its own (`data-rules` on the tag, the Vite plugin's `rules`), for the length of
 * `fn`: the page leaves it before it closes.
 */
async function withSiteOptions<T>(driver: EngineDriver, world: World, path: SitePath, options: SiteOptions, fn: (site: Site) => Promise<T>): Promise<T> {
  const site = await startSiteWith(world, path, options);
  try {
    return await fn(site);
  } finally {
    await driver.goto('about:blank').catch(() => {});
    await site.close();
  }
}

const rules: Scenario = {
  id: 'rules',
  title: 'rules: an ignored 404 makes no event but is counted; a 504 through the flaky gateway is an info event folded apart; through another gateway it stays an error',
  perSite: true,
  features: ['rules'],
  async run({ world, driver, tag, site: path, record }) {
    const { api, sim } = world;
    const flaky = `${tag}-flaky`;
    const RULES = [
      { match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' },
      { match: { gateway: flaky, status: 504 }, level: 'info' },
    ];
    await withSiteOptions(driver, world, path!, { rules: RULES }, async (site) => {
      await loaded(driver, site);
      // The worker runs with the rules as the tag's attribute or the plugin's option gave them.
      const info = await driver.evaluate(workerInfo, undefined);
      expect(info?.configErrors).toEqual([]);
      expect(info?.config?.rules).toEqual([
        { match: { endpoint: '/v1/legacy/*', status: [[404, 404]] }, action: 'ignore' },
        { match: { gateway: [flaky], status: [[504, 504]] }, level: 'info' },
      ]);
      sim.fault({ path: '/v1/legacy/x', status: 404, body: '{"error":"gone"}' });
      sim.fault({ path: '/v1/rules-chat', status: 504, body: 'gateway timeout' });
      // The page gets every answer untouched, ignored or not.
      expect(await driver.evaluate(callAll, [{ url: `${api}/v1/legacy/x?gateway=${tag}-ignored` }, { url: `${api}/v1/rules-chat?gateway=${flaky}` }, { url: `${api}/v1/rules-chat?gateway=${tag}-other` }])).toEqual([
        { status: 404, body: '{"error":"gone"}' },
        { status: 504, body: 'gateway timeout' },
        { status: 504, body: 'gateway timeout' },
      ]);
      const events = await eventsFrom(driver, world, 2, (e) => e.tags?.gateway === flaky || e.tags?.gateway === `${tag}-other`, 20_000);
      const info504 = events.find((e) => e.tags?.gateway === flaky)!;
      const error504 = events.find((e) => e.tags?.gateway === `${tag}-other`)!;
      // level: info, and the fingerprint gains level:info, so it folds apart from the other gateway's 504s.
      expect(info504.level).toBe('info');
      expect(info504.message).toBe('Backend API GET /v1/rules-chat failed: 504 Gateway Timeout');
      expect(info504.tags).toEqual({ error_category: 'backend_api', api_endpoint: '/v1/rules-chat', http_status: '504', http_method: 'GET', gateway: flaky, failure_kind: 'http_error' });
      expect(info504.fingerprint).toEqual(['backend_api', 'GET', '/v1/rules-chat', '504', 'level:info']);
      expect((info504.contexts?.backend_api as Record<string, unknown>).rule).toBe(2);
      // The same 504 through another gateway: the usual error event, no rule.
      expectSeedEvent(error504, {
        message: 'Backend API GET /v1/rules-chat failed: 504 Gateway Timeout',
        level: 'error',
        kind: 'http_error',
        status: '504',
        statusCode: 504,
        method: 'GET',
        endpoint: '/v1/rules-chat',
        gateway: `${tag}-other`,
        url: `${api}/v1/rules-chat?gateway=${tag}-other`,
        context: { response_preview: 'gateway timeout' },
      });
      expect((error504.contexts?.backend_api as Record<string, unknown>).rule).toBeUndefined();
      // ignore: counted, and no event, even once the worker is asked to send what it holds.
      const counters = (await driver.evaluate(flush, undefined))!;
      expect(counters).toMatchObject({ failures: 3, ignored: 1 });
      await sleep(1500);
      expect(eventsFor(world, `${tag}-ignored`)).toEqual([]);
      expect(world.sentry.events.filter((r) => r.event.tags?.api_endpoint === '/v1/legacy/x')).toEqual([]);
      record('rules', 'works', `${path === 'vite' ? 'the plugin option rules' : 'data-rules'}: the ignored 404 made no event (stats: failures ${counters.failures}, ignored ${counters.ignored}); the flaky gateway's 504 an info event, fingerprint …, 504, level:info (rule 2); the other gateway's an error event`);
    });
  },
};

const TRACE_W3C = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const TRACE_SENTRY = { traceId: '771a43a4192642f0b136d5159a501700', spanId: 'b0e6f15b45c36b12' };

const trace: Scenario = {
  id: 'trace',
  title: "trace: a failure on a request with a hand-set traceparent, or sentry-trace and baggage, is on that trace; the API gets the headers unchanged",
  perSite: true,
  features: ['trace'],
  async run({ world, driver, tag, startSite, record }) {
    const { api, sim } = world;
    const site = await startSite();
    await loaded(driver, site);
    const traceparent = `00-${TRACE_W3C.traceId}-${TRACE_W3C.spanId}-01`;
    const sentryTrace = `${TRACE_SENTRY.traceId}-${TRACE_SENTRY.spanId}-1`;
    const baggage = `sentry-trace_id=${TRACE_SENTRY.traceId},sentry-public_key=0123456789abcdef,sentry-sample_rate=1,sentry-sampled=true,other-vendor=kept`;
    // A different endpoint each: the same one would fold into one event.
    sim.fault({ path: '/v1/trace-w3c', status: 502, body: 'bad gateway' });
    sim.fault({ path: '/v1/trace-sentry', status: 502, body: 'bad gateway' });
    sim.fault({ path: '/v1/trace-none', status: 502, body: 'bad gateway' });
    const calls: Array<{ url: string; init?: RequestInit }> = [
      { url: `${api}/v1/trace-w3c?gateway=${tag}`, init: { headers: { traceparent } } },
      { url: `${api}/v1/trace-sentry?gateway=${tag}`, init: { headers: { 'sentry-trace': sentryTrace, baggage } } },
      { url: `${api}/v1/trace-none?gateway=${tag}` },
    ];
    for (const c of calls) expect(await driver.evaluate(call, c)).toEqual({ status: 502, body: 'bad gateway' });
    // The API got each request's trace headers as the page set them (the preflight, which carries none, aside).
    const seen = (path: string) => sim.traceHeaders.filter((_, i) => sim.requests[i]!.startsWith('GET ') && sim.requests[i]!.includes(`${path}?gateway=${tag}`));
    expect(seen('/v1/trace-w3c')).toEqual([{ traceparent }]);
    expect(seen('/v1/trace-sentry')).toEqual([{ 'sentry-trace': sentryTrace, baggage }]);
    expect(seen('/v1/trace-none')).toEqual([{}]);

    const events = await eventsFrom(driver, world, 3, (e) => e.tags?.gateway === tag, 20_000);
    const by = (endpoint: string) => events.find((e) => e.tags?.api_endpoint === endpoint)!;
    const traceOf = (e: Event) => e.contexts?.trace as { trace_id?: string; span_id?: string; parent_span_id?: string };
    for (const [endpoint, t] of [['/v1/trace-w3c', TRACE_W3C], ['/v1/trace-sentry', TRACE_SENTRY]] as const) {
      const e = by(endpoint);
      expect(traceOf(e), endpoint).toMatchObject({ trace_id: t.traceId, parent_span_id: t.spanId });
      // The failure is a span of its own on that trace, the request's span its parent.
      expect(traceOf(e).span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(traceOf(e).span_id).not.toBe(t.spanId);
    }
    // sentry-trace with baggage: the envelope's trace header (the dynamic sampling context) is that trace's too.
    const sentryEvent = by('/v1/trace-sentry');
    const envelope = world.sentry.envelopes.find((env) => env[1].some(([h, p]) => h.type === 'event' && (p as Event).event_id === sentryEvent.event_id));
    expect((envelope?.[0] as { trace?: { trace_id?: string; public_key?: string } }).trace).toMatchObject({ trace_id: TRACE_SENTRY.traceId });
    // No trace header: the event is on the page's own trace, not on either request's.
    const plain = traceOf(by('/v1/trace-none'));
    expect(plain.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect([TRACE_W3C.traceId, TRACE_SENTRY.traceId]).not.toContain(plain.trace_id);
    expect([TRACE_W3C.spanId, TRACE_SENTRY.spanId]).not.toContain(plain.parent_span_id);
    record('trace', 'linked', 'traceparent and sentry-trace (with baggage) reached the API unchanged; each event: contexts.trace.trace_id the header\'s, parent_span_id its span; no header: the page\'s own trace');
  },
};

/** A loopback origin nothing listens on: an API that refuses every connection. */
function unreachableOrigin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(`http://127.0.0.1:${port}`));
    });
    s.on('error', reject);
  });
}

/** The app's own event of a fetch rejection: a TypeError, not one of the monitor's. */
const isAppTypeError = (e: Event) => e.tags?.error_category !== 'backend_api' && e.exception?.values?.some((v) => v.type === 'TypeError') === true;

const namedNetworkError: Scenario = {
  id: 'named-network-error',
  title: "named network error: an app with its own Sentry makes an unhandled fetch to an API that is down; its TypeError names the request and the monitor's event, which names it back",
  perSite: false,
  features: ['named_network_error'],
  async run({ world, driver, tag, record }) {
    const api = await unreachableOrigin();
    const site = await startSentryAppSite(world, api);
    try {
      await loaded(driver, site);
      const path = `/v1/models/42?gateway=${tag}`;
      const before = Date.now();
      await driver.evaluate((p: string) => (window as unknown as { app: { unhandled(p: string): void } }).app.unhandled(p), path);
      const monitorEvent = await eventFrom(driver, world, (e) => e.tags?.gateway === tag && e.tags?.error_category === 'backend_api', 20_000);
      const appEvent = await eventFrom(driver, world, isAppTypeError, 20_000);

      // The app's event is still its own: its exception and mechanism as its Sentry made them, no fingerprint of ours.
      const exception = appEvent.exception!.values!.at(-1)!;
      expect(exception.type).toBe('TypeError');
      expect(exception.mechanism).toMatchObject({ handled: false, type: 'auto.browser.global_handlers.onunhandledrejection' });
      expect(appEvent.fingerprint).toBeUndefined();
      expect(appEvent.release).toBe('engines-app@1.0.0');
      // ...and carries the request the worker saw fail, naming the monitor's event.
      const request = appEvent.contexts?.backend_request as Record<string, unknown> | undefined;
      const wording = `\`TypeError: ${stable(exception.value ?? '')}\``;
      // The engine's wording is measured whatever follows: an event left unnamed says which message was not recognised.
      if (!request) {
        const named = (monitorEvent.contexts?.backend_api as Record<string, unknown>).app_event_id;
        record('named_network_error', `${wording}: not named`, `the app's event has no backend_request context; the monitor's event ${named ? 'names an app event' : 'has no app_event_id'}`);
      }
      expect(request, `the app's event (${exception.type}: ${exception.value}) has no backend_request context`).toEqual({
        method: 'GET',
        url: `${api}${path}`,
        endpoint: '/v1/models/{id}',
        failure_kind: 'network_error',
        monitor_event_id: monitorEvent.event_id,
        failed_at: expect.any(String),
      });
      const failedAt = Date.parse(request!.failed_at as string);
      expect(failedAt).toBeGreaterThanOrEqual(before);
      expect(failedAt).toBeLessThanOrEqual(appEvent.timestamp! * 1000 + 50);
      expect(appEvent.tags).toMatchObject({ api_endpoint: '/v1/models/{id}', failure_kind: 'network_error', app: 'engines-sentry-app' });

      // The monitor's event: the seed's shape, through the app's client (its tag), naming the app's event.
      expectSeedShape(
        monitorEvent,
        {
          message: 'Backend API GET /v1/models/{id} failed: network error',
          level: 'error',
          kind: 'network_error',
          status: '0',
          statusCode: 0,
          method: 'GET',
          endpoint: '/v1/models/{id}',
          gateway: tag,
          url: `${api}${path}`,
          context: { app_event_id: appEvent.event_id },
        },
        { app: 'engines-sentry-app' },
      );
      expect(monitorEvent.release).toBe('engines-app@1.0.0');
      // One of each: the failure is not reported twice.
      await sleep(1000);
      expect(eventsFor(world, tag)).toHaveLength(1);
      expect(world.sentry.events.map((r) => r.event).filter(isAppTypeError)).toHaveLength(1);
      record('named_network_error', `${wording}: named`, `the app's unhandled rejection as its Sentry captured it, with backend_request (GET ${stable(api)}/v1/models/42, network_error) naming the monitor's event, which names it back (app_event_id)`);
    } finally {
      await driver.goto('about:blank').catch(() => {});
      await site.close();
    }
  },
};

export const SCENARIOS: Scenario[] = [classify, offline, bodies, streamError, stopReading, delivery, killSwitch, secrets, failOpen, fallbacks, rules, trace, namedNetworkError];
