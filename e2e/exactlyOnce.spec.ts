/**
 * Exactly once at the edges: offline then a rate-limited Sentry, the kill
 * switch with reports pending, a worker update with reports pending, a chaos
 * run of worker stops and a closed tab, and pages that come back (from the
 * back/forward cache, or from a load that bypassed the worker). Real
 * Chromium, the real worker and IndexedDB, servers on loopback. Faults are
 * injected at the worst instant: the worker is stopped the moment the page has
 * its failed response, or the moment a batch was handed to the page.
 *
 * Each test ends with the accounting line the delivery suites print, plus
 * `repeats N`: event ids that reached the recorder again after Sentry had
 * accepted them once (a retry of a refused attempt is not a repeat).
 */
import type { Page } from '@playwright/test';
import { accountFor, letters } from './accounting.js';
import { ackWithheld, batchesSeen, countBatches, dropAcks, deployDisabledWorker, deployNewVersion, ledger, nextBatch, VersionTracker } from './deploy.js';
import { appUrl, expect, test, workerState, type AppOptions } from './fixtures.js';
import { CHROMIUM_ARGS, findChromium } from './findChromium.js';
import { PROTOCOL_VERSION } from '../sw/protocol.js';
import type { SentryRecorder } from '../src/playwright/sentryRecorder.js';

/** 'ack through storage' (the page deletes what Sentry took before it acks) came with protocol 2: from then on, no repeats. */
const ACK_THROUGH_STORAGE = PROTOCOL_VERSION >= 2;

/** Sentry refusing until told otherwise (the recorder answers planned envelopes in order, then 200). */
const REFUSING = (status = 503) => Array.from({ length: 1000 }, () => ({ status }));

const DIAG = !!process.env.EO_DIAG;
const diag = (...args: unknown[]) => DIAG && console.log(...args);

/** Polls until every injected failure is accounted for, then checks nothing more arrives and prints the accounting line. */
async function expectExactlyOnce(
  page: Page | undefined,
  sentry: SentryRecorder,
  led: ReturnType<typeof ledger>,
  injected: number,
  { timeout = 45_000, noRepeats = true, drain = false }: { timeout?: number; noRepeats?: boolean; drain?: boolean } = {},
): Promise<void> {
  const count = () => accountFor(sentry.events.map((r) => r.event));
  try {
    await expect.poll(() => count().accounted, { timeout, intervals: [250] }).toBeGreaterThanOrEqual(injected);
  } catch (err) {
    if (page && !page.isClosed()) console.log(`worker state when this failed: ${JSON.stringify(await workerState(page)).slice(0, 8000)}`);
    finish();
    throw err;
  }
  // Anything sent twice would arrive in the next moments; a report held by a lease (an ack that never came) only when
  // the lease ends: with `drain`, wait until the worker's outbox is empty, so such a repeat is counted too.
  if (drain && page && !page.isClosed()) {
    await expect.poll(async () => (await page.evaluate(() => window.harness.stats()))?.pending, { timeout: 60_000, intervals: [500] }).toBe(0);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const { accounted, duplicated } = finish();
  // Every failure accounted for once (by event_id). A repeat of an event Sentry already took is asserted away only where
  // the product can prevent it (`noRepeats`); otherwise it is printed.
  expect(accounted).toBe(injected);
  if (noRepeats) expect({ duplicated, repeats: led.repeats() }).toEqual({ duplicated: 0, repeats: 0 });

  function finish() {
    const { accounted, duplicated } = count();
    const line = `injected ${injected}, accounted ${accounted}, lost ${injected - accounted}, duplicated ${duplicated}, repeats ${led.repeats()}`;
    test.info().annotations.push({ type: 'summary', description: `${line} (${test.info().title})` });
    console.log(line);
    return { accounted, duplicated };
  }
}

/** Makes `n` failures from a page on distinct endpoints under `/v1/<prefix>/`, one after the other. */
async function fail(page: Page, prefix: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await page.evaluate((p) => window.harness.call(p), `/v1/${prefix}/${letters(i)}?gateway=eo`);
}

/** The distinct backend event ids that reached the recorder (accepted or not). */
function idsTried(led: ReturnType<typeof ledger>): Set<string> {
  return new Set(led.arrivals.flatMap((a) => a.eventIds));
}

async function openTab(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => typeof window.harness === 'object');
  expect(await page.evaluate(() => window.harness.ready())).toBe(true);
}

// Playwright launches Chromium with --disable-back-forward-cache; real browsers have the cache, and the
// bfcache test needs it (a launch option, so it is set for the whole file).
test.use({ launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--disable-back-forward-cache'] } });

const registrations = (page: Page) => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);

test.describe('offline, then Sentry answers 429 once', () => {
  const titles = {
    isolated: "through the monitor's own client",
    app: "through the app's own Sentry client",
    offline: "through the app's own Sentry client with Sentry's offline transport (the monitor takes its events back out of that queue)",
  } as const;
  for (const client of ['isolated', 'app', 'offline'] as const) {
    test(`offline, then back online while Sentry answers 429 with Retry-After once: ${titles[client]}, every report arrives exactly once`, async ({ page, api, sentry, network, openApp }) => {
      const led = ledger(sentry);
      const options: AppOptions = { monitor: { batchMs: 200 }, ...(client === 'isolated' ? { isolated: true } : client === 'offline' ? { offlineTransport: true } : {}) };
      await openApp(options);
      api.fault({ path: '/v1/offline/', status: 500, body: 'unreachable anyway' });
      await network.offline();
      await fail(page, 'offline', 0, 3);
      // Offered to the page and not delivered (the send failed offline): still in the worker's outbox, not acknowledged.
      await expect.poll(async () => (await page.evaluate(() => window.harness.stats()))?.pending).toBe(3);
      await page.waitForTimeout(1500);
      expect(await page.evaluate(() => window.harness.stats())).toMatchObject({ pending: 3, delivered: 0 });
      if (client === 'offline') {
        // Sentry's offline queue holds none of them: each stored copy was taken back out (the queue may hold the
        // health metrics' envelopes, which are not reports).
        const queued = await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const open = indexedDB.open('sentry-offline');
              open.onupgradeneeded = () => open.transaction?.abort();
              open.onerror = () => resolve(-1);
              open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('queue')) return resolve(0);
                const all = db.transaction('queue').objectStore('queue').getAll();
                all.onsuccess = () => {
                  const text = (v: unknown) => (typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : '');
                  resolve(all.result.filter((v) => text(v).includes('/v1/offline/')).length);
                  db.close();
                };
              };
            }),
        );
        expect(queued).toBe(0);
      }
      expect(led.arrivals).toHaveLength(0);
      sentry.plan([{ status: 429, headers: { 'retry-after': '2' } }]);
      await network.online();
      await expectExactlyOnce(page, sentry, led, 3);
      // The 429 was really answered to one of them.
      expect(led.arrivals.filter((a) => a.status === 429)).toHaveLength(1);
    });
  }
});

test("with the app's sampleRate 0.25, the events Sentry gets still count every failure: a sampled-out event's counts ride on the next one", async ({ page, api, sentry, openApp }) => {
  test.setTimeout(120_000);
  const led = ledger(sentry);
  await openApp({ sampleRate: 0.25, monitor: { batchMs: 200, dedupeWindowMs: 2000, maxEventsPerMinute: 100 } });
  api.fault({ path: '/v1/sampled/', status: 503, body: 'down' });
  // Eight of one failure (folded) and four distinct ones.
  for (let i = 0; i < 8; i++) await page.evaluate(() => window.harness.call('/v1/sampled/same?gateway=eo'));
  await fail(page, 'sampled', 0, 4);
  await expectExactlyOnce(page, sentry, led, 12, { timeout: 100_000 });
  const stats = await page.evaluate(() => window.harness.stats());
  console.log(`sampled out on the way: ${stats?.dropped} report(s), their counts carried`);
});

test.describe('the kill switch drains', () => {
  for (const how of ['file', 'page'] as const) {
    const title =
      how === 'file'
        ? 'the kill switch served as gatewayz-sw-disabled.js while reports wait for a refusing Sentry: after Sentry recovers and a reload, every report arrives once, then the worker is unregistered'
        : 'the kill switch set on the page (enabled: false) while reports wait for a refusing Sentry: after Sentry recovers and a reload, every report arrives once, then the worker is unregistered';
    test(title, async ({ page, api, sentry, site, servers, openApp }) => {
      test.setTimeout(90_000);
      const led = ledger(sentry);
      await openApp({ monitor: { batchMs: 200 } });
      api.fault({ path: '/v1/killed/', status: 503, body: 'down' });
      sentry.plan(REFUSING(503));
      await fail(page, 'killed', 0, 3);
      // Every report was offered and refused at least once: they wait in the outbox.
      await expect.poll(() => idsTried(led).size, { timeout: 20_000 }).toBe(3);
      expect(sentry.events).toHaveLength(0);

      if (how === 'file') {
        await deployDisabledWorker(site);
        await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update().catch(() => undefined));
      }
      sentry.plan([]);
      const url = appUrl(servers, { monitor: how === 'page' ? { batchMs: 200, enabled: false } : { batchMs: 200 } });
      await page.goto(url);
      await page.waitForFunction(() => typeof window.harness === 'object');
      await expectExactlyOnce(page, sentry, led, 3, { timeout: 30_000 });
      await expect.poll(() => registrations(page), { timeout: 10_000 }).toBe(0);
    });
  }
});

for (const when of ['waiting', 'in flight'] as const) {
  const title =
    when === 'waiting'
      ? 'a new worker version deployed while reports wait for a refusing Sentry: it is active within 10 s of the reload, and after Sentry recovers every report arrives once, within its backoff'
      : "a new worker version deployed while the old one has a batch in flight (Sentry slow to refuse): it is active within 10 s of the reload, and after Sentry recovers every report arrives once, within its backoff";
  test(title, async ({ page, context, api, sentry, site, openApp }) => {
    test.setTimeout(150_000);
    const led = ledger(sentry);
    await openApp({ monitor: { batchMs: 200 } });
    const versions = await VersionTracker.attach(context, page);
    api.fault({ path: '/v1/update/', status: 503, body: 'down' });
    // In flight: each refusal comes 3 s after the envelope, so the page is still waiting for Sentry when it reloads.
    sentry.plan(when === 'waiting' ? REFUSING(503) : REFUSING(503).map((a) => ({ ...a, delayMs: 3000 })));
    await fail(page, 'update', 0, 3);
    await expect.poll(() => idsTried(led).size, { timeout: 20_000, intervals: [50] }).toBe(3);
    const [oldVersion] = versions.versions();

    // What the outbox holds over time (leases, attempts), beside the versions' states.
    const samples: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const state = (await workerState(page)) as { now: number; outbox?: Array<[string, { leaseUntil?: number; attempts: number; notBefore: number; report: { kind: string } }]> } | string;
        if (typeof state === 'object' && state.outbox) {
          const rows = state.outbox.filter(([, r]) => r.report.kind !== 'health').map(([id, r]) => `${id.slice(0, 6)} a${r.attempts} lease${r.leaseUntil ? `+${Math.round((r.leaseUntil - state.now) / 1000)}s` : '-'} nb${Math.round((r.notBefore - state.now) / 1000)}s`);
          samples.push(`  +${String(Date.now() - versions.started).padStart(6)} ms  ${rows.join(' | ') || '(outbox empty)'}`);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();

    await deployNewVersion(site, 'release 2');
    const reloadAt = Date.now();
    await page.reload();
    await page.waitForFunction(() => typeof window.harness === 'object');
    console.log(`after the reload the page is ${(await page.evaluate(() => navigator.serviceWorker.controller !== null)) ? 'controlled' : 'not controlled'}`);
    const activeAt = () => {
      const fresh = versions.versions().find((v) => v !== oldVersion && versions.reached(v, 'activated') !== undefined);
      return fresh ? versions.started + versions.reached(fresh, 'activated')! - reloadAt : undefined;
    };
    try {
      try {
        // Soft: whether the reports still arrive is the next question, asked either way.
        await expect.soft(() => expect(activeAt()).toBeDefined()).toPass({ timeout: 10_000, intervals: [100] });
      } finally {
        const after = activeAt();
        console.log(`update (${when}): new version active ${after === undefined ? 'NOT within 10 s' : `after ${after} ms`} from the reload (reload at +${reloadAt - versions.started} ms)`);
        test.info().annotations.push({ type: 'summary', description: `update (${when}): new version active ${after === undefined ? 'not within 10 s' : `${after} ms`} after the reload` });
        sentry.plan([]);
      }
      // Promptly: within the backoff the refusals earned (at most 32 s after four, the last of them possibly just before
      // Sentry recovered), not held by the old version's lease or ack deadline on top.
      await expectExactlyOnce(page, sentry, led, 3, { timeout: 35_000, drain: true });
    } finally {
      sampling = false;
      await sampler;
      console.log(`versions (ms since tracking began; reload at +${reloadAt - versions.started} ms):\n${versions.dump()}`);
      console.log(`outbox over time:\n${samples.join('\n')}`);
      console.log(`arrivals (ms from reload): ${JSON.stringify(led.arrivals.map((a) => ({ t: a.at - reloadAt, s: a.status, ids: a.eventIds.map((i) => i.slice(0, 6)) })))}`);
      const after = activeAt();
      if (after === undefined) {
        // How long the new version really waits: keep watching (diagnosis only).
        await expect.poll(activeAt, { timeout: 60_000, intervals: [250] }).toBeDefined().catch(() => {});
        console.log(`update (${when}): the new version became active ${activeAt() ?? 'not within 70 s'} ms after the reload\n${versions.dump()}`);
      }
      await versions.detach();
    }
  });
}

test('chaos: 12 failures across endpoints, the worker stopped 4 times at the worst instants and a tab closed after Sentry took its batch but before its ack: every failure is accounted for once', async ({
  page,
  context,
  servers,
  api,
  sentry,
  serviceWorker,
  openApp,
}) => {
  test.setTimeout(150_000);
  const led = ledger(sentry);
  await countBatches(context);
  const monitor = { batchMs: 300, maxEventsPerMinute: 1000 };
  await openApp({ monitor });
  const other = await context.newPage();
  await openTab(other, appUrl(servers, { monitor }));
  api.fault({ path: '/v1/models/', status: 503, body: 'down' });
  api.fault({ path: '/v1/chat/', status: 500, body: '{"error":"boom"}' });
  api.fault({ path: '/v1/embeddings/', status: 502, body: 'bad gateway' });
  api.fault({ path: '/v1/images/', status: 504, body: 'gateway timeout' });
  const t0 = Date.now();
  const stops: string[] = [];
  const stop = async (why: string) => {
    await serviceWorker.stop();
    stops.push(why);
  };

  // 1: stopped the moment the page has its failure.
  await fail(page, 'models', 0, 1);
  await stop('after failure 1');
  // 2, 3: stopped the moment their batch was handed to the page.
  let seen = await batchesSeen(page);
  await fail(page, 'chat', 1, 2);
  seen = await nextBatch(page, seen);
  await stop('after a batch (2, 3) reached the page');
  // 4-6 from the other tab: it gets their batch (it made the requests), hands it to Sentry, and is closed
  // after Sentry's answer but before its ack reaches the worker (the ack is held back in the page, then the tab closes).
  await dropAcks(other);
  await fail(other, 'embeddings', 3, 3);
  const withheld = await ackWithheld(other);
  await other.close();
  console.log(`chaos: the closed tab withheld its ack for ${JSON.stringify(withheld.map((i) => i.slice(0, 6)))}`);
  // 7: stopped the moment the page has its failure.
  await fail(page, 'images', 6, 1);
  await stop('after failure 7');
  // 8-10: stopped the moment their batch was handed to the page.
  seen = await batchesSeen(page);
  await fail(page, 'models', 7, 3);
  seen = await nextBatch(page, seen);
  await stop('after a batch (8-10) reached the page');
  // 11, 12: the worker starts again for them.
  await fail(page, 'chat', 10, 2);
  expect(stops).toHaveLength(4);

  try {
    await expectExactlyOnce(page, sentry, led, 12, { timeout: 100_000, noRepeats: ACK_THROUGH_STORAGE, drain: true });
  } finally {
    const repeated = led.arrivals.filter((a) => a.eventIds.some((id) => led.attempts(id) > 1));
    console.log(`chaos arrivals: ${JSON.stringify(led.arrivals.map((a) => ({ t: a.at - t0, s: a.status, ids: a.eventIds.map((i) => i.slice(0, 6)) })))}`);
    console.log(`chaos: repeats ${led.repeats()} (asserted zero: ${ACK_THROUGH_STORAGE}); envelopes of repeated ids: ${JSON.stringify(repeated.map((a) => ({ s: a.status, ids: a.eventIds.map((i) => i.slice(0, 6)) })))}`);
  }
});

test.describe('pages that come back', () => {
  test('a tab restored from the back/forward cache says hello again and gets the reports that waited', async ({ page, context, api, sentry, servers, openApp }) => {
    const led = ledger(sentry);
    await countBatches(context);
    await openApp({ monitor: { batchMs: 200 } });
    api.fault({ path: '/v1/bfcache/', status: 503, body: 'down' });
    sentry.plan(REFUSING(503));
    await fail(page, 'bfcache', 0, 2);
    await expect.poll(() => idsTried(led).size, { timeout: 20_000 }).toBe(2);
    // Away to another site: the page goes into the back/forward cache; the worker's next flush finds no page.
    await page.goto(`${servers.api.origin}/v1/health`);
    await page.waitForTimeout(5000);
    sentry.plan([]);
    // A page restored from the cache fires no load event: wait for the commit only.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => typeof window.harness === 'object');
    const shows = await page.evaluate(() => (window as unknown as { __pageshows: Array<{ persisted: boolean }> }).__pageshows);
    const reasons = await page.evaluate(() => JSON.stringify((performance.getEntriesByType('navigation')[0] as unknown as { notRestoredReasons?: unknown })?.notRestoredReasons ?? null));
    console.log(`pageshow events: ${JSON.stringify(shows)}; notRestoredReasons: ${reasons}`);
    // Restored from the cache, not loaded again.
    expect(shows.at(-1)).toEqual({ persisted: true });
    await expectExactlyOnce(page, sentry, led, 2, { timeout: 30_000 });
  });

  test('a page loaded with the worker bypassed, then controlled (a new version claims it), says hello and gets its reports', async ({ page, context, api, sentry, site, servers, openApp }) => {
    const led = ledger(sentry);
    await openApp({ monitor: { batchMs: 200 } });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await page.goto(appUrl(servers, { monitor: { batchMs: 200 } }));
    await page.waitForFunction(() => typeof window.harness === 'object');
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await cdp.send('Network.setBypassServiceWorker', { bypass: false });
    // A new version activates and claims the open page.
    await deployNewVersion(site, 'release 2');
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg?.update();
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
    api.fault({ path: '/v1/bypass/', status: 500, body: 'boom' });
    await fail(page, 'bypass', 0, 2);
    await expectExactlyOnce(page, sentry, led, 2, { timeout: 20_000 });
    await cdp.detach();
  });
});
