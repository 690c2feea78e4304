/**
 * The composition root's own rules: the user's beforeReport hook around the
 * write-ahead step, against the in-memory store (the real IndexedDB one is
 * exercised in e2e/).
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../sw/report/buildReport.js';
import { DEFAULT_CONFIG } from '../sw/config.js';
import { Monitor } from '../sw/Monitor.js';
import { guardBeforeReport } from '../sw/report/guardBeforeReport.js';
import type { BackendReport } from '../sw/protocol.js';
import { MemoryStore } from './sim/memoryStore.js';
import { stubWorkerGlobals } from './fixtures/worker.js';

const observation = (path: string, status = 503): Observation => ({
  classification: { kind: 'http_error', level: status >= 500 ? 'error' : 'warning' },
  method: 'GET',
  url: `https://api.gatewayz.ai${path}`,
  status,
  statusText: '',
  startedAt: Date.now(),
  endedAt: Date.now(),
  retryCount: 0,
  online: true,
});

const noPages = { list: async () => [], offer: async () => ({ received: false, acked: [] }) };

function monitor(beforeReport?: ConstructorParameters<typeof Monitor>[0]['beforeReport']) {
  const store = new MemoryStore();
  const m = new Monitor({ config: { ...DEFAULT_CONFIG, dedupeWindowMs: 0 }, store, pages: noPages, beforeReport });
  const reports = () => [...store.outbox.values()].map((r) => r.report as BackendReport);
  return { m, store, reports };
}

stubWorkerGlobals({ quiet: true });

describe('Monitor.capture', () => {
  it('a write-ahead that storage refuses keeps the failure: held in memory, counted, offered to a page at once, counted as storage_failed in health', async () => {
    const store = new MemoryStore();
    const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    let fail = true;
    const failing = { tx: <T>(work: Parameters<MemoryStore['tx']>[0]) => (fail ? Promise.reject(quota) : store.tx(work)) as Promise<T> };
    const offered: BackendReport[][] = [];
    const pages = {
      list: async () => [{ id: 'c1', focused: true, visible: true }],
      offer: async (_p: string, records: { eventId: string; report: unknown }[]) => {
        offered.push(records.map((r) => r.report as BackendReport));
        return { received: true, acked: records.map((r) => r.eventId) };
      },
    };
    const m = new Monitor({ config: { ...DEFAULT_CONFIG, healthIntervalMs: 1000 }, store: failing as never, pages, online: () => true });
    fail = false;
    await m.relay.hello('c1', undefined, false);
    fail = true;
    expect(await m.capture(observation('/v1/models'), 'c1')).toBeUndefined();
    expect(await m.capture(observation('/v1/models'), 'c1')).toBeUndefined();
    expect(m.stats).toMatchObject({ failures: 2, storageFailed: 2, storing: 0, internalErrors: 0 });
    expect(m.relay.held).toBe(1);
    fail = false;
    await m.relay.flush();
    // The two folded into one report while it waited in memory.
    expect(offered.map((b) => b.map((r) => [r.endpoint, r.occurrences]))).toEqual([[['/v1/models', 2]]]);
    expect(m.relay.held).toBe(0);
    m.observe('https://api.gatewayz.ai/v1/models', 503, 5, 'http_error');
    await m.health.flush();
    const windows = [...store.outbox.values()].map((r) => r.report).filter((r) => r.kind === 'health');
    expect(windows).toHaveLength(1);
    expect((windows[0] as { series: Array<{ failures: Record<string, number> }> }).series[0]!.failures).toMatchObject({ storage_failed: 2, http_error: 1 });
  });

  it('stores the report before it resolves, with its event id, and counts it', async () => {
    const { m, reports } = monitor();
    const id = await m.capture(observation('/v1/models'), 'c1');
    expect(reports().map((r) => [r.eventId, r.endpoint, r.status])).toEqual([[id, '/v1/models', 503]]);
    expect(m.stats).toMatchObject({ failures: 1, reported: 1, storing: 0 });
  });

  it('adds the preview afterwards, scrubbed, unless a page already has the report', async () => {
    const { m, store, reports } = monitor();
    const id = (await m.capture(observation('/v1/a'), 'c1', undefined, Date.now() + 2500))!;
    expect(store.outbox.get(id)!.notBefore).toBeGreaterThan(Date.now());
    await m.addPreview(id, '{"error":"quota","retry_after":7,"key":"sk-live-abcdefghijklmnop1234"}');
    expect(reports()[0]).toMatchObject({ retryAfter: '7' });
    expect(reports()[0]!.responsePreview).not.toContain('sk-live-abcdefghijklmnop1234');
    expect(store.outbox.get(id)!.notBefore).toBeLessThanOrEqual(Date.now());
    const id2 = (await m.capture(observation('/v1/b'), 'c1'))!;
    store.outbox.get(id2)!.leaseUntil = Date.now() + 1000;
    await m.addPreview(id2, 'late');
    expect(store.outbox.get(id2)!.report).not.toHaveProperty('responsePreview');
  });

  it('a beforeReport hook that throws is counted and the report kept as built', async () => {
    const { m, reports } = monitor(() => {
      throw new Error('user bug');
    });
    await m.capture(observation('/v1/models'), 'c1');
    expect(m.stats.internalErrors).toBe(1);
    expect(reports()[0]?.endpoint).toBe('/v1/models');
  });

  it("what beforeReport returns (through registerMonitorRoute's guard) is scrubbed again; null drops the report", async () => {
    const hook = guardBeforeReport(
      (r) => (r.endpoint === '/v1/drop' ? null : { ...r, responsePreview: 'leaked sk-live-abcdefghijklmnop1234', url: `${r.url}?token=abc` }),
      [],
    );
    const { m, reports } = monitor(hook);
    await m.capture(observation('/v1/keep'), 'c1');
    expect(await m.capture(observation('/v1/drop'), 'c1')).toBeUndefined();
    expect(reports()).toHaveLength(1);
    expect(reports()[0]!.responsePreview).toBe('leaked [Filtered]');
    expect(reports()[0]!.url).toBe('https://api.gatewayz.ai/v1/keep?token=[Filtered]');
  });

  it('a hook that returns something that is not a report leaves the report as built', async () => {
    const { m, reports } = monitor(guardBeforeReport(() => ({ nonsense: true }) as never, []));
    await m.capture(observation('/v1/models'), 'c1');
    expect(reports()[0]?.endpoint).toBe('/v1/models');
  });
});

describe('Monitor.addLate', () => {
  const timedOut = (path: string): Observation => ({ ...observation(path, 0), classification: { kind: 'timeout', level: 'error' }, timeoutMs: 120_000 });

  it("adds a late answer's status and time to the stored timeout report, in place, unless a page may have it", async () => {
    const { m, store, reports } = monitor();
    const id = (await m.capture(timedOut('/v1/chat/completions'), 'c1'))!;
    await m.addLate(id, 200, 95_000);
    expect(reports()).toHaveLength(1);
    expect(reports()[0]).toMatchObject({ eventId: id, kind: 'timeout', timeoutMs: 120_000, lateStatus: 200, lateAfterMs: 95_000, occurrences: 1 });

    // Offered to a page (a lease, even one answered since): the report stays as the page may have sent it.
    const other = (await m.capture(timedOut('/v1/images/generations'), 'c1'))!;
    store.outbox.set(other, { ...store.outbox.get(other)!, leaseUntil: 0 });
    await m.addLate(other, 500, 181_000);
    expect(store.outbox.get(other)!.report).not.toHaveProperty('lateStatus');

    // Gone (delivered): nothing is written back.
    await m.addLate('d'.repeat(32), 200, 1);
    expect(store.outbox.has('d'.repeat(32))).toBe(false);
    expect(m.stats.internalErrors).toBe(0);
  });
});
