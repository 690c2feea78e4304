/**
 * The relay's lease at the instants a worker can be stopped during an offer,
 * against the in-memory store and a manual clock: the records picked for a
 * batch, the page that says it received them, the new worker instance that
 * starts after. The simulation (test/sim/) drives the same relay through
 * random kills; this pins the two instants whose timing a user sees.
 */
import { describe, expect, it } from 'vitest';
import { LEASE_MS, OFFER_LEASE_MS, Relay, type OfferResult, type Pages } from '../sw/deliver/relay.js';
import { recordOf, type Clock, type OutboxRecord } from '../sw/core/store.js';
import { GATE_KEY, QuotaGate, type GateState } from '../sw/quota/gate.js';
import type { BackendReport } from '../sw/protocol.js';
import { MemoryStore } from './sim/memoryStore.js';
import { makeReport } from './fixtures/report.js';

/** Time that moves only when the test says; timers never fire (the test flushes by hand). */
class ManualClock implements Clock {
  t = 1_000_000;
  now = () => this.t;
  after(): () => void {
    return () => {};
  }
  skip(ms: number): void {
    this.t += ms;
  }
}

const flushed = () => new Promise((r) => setTimeout(r, 0));

interface Offer {
  pageId: string;
  ids: string[];
  received: () => void;
  answer: (r: OfferResult) => void;
}

/** One worker instance: its relay, and the offers it made (pending until answered). */
function instance(store: MemoryStore, clock: ManualClock, open = ['page']) {
  const offers: Offer[] = [];
  const greeted: string[] = [];
  const pages: Pages = {
    list: async () => open.map((id) => ({ id, focused: true, visible: true })),
    offer: (pageId, records, _respondBy, _ackBy, received) =>
      new Promise((answer) => offers.push({ pageId, ids: records.map((r) => r.eventId), received, answer })),
    greet: (pageId) => void greeted.push(pageId),
  };
  const relay = new Relay({
    store,
    clock,
    pages,
    gate: new QuotaGate({ dedupeWindowMs: 60_000, maxEventsPerMinute: 10, outboxCap: 1000, burstPerMinute: 10, sustained5xxMs: 300_000 }),
    newId: () => crypto.randomUUID().replace(/-/g, ''),
    online: () => true,
    batchMs: 0,
    batchSize: 20,
    internalError: (err) => {
      throw err;
    },
  });
  return { relay, offers, greeted };
}

const failure = (id: string, at: number) => makeReport({ eventId: id, status: 500, statusText: 'Internal Server Error', at });

async function setup() {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const id = 'a'.repeat(32);
  await store.tx((tx) => tx.put(recordOf(failure(id, clock.t), 'page', clock.t)));
  // Both instances know the page: its bridge said hello.
  await store.tx((tx) => tx.putMeta('bridges', { page: { at: clock.t } }));
  return { store, clock, id };
}

/** A new worker instance (the one before was stopped) offers the record again only once `ms` have passed. */
async function expectOfferedAgainAfter(store: MemoryStore, clock: ManualClock, ms: number, id: string): Promise<void> {
  const next = instance(store, clock);
  clock.skip(ms - 1);
  await next.relay.flush();
  expect(next.offers).toHaveLength(0);
  clock.skip(1);
  void next.relay.flush();
  await flushed();
  expect(next.offers.map((o) => o.ids)).toEqual([[id]]);
}

describe('relay lease', () => {
  it('a worker stopped between picking a batch and posting it delays the batch by OFFER_LEASE_MS, not the acknowledgement deadline', async () => {
    const { store, clock, id } = await setup();
    const first = instance(store, clock);
    void first.relay.flush();
    await flushed();
    // Picked and leased; the page never heard of it (the first instance is stopped here).
    expect(first.offers.map((o) => o.ids)).toEqual([[id]]);
    expect(store.outbox.get(id)!.leaseUntil).toBe(clock.t + OFFER_LEASE_MS);

    await expectOfferedAgainAfter(store, clock, OFFER_LEASE_MS, id);
    expect(OFFER_LEASE_MS).toBeLessThan(LEASE_MS / 5);
  });

  it('once the page says it received the batch, no instance offers it again before LEASE_MS', async () => {
    const { store, clock, id } = await setup();
    const first = instance(store, clock);
    const offeredAt = clock.t;
    void first.relay.flush();
    await flushed();
    first.offers[0]!.received();
    await flushed();
    expect(store.outbox.get(id)!.leaseUntil).toBe(offeredAt + LEASE_MS);

    // The first instance is stopped before the page's acknowledgement comes back.
    await expectOfferedAgainAfter(store, clock, LEASE_MS, id);
  });

  it('an acknowledgement after the lease was lengthened deletes the record; a refusal clears the lease and backs off', async () => {
    const { store, clock, id } = await setup();
    const other = 'b'.repeat(32);
    await store.tx((tx) => tx.put(recordOf(failure(other, clock.t), 'page', clock.t)));
    const { relay, offers } = instance(store, clock);
    const done = relay.flush();
    await flushed();
    offers[0]!.received();
    await flushed();
    offers[0]!.answer({ received: true, acked: [id] });
    await done;
    expect(store.outbox.has(id)).toBe(false);
    const left = store.outbox.get(other) as OutboxRecord;
    expect(left).toMatchObject({ leaseUntil: 0, attempts: 1, notBefore: clock.t + 2000 });
  });
});

describe('relay at the edges', () => {
  /** Offers what waits and answers the first batch with `result`. */
  async function answer(relay: Relay, offers: Offer[], result: Omit<OfferResult, 'received'>): Promise<void> {
    const done = relay.flush();
    await flushed();
    offers[0]!.received();
    await flushed();
    offers[0]!.answer({ received: true, ...result });
    await done;
  }

  it("holds every report until Sentry's retryAt, offers health windows meanwhile, and then offers the reports", async () => {
    const { store, clock, id } = await setup();
    const { relay, offers } = instance(store, clock);
    const retryAt = clock.t + 45_000;
    await answer(relay, offers, { acked: [], retryAt });
    expect(store.outbox.get(id)!.notBefore).toBe(retryAt);
    // A report that came later waits too (the whole category is paused), a health window does not.
    const later = 'c'.repeat(32);
    await store.tx(async (tx) => {
      await tx.put(recordOf(failure(later, clock.t), 'page', clock.t));
      await tx.put(recordOf({ kind: 'health', eventId: 'h'.repeat(32), from: 0, to: 1, series: [] }, '', clock.t));
    });
    clock.skip(44_999);
    void relay.flush(undefined, true);
    await flushed();
    expect(offers.slice(1).map((o) => o.ids)).toEqual([['h'.repeat(32)]]);
    offers[1]!.answer({ received: true, acked: ['h'.repeat(32)] });
    await flushed();
    clock.skip(1);
    void relay.flush();
    await flushed();
    expect(offers.slice(2).map((o) => o.ids.sort())).toEqual([[id, later].sort()]);
  });

  it('a report the app dropped on purpose goes, and its counts move to its fingerprint in the same transaction', async () => {
    const { store, clock, id } = await setup();
    const { relay, offers } = instance(store, clock);
    await answer(relay, offers, { acked: [], dropped: [id] });
    expect(store.outbox.has(id)).toBe(false);
    expect((store.meta.get(GATE_KEY) as GateState).folds['GET /v1/models 500']).toMatchObject({ pending: 1 });
  });

  it('a new version takes over: what the replaced one had offered is offered again at once, still marked as offered', async () => {
    const { store, clock, id } = await setup();
    const old = instance(store, clock);
    void old.relay.flush();
    await flushed();
    old.offers[0]!.received();
    await flushed();
    // The old version is replaced with its offer out (lease until the ack deadline).
    const next = instance(store, clock);
    await next.relay.takeOver();
    await flushed();
    expect(next.offers.map((o) => o.ids)).toEqual([[id]]);
    expect(store.outbox.get(id)!.leaseUntil).toBeGreaterThan(0);
  });

  it('a retiring version takes no new batch; one whose successor failed to install takes them again', async () => {
    const { store, clock } = await setup();
    const { relay, offers } = instance(store, clock);
    relay.retire(true);
    await relay.flush();
    expect(offers).toHaveLength(0);
    relay.retire(false);
    void relay.flush();
    await flushed();
    expect(offers).toHaveLength(1);
  });

  it('a version that starts retiring lets go of its open offers at once: nothing waits on them, and their leases are cleared for the next version', async () => {
    const { store, clock, id } = await setup();
    const { relay, offers } = instance(store, clock);
    const flushing = relay.flush();
    await flushed();
    offers[0]!.received();
    await flushed();
    expect(store.outbox.get(id)!.leaseUntil).toBe(clock.t + LEASE_MS);
    // The page never answers (it reloaded); a new version starts installing.
    relay.retire(true);
    await flushing;
    expect(store.outbox.get(id)).toMatchObject({ leaseUntil: 0, attempts: 0 });
    const next = instance(store, clock);
    void next.relay.flush();
    await flushed();
    expect(next.offers.map((o) => o.ids)).toEqual([[id]]);
  });

  it('asks an open page it has no bridge for to say hello, once', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    await store.tx((tx) => tx.putMeta('bridges', { page: { at: clock.t } }));
    const { relay, greeted } = instance(store, clock, ['page', 'restored']);
    await relay.flush();
    await relay.flush();
    expect(greeted).toEqual(['restored']);
  });

  it('a report storage refused is offered from memory, and folds with the same failure until it is', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    await store.tx((tx) => tx.putMeta('bridges', { page: { at: clock.t } }));
    const { relay, offers } = instance(store, clock);
    const r1 = failure('d'.repeat(32), clock.t);
    relay.hold(recordOf(r1, 'page', clock.t), 'GET /v1/models 500', 100);
    relay.hold(recordOf(failure('e'.repeat(32), clock.t), 'page', clock.t), 'GET /v1/models 500', 100);
    expect(relay.held).toBe(1);
    expect(r1.occurrences).toBe(2);
    const done = relay.flush();
    await flushed();
    expect(offers.map((o) => o.ids)).toEqual([['d'.repeat(32)]]);
    offers[0]!.received();
    offers[0]!.answer({ received: true, acked: ['d'.repeat(32)] });
    await done;
    expect(relay.held).toBe(0);
  });
});
