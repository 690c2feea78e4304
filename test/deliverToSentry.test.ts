import { BrowserClient, dedupeIntegration, Scope } from '@sentry/browser';
import type { Envelope, Event, Integration, TransportMakeRequestResponse } from '@sentry/core';
import { describe, expect, it, vi } from 'vitest';
import { deliverToSentry } from '../src/deliverToSentry.js';
import { makeReport } from './fixtures/report.js';
import type { BackendReport } from '../sw/protocol.js';

const report = (eventId: string, extra: Partial<BackendReport> = {}) => makeReport({ eventId, statusText: 'Service Unavailable', durationMs: 12, at: Date.now(), ...extra });

const id = (n: number) => n.toString(16).padStart(32, '0');

/** A real Sentry client whose transport answers with `status` (or `{}`, as an offline transport that stored the envelope does) and keeps what it was given. */
function clientWith(
  options: {
    status?: number | (() => number | undefined);
    headers?: Record<string, string | null>;
    integrations?: Integration[];
    beforeSend?: (e: Event) => Event | null | Promise<Event | null>;
    sampleRate?: number;
    user?: Record<string, string>;
    init?: boolean;
    /** How long the transport takes to answer. */
    delayMs?: number;
  } = {},
) {
  const sent: Event[] = [];
  const client = new BrowserClient({
    dsn: 'http://key@127.0.0.1:9/1',
    release: 'app@1.0.0',
    environment: 'prod',
    integrations: options.integrations ?? [],
    stackParser: () => [],
    beforeSend: options.beforeSend as never,
    sampleRate: options.sampleRate,
    transport: () => ({
      send: async (env: Envelope) => {
        for (const [h, p] of env[1]) if (h.type === 'event') sent.push(p as Event);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const status = typeof options.status === 'function' ? options.status() : options.status;
        return (status === undefined ? {} : { statusCode: status, headers: options.headers }) as TransportMakeRequestResponse;
      },
      flush: async () => true,
    }),
  });
  const scope = new Scope();
  scope.setClient(client);
  if (options.user) scope.setUser(options.user);
  if (options.init !== false) client.init();
  return { client, scope, sent };
}

describe('deliverToSentry', () => {
  it('says delivered only for what the ingest answered 2xx, with the message and exception in place', async () => {
    const { client, scope, sent } = clientWith({ status: 200 });
    expect(await deliverToSentry(client, { scope })([report(id(1))])).toEqual({ delivered: [id(1)], dropped: [] });
    expect(sent[0]).toMatchObject({ event_id: id(1), message: 'Backend API GET /v1/models failed: 503 Service Unavailable', release: 'app@1.0.0' });
    expect(sent[0]!.exception?.values?.[0]?.type).toBe('BackendApiError');
  });

  it('keeps what the ingest refused (500, 429) and what a plain transport failed to send', async () => {
    for (const status of [500, 429, undefined]) {
      const { client, scope } = clientWith({ status });
      const result = await deliverToSentry(client, { scope, takeFromOfflineQueue: async () => false })([report(id(2))]);
      expect(result).toMatchObject({ delivered: [], dropped: [] });
      // A 429 without a Retry-After: Sentry's SDK default, 60 s.
      expect(result.retryAt === undefined).toBe(status !== 429);
    }
  });

  it("takes what Sentry's offline transport stored back out of its queue, and keeps it (not delivered): that queue loses envelopes on a 429", async () => {
    const { client, scope } = clientWith({});
    const taken: string[] = [];
    const deliver = deliverToSentry(client, { scope, takeFromOfflineQueue: async (eventId) => (taken.push(eventId), true) });
    expect(await deliver([report(id(3)), report(id(4), { endpoint: '/v1/other' })])).toEqual({ delivered: [], dropped: [] });
    expect(taken.sort()).toEqual([id(3), id(4)]);
  });

  it('the same failure twice in a row reaches the transport twice, with Dedupe before or after it', async () => {
    for (const before of [true, false]) {
      const { client, scope, sent } = clientWith({ status: 200, integrations: [dedupeIntegration()], init: false });
      // The delivery step set up before the client's integrations (Dedupe among them), or after.
      let d = before ? deliverToSentry(client, { scope }) : undefined;
      client.init();
      d ??= deliverToSentry(client, { scope });
      expect((await d([report(id(5))])).delivered).toEqual([id(5)]);
      expect((await d([report(id(6), { occurrences: 3 })])).delivered).toEqual([id(6)]);
      expect(sent.map((e) => e.message)).toEqual([sent[0]!.message, sent[0]!.message]);
    }
  });

  it('says dropped for an event the app dropped on purpose (beforeSend or an event processor returned null), however slow its processing', async () => {
    const { client, scope, sent } = clientWith({
      status: 200,
      // An async beforeSend slower than any fixed deadline would allow for.
      beforeSend: async (e) => (await new Promise((r) => setTimeout(r, 50)), e.message?.includes('/v1/drop') ? null : e),
    });
    scope.addEventProcessor((e) => (e.tags?.api_endpoint === '/v1/processor-drop' ? null : e));
    const deliver = deliverToSentry(client, { scope });
    const result = await deliver([report(id(7), { endpoint: '/v1/drop' }), report(id(8), { endpoint: '/v1/processor-drop' }), report(id(9), { endpoint: '/v1/keep' })]);
    expect(result).toEqual({ delivered: [id(9)], dropped: [id(7), id(8)] });
    expect(sent.map((e) => e.tags?.api_endpoint)).toEqual(['/v1/keep']);
  });

  it('says dropped for an event sampling left out (sampleRate 0), so the worker carries its counts on', async () => {
    const { client, scope, sent } = clientWith({ status: 200, sampleRate: 0 });
    expect(await deliverToSentry(client, { scope })([report(id(20), { occurrences: 300, heldBack: 2000 })])).toEqual({ delivered: [], dropped: [id(20)] });
    expect(sent).toEqual([]);
  });

  it('keeps an event whose beforeSend or event processor threw: a failure to deliver, not a drop', async () => {
    const thrower = clientWith({ status: 200, beforeSend: () => { throw new Error('beforeSend bug'); } });
    expect(await deliverToSentry(thrower.client, { scope: thrower.scope })([report(id(21))])).toEqual({ delivered: [], dropped: [] });
    const processor = clientWith({ status: 200 });
    processor.scope.addEventProcessor(() => { throw new Error('processor bug'); });
    expect(await deliverToSentry(processor.client, { scope: processor.scope })([report(id(22))])).toEqual({ delivered: [], dropped: [] });
    expect(thrower.sent.concat(processor.sent).filter((e) => e.event_id === id(21) || e.event_id === id(22))).toEqual([]);
  });

  it("honours Sentry's Retry-After and X-Sentry-Rate-Limits: says until when, and sends nothing before then", async () => {
    for (const headers of [{ 'retry-after': '30', 'x-sentry-rate-limits': null }, { 'retry-after': null, 'x-sentry-rate-limits': '45:error:organization' }]) {
      const { client, scope, sent } = clientWith({ status: 429, headers });
      const deliver = deliverToSentry(client, { scope });
      const before = Date.now();
      const first = await deliver([report(id(23))]);
      const wait = Number(headers['retry-after'] ?? 45) * 1000;
      expect(first.delivered).toEqual([]);
      expect(first.retryAt).toBeGreaterThanOrEqual(before + wait);
      expect(first.retryAt).toBeLessThanOrEqual(Date.now() + wait);
      // During the pause: not handed to the SDK at all (it would filter it and count it dropped).
      const second = await deliver([report(id(24))]);
      expect(second).toEqual({ delivered: [], retryAt: first.retryAt });
      expect(sent.map((e) => e.event_id)).toEqual([id(23)]);
    }
  });

  it('an offer of a report still being sent joins that send: the transport gets it once, and its late answer counts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { client, scope, sent } = clientWith({ status: 200, delayMs: 25_000 });
      const deliver = deliverToSentry(client, { scope });
      const first = deliver([report(id(25))]);
      await vi.advanceTimersByTimeAsync(20_001);
      // The send deadline passed: "not yet" (the worker offers it again later).
      expect(await first).toEqual({ delivered: [], dropped: [] });
      const again = deliver([report(id(25))]);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(await again).toEqual({ delivered: [id(25)], dropped: [] });
      expect(sent.map((e) => e.event_id)).toEqual([id(25)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("puts the user, release and environment of the page that saw the failure on the event, not the delivering page's", async () => {
    const { client, scope, sent } = clientWith({ status: 200, user: { id: 'bob', email: 'bob@x' } });
    const deliver = deliverToSentry(client, { scope });
    await deliver([report(id(10), { page: { user: { id: 'alice' }, release: 'app@0.9.0', environment: 'staging' } })]);
    expect(sent[0]).toMatchObject({ user: { id: 'alice' }, release: 'app@0.9.0', environment: 'staging' });
    expect(sent[0]!.user).toEqual({ id: 'alice' });
    // A page that had no user: none, rather than the delivering page's.
    await deliver([report(id(11), { page: { release: 'app@0.9.0' } })]);
    expect(sent[1]!.user).toBeUndefined();
    expect(sent[1]!.environment).toBeUndefined();
    // A report that does not say: the delivering page's scope, as before.
    await deliver([report(id(12))]);
    expect(sent[2]).toMatchObject({ user: { id: 'bob', email: 'bob@x' }, release: 'app@1.0.0', environment: 'prod' });
  });
});
