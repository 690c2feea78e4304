/**
 * The page's half of delivery (src/pageBridge.ts), pure: what a page answers
 * for a batch, in which order it answers, and what it never sends twice.
 */
import { describe, expect, it } from 'vitest';
import { createPageBridge, type Deliver } from '../src/pageBridge.js';
import { makeReport } from './fixtures/report.js';
import type { AckPayload, BackendReport } from '../sw/protocol.js';

const id = (n: number) => n.toString(16).padStart(32, '0');

const report = (n: number) => makeReport({ eventId: id(n), durationMs: 1 });

function setup(deliver: Deliver, now = () => 1000) {
  const log: string[] = [];
  const sent: string[][] = [];
  const bridge = createPageBridge({
    deliver: (reports) => (sent.push(reports.map((r) => r.eventId)), deliver(reports)),
    health: async () => undefined,
    markDelivered: async (ids) => void log.push(`storage ${ids.join(',')}`),
    now,
    warn: () => {},
  });
  const offer = (reports: BackendReport[], respondBy?: number) =>
    new Promise<AckPayload>((resolve) => {
      const ok = bridge.batch({ reports, respondBy }, { received: () => log.push('received'), ack: (a) => (log.push('ack'), resolve(a)) });
      if (!ok) resolve({ eventIds: ['(ignored)'] });
    });
  return { offer, log, sent };
}

describe('page bridge', () => {
  it('says received at once, deletes what Sentry took from storage before the ack, and lists what the app dropped', async () => {
    const { offer, log } = setup(async () => ({ delivered: [id(1)], dropped: [id(2)] }));
    const ack = await offer([report(1), report(2), report(3)]);
    expect(ack).toEqual({ eventIds: [id(1)], dropped: [id(2)] });
    expect(log).toEqual(['received', `storage ${id(1)}`, 'ack']);
  });

  it('a re-offer of a report still being sent joins that send; one settled is answered from memory', async () => {
    let finish!: (ids: string[]) => void;
    const { offer, sent } = setup(() => new Promise((r) => (finish = r)));
    const first = offer([report(1)]);
    const second = offer([report(1)]);
    await new Promise((r) => setTimeout(r, 0));
    finish([id(1)]);
    expect(await first).toEqual({ eventIds: [id(1)] });
    expect(await second).toEqual({ eventIds: [id(1)] });
    expect(await offer([report(1)])).toEqual({ eventIds: [id(1)] });
    expect(sent).toEqual([[id(1)]]);
  });

  it("while Sentry asked for a pause, sends nothing and tells the worker until when", async () => {
    let t = 1000;
    const { offer, sent } = setup(async () => ({ delivered: [], retryAt: 61_000 }), () => t);
    expect(await offer([report(1)])).toEqual({ eventIds: [], retryAt: 61_000 });
    t = 30_000;
    expect(await offer([report(2)])).toEqual({ eventIds: [], retryAt: 61_000 });
    expect(sent).toEqual([[id(1)]]);
  });

  it('a deliver that throws delivers nothing (offered again later); a batch past its deadline gets no answer at all', async () => {
    const { offer, log } = setup(async () => {
      throw new Error('boom');
    });
    expect(await offer([report(1)])).toEqual({ eventIds: [] });
    log.length = 0;
    expect(await offer([report(2)], 999)).toEqual({ eventIds: ['(ignored)'] });
    expect(log).toEqual([]);
  });
});
