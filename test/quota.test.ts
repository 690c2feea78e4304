/**
 * The quota gate and burst episodes, pure, against the in-memory store: the
 * rules a reader of the README relies on, one test each. The simulation
 * (test/sim/) drives the same gate through kills and interleavings.
 */
import { describe, expect, it } from 'vitest';
import { burstFailure, type BurstTrack } from '../sw/health/burst.js';
import { ALERTS_PER_HOUR, foldKey, GATE_KEY, QuotaGate, type GateState } from '../sw/quota/gate.js';
import type { BackendReport } from '../sw/protocol.js';
import { MemoryStore } from './sim/memoryStore.js';
import { makeReport } from './fixtures/report.js';

let ids = 0;
const newId = () => (++ids).toString(16).padStart(32, '0');

const report = (path: string, at: number, gateway = 'all', status = 503) => makeReport({ eventId: newId(), url: `https://api.x${path}`, endpoint: path, gateway, status, at });

function setup(config: Partial<ConstructorParameters<typeof QuotaGate>[0]> = {}) {
  const store = new MemoryStore();
  const gate = new QuotaGate({ dedupeWindowMs: 60_000, maxEventsPerMinute: 10, outboxCap: 1000, burstPerMinute: 1000, sustained5xxMs: 3_600_000, ...config });
  const capture = (r: BackendReport, now: number) => store.tx((tx) => gate.capture(tx, r, { clientId: 'c', now, newId }));
  const sweep = (now: number) => store.tx((tx) => gate.sweep(tx, now, newId, true));
  const reports = () => [...store.outbox.values()].map((r) => r.report as BackendReport);
  return { store, gate, capture, sweep, reports, limit: () => (store.meta.get(GATE_KEY) as GateState).limit };
}

describe('fold', () => {
  it('a steady failure makes one event per window, each carrying the count since the one before', async () => {
    const { capture, sweep, reports } = setup();
    // Every 10 s for 3 minutes: 19 failures.
    for (let t = 0; t <= 180_000; t += 10_000) await capture(report('/v1/models', t), t);
    await sweep(185_000);
    const events = reports().sort((a, b) => a.lastSeen - b.lastSeen);
    expect(events.map((e) => [e.lastSeen, e.occurrences])).toEqual([
      [0, 1],
      [60_000, 6],
      [120_000, 6],
      [180_000, 6],
    ]);
    expect(events[1]!.firstSeen).toBe(10_000);
  });

  it('a window that closes with occurrences no event carried sends their count then, and starts the next window: one event per window', async () => {
    const { capture, sweep, reports } = setup();
    await capture(report('/v1/a', 0), 0);
    await capture(report('/v1/a', 5_000, 'openrouter'), 5_000);
    await capture(report('/v1/a', 6_000, 'groq'), 6_000);
    expect(await sweep(30_000)).toBe(60_000);
    expect(reports()).toHaveLength(1);
    // The window closes: its count leaves now, not a window later.
    expect(await sweep(60_000)).toBe(120_000);
    const summary = reports().find((r) => r.occurrences === 2)!;
    expect(summary).toMatchObject({ firstSeen: 5_000, lastSeen: 6_000, gateway: 'groq', occurrencesByGateway: { openrouter: 1, groq: 1 } });
    // The failure goes on: it folds into the window the summary started, and leaves when that one closes.
    expect(await capture(report('/v1/a', 70_000), 70_000)).toBe('folded');
    await sweep(120_000);
    expect(reports().map((r) => r.occurrences)).toEqual([1, 2, 1]);
    // A window with nothing in it ends the fold: the next failure is an event at once.
    await sweep(180_000);
    expect(await capture(report('/v1/a', 181_000), 181_000)).toBe('event');
  });

  it('keeps per-gateway counts inside a fold, and the fingerprint ignores the gateway', async () => {
    const { capture, reports } = setup();
    await capture(report('/v1/a', 0, 'x'), 0);
    await capture(report('/v1/a', 1_000, 'y'), 1_000);
    await capture(report('/v1/a', 2_000, 'x'), 2_000);
    await capture(report('/v1/a', 61_000, 'z'), 61_000);
    const last = reports().find((r) => r.lastSeen === 61_000)!;
    expect(last.occurrences).toBe(3);
    expect(last.occurrencesByGateway).toEqual({ x: 1, y: 1, z: 1 });
    expect(foldKey(report('/v1/a', 0, 'x'))).toBe(foldKey(report('/v1/a', 0, 'y')));
  });
});

describe('an event the app dropped on purpose (sampling, beforeSend)', () => {
  it('goes, and the occurrences and held-back count it carried ride on its fingerprint\'s next report: totals stay right', async () => {
    const { store, gate, capture, sweep, reports } = setup({ maxEventsPerMinute: 1 });
    const first = report('/v1/a', 0);
    await capture(first, 0);
    // Two more of it folded, and one other failure held back by the limit (1 a minute).
    await capture(report('/v1/a', 1_000), 1_000);
    await capture(report('/v1/b', 2_000), 2_000);
    // The first event, by the time it is offered, carries 300 occurrences and 2000 held back; the app drops it.
    const stored = [...store.outbox.values()][0]!;
    stored.report = { ...(stored.report as BackendReport), occurrences: 300, heldBack: 2000 };
    store.outbox.set(stored.eventId, stored);
    expect(await store.tx((tx) => gate.carry(tx, first.eventId, 3_000))).toBe(true);
    expect(reports()).toEqual([]);
    // Carried again: the record is gone, nothing counted twice.
    expect(await store.tx((tx) => gate.carry(tx, first.eventId, 3_000))).toBe(false);
    // The window closes: its summary carries the 300 dropped plus the 1 folded; the held back (2000 + 1) rides on it too.
    await sweep(60_000);
    const [summary] = reports();
    expect(summary).toMatchObject({ endpoint: '/v1/a', occurrences: 301, heldBack: 2001, firstSeen: 0, lastSeen: 1_000 });
  });

  it('a dropped burst alert counts as suppressed on the next alert', async () => {
    const { store, gate } = setup();
    const now = 0;
    await store.tx(async (tx) => {
      await tx.put({ eventId: 'b'.repeat(32), clientId: '', createdAt: now, attempts: 0, notBefore: now, leaseUntil: 0, report: { ...report('*', now), kind: 'burst', burst: { scope: 'gateway', key: 'g', reason: 'rate', count: 12, suppressed: 2 } } });
    });
    await store.tx((tx) => gate.carry(tx, 'b'.repeat(32), now));
    expect((store.meta.get(GATE_KEY) as GateState).limit.suppressedAlerts).toBe(3);
  });
});

describe('rate limit and cap', () => {
  it('admits at most maxEventsPerMinute, counts the rest, and the count rides on the next event', async () => {
    const { capture, reports, limit } = setup({ maxEventsPerMinute: 3 });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await capture(report(`/v1/p${i}`, i), i));
    expect(decisions).toEqual(['event', 'event', 'event', 'held', 'held']);
    expect(limit().heldBack).toBe(2);
    await capture(report('/v1/later', 60_001), 60_001);
    expect(reports().find((r) => r.endpoint === '/v1/later')!.heldBack).toBe(2);
    expect(limit().heldBack).toBe(0);
  });

  it('a held-back count with nothing to ride on goes out as a rate_limited summary when a slot frees', async () => {
    const { capture, sweep, reports } = setup({ maxEventsPerMinute: 1, dedupeWindowMs: 0 });
    await capture(report('/v1/a', 0), 0);
    await capture(report('/v1/b', 1), 1);
    expect(await sweep(2)).toBe(60_000);
    await sweep(60_000);
    expect(reports().find((r) => r.kind === 'rate_limited')).toMatchObject({ heldBack: 1, occurrences: 0 });
  });

  it('past the cap, folds the newest record never offered into the held-back count, never one a page may have', async () => {
    const { store, capture, reports, limit } = setup({ maxEventsPerMinute: 100, outboxCap: 3 });
    for (let i = 0; i < 3; i++) await capture(report(`/v1/c${i}`, i), i);
    // Two are with pages (leased), one never offered.
    for (const r of store.outbox.values()) if ((r.report as BackendReport).endpoint !== '/v1/c2') r.leaseUntil = 99_999;
    expect(await capture(report('/v1/c3', 10), 10)).toBe('event');
    expect(reports().map((r) => r.endpoint).sort()).toEqual(['/v1/c0', '/v1/c1', '/v1/c3']);
    // The evicted record's failure rides on the one that took its place.
    expect(reports().find((r) => r.endpoint === '/v1/c3')!.heldBack).toBe(1);
    expect(limit().heldBack).toBe(0);
    // Now every record may be with a page: the new failure is counted instead.
    for (const r of store.outbox.values()) r.leaseUntil = 99_999;
    expect(await capture(report('/v1/c4', 11), 11)).toBe('held');
    expect(limit().heldBack).toBe(1);
    expect(store.outbox.size).toBe(3);
  });
});

describe('burst episodes', () => {
  const track = (): BurstTrack => ({ times: [], open: false, aboveHalfUntil: 0, sustainedAlerted: false });

  it('near the threshold, with jitter, one alert per episode, not one per crossing', () => {
    const t = track();
    let alerts = 0;
    // 10–12 failures a minute for an hour against a threshold of 10.
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let now = 0; now < 3_600_000; now += 4_500 + rand() * 1_500) alerts += burstFailure(t, now, 10, false, 1e9).length;
    expect(alerts).toBe(1);
  });

  it('closes only after a full minute below half the threshold, then a new episode alerts again', () => {
    const t = track();
    const at = (times: number[]) => times.flatMap((now) => burstFailure(t, now, 4, false, 1e9));
    expect(at([0, 1, 2, 3, 4])).toHaveLength(1);
    // Two a minute (at half): still the same episode.
    expect(at([40_000, 70_000, 100_000, 130_000])).toHaveLength(0);
    // Quiet for over two minutes, then a new burst.
    expect(at([300_000, 300_001, 300_002, 300_003, 300_004])).toHaveLength(1);
  });

  it('alerts have a budget of their own: at most ALERTS_PER_HOUR, the rest counted on the next', async () => {
    const { store, gate } = setup({ burstPerMinute: 1 });
    for (let i = 0; i < ALERTS_PER_HOUR + 3; i++) {
      const r = report(`/v1/burst${i}`, i);
      for (const now of [i * 10, i * 10 + 1]) {
        await store.tx((tx) => gate.capture(tx, { ...r, eventId: newId() }, { clientId: 'c', now, newId, burstScopes: [['endpoint', r.endpoint]] }));
      }
    }
    const alerts = [...store.outbox.values()].map((r) => r.report as BackendReport).filter((r) => r.kind === 'burst');
    expect(alerts).toHaveLength(ALERTS_PER_HOUR);
    expect((store.meta.get(GATE_KEY) as GateState).limit.suppressedAlerts).toBe(3);
  });
});
