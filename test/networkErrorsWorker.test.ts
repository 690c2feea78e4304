/**
 * The app's own network errors name their request, the worker's half
 * (sw/Monitor.ts): what a stored failure hands back for its page to be told,
 * telling it through the pages, and the app event named on the report,
 * against the in-memory store. The page's half: test/networkErrors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../sw/config.js';
import { Monitor } from '../sw/Monitor.js';
import type { Notice } from '../sw/observe/watchRequest.js';
import type { BackendReport, FailureNotice } from '../sw/protocol.js';
import type { Observation } from '../sw/report/buildReport.js';
import { MemoryStore } from './sim/memoryStore.js';
import { makeNotice } from './fixtures/report.js';
import { stubWorkerGlobals } from './fixtures/worker.js';

const APP_ID = 'c'.repeat(32);


describe("the worker's half", () => {
  const rejected = (path: string, kind: 'network_error' | 'offline' = 'network_error'): Observation => ({
    classification: { kind, level: kind === 'offline' ? 'warning' : 'error' },
    method: 'POST',
    url: `https://api.gatewayz.ai${path}?api_key=sk-live-123456789012345678901234`,
    status: 0,
    statusText: '',
    startedAt: Date.now(),
    endedAt: Date.now(),
    retryCount: 0,
    online: kind !== 'offline',
    errorMessage: 'TypeError: Failed to fetch',
  });

  stubWorkerGlobals({ quiet: true });

  function monitor() {
    const store = new MemoryStore();
    const told: Array<[string, FailureNotice]> = [];
    const pages = {
      list: async () => [],
      offer: async () => ({ received: false, acked: [] }),
      tell: async (pageId: string, n: FailureNotice) => void told.push([pageId, n]),
    };
    const m = new Monitor({ config: { ...DEFAULT_CONFIG }, store, pages });
    return { m, store, told };
  }

  it('a stored failure hands back what its page is told: the report event id, method, scrubbed URL, endpoint and kind; a folded one, without the id', async () => {
    const { m, store } = monitor();
    const notices: Notice[] = [];
    const id = await m.capture(rejected('/v1/chat/completions'), 'tab-1', undefined, undefined, (n) => notices.push(n));
    const stored = store.outbox.get(id!)!.report as BackendReport;
    expect(notices).toEqual([{ eventId: id, method: 'POST', url: stored.url, endpoint: '/v1/chat/completions', kind: 'network_error' }]);
    expect(stored.url).not.toContain('sk-live');
    // The same failure again within the fold window: counted on the first report, no event id of its own.
    expect(await m.capture(rejected('/v1/chat/completions'), 'tab-1', undefined, undefined, (n) => notices.push(n))).toBeUndefined();
    expect(notices[1]).toEqual({ eventId: undefined, method: 'POST', url: stored.url, endpoint: '/v1/chat/completions', kind: 'network_error' });
  });

  it('tell() posts through the pages to that tab, and never rejects', async () => {
    const { m, told } = monitor();
    await m.tell('tab-1', makeNotice());
    expect(told).toEqual([['tab-1', makeNotice({ at: told[0]![1].at })]]);
    const failing = new Monitor({ config: { ...DEFAULT_CONFIG }, store: new MemoryStore(), pages: { list: async () => [], offer: async () => ({ received: false, acked: [] }), tell: () => Promise.reject(new Error('gone')) } });
    await expect(failing.tell('tab-1', makeNotice())).resolves.toBeUndefined();
    expect(failing.stats.internalErrors).toBe(1);
  });

  it("the app event is named on the stored report while no page has it, and not once one may", async () => {
    const { m, store } = monitor();
    const id = (await m.capture(rejected('/v1/models'), 'tab-1'))!;
    await m.appEvent(id, APP_ID);
    expect((store.outbox.get(id)!.report as BackendReport).appEventId).toBe(APP_ID);

    const leased = (await m.capture(rejected('/v1/images'), 'tab-1'))!;
    await store.tx(async (tx) => {
      const r = (await tx.get(leased))!;
      await tx.put({ ...r, leaseUntil: Date.now() + 4500 });
    });
    await m.appEvent(leased, APP_ID);
    expect((store.outbox.get(leased)!.report as BackendReport).appEventId).toBeUndefined();
  });
});
