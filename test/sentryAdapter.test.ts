import { BrowserClient, Scope } from '@sentry/browser';
import type { Envelope, Event, TransportMakeRequestResponse } from '@sentry/core';
import { describe, expect, it } from 'vitest';
import { deliverToSentry } from '../src/deliverToSentry.js';
import { eventPipeline, isDeliberateDrop } from '../src/sentry/adapter.js';
import type { BackendReport } from '../sw/protocol.js';

const id = (n: number) => n.toString(16).padStart(32, '0');

function report(eventId: string, endpoint = '/v1/models'): BackendReport {
  const now = Date.now();
  return {
    eventId, kind: 'http_error', level: 'error', method: 'GET', url: `https://api.x${endpoint}`, endpoint, gateway: 'all',
    status: 503, statusText: 'Service Unavailable', retryCount: 0, durationMs: 12, startedAt: now, online: true, occurrences: 1,
    firstSeen: now, lastSeen: now,
  };
}

/**
 * A real client (this run's SDK version) with a loopback transport answering
 * `status`, and the SDK internals the adapter relies on hidden as a future SDK
 * might lose them: `_processEvent`, and with `noDropReasons` the reasons
 * `recordDroppedEvent` gives (it can no longer be intercepted).
 */
function clientWithout(options: { status?: number; beforeSend?: (e: Event) => Event | null; sampleRate?: number; noDropReasons?: boolean }) {
  const sent: Event[] = [];
  const client = new BrowserClient({
    dsn: 'http://key@127.0.0.1:9/1',
    release: 'app@1.0.0',
    integrations: [],
    stackParser: () => [],
    beforeSend: options.beforeSend as never,
    sampleRate: options.sampleRate,
    transport: () => ({
      send: async (env: Envelope) => {
        for (const [h, p] of env[1]) if (h.type === 'event') sent.push(p as Event);
        return (options.status === undefined ? {} : { statusCode: options.status }) as TransportMakeRequestResponse;
      },
      flush: async () => true,
    }),
  });
  expect(typeof (client as unknown as Record<string, unknown>)._processEvent, 'this SDK version has the internal being hidden').toBe('function');
  if (options.noDropReasons) {
    const own = client.recordDroppedEvent.bind(client);
    // Still callable by the client, but an assignment (the interception) does not take.
    Object.defineProperty(client, 'recordDroppedEvent', { get: () => own, set: () => {} });
  }
  const scope = new Scope();
  scope.setClient(client);
  client.init();
  /**
   * `deliverToSentry` as it would set itself up on an SDK without `_processEvent`: hidden while the adapter
   * looks for it, then given back (the client's own `captureEvent` runs through it).
   */
  const deliverWithout = (): ReturnType<typeof deliverToSentry> => {
    Object.defineProperty(client, '_processEvent', { value: undefined, configurable: true });
    try {
      expect(eventPipeline(client)).toMatchObject({ via: 'public', tellsDrops: !options.noDropReasons });
      return deliverToSentry(client, { scope });
    } finally {
      delete (client as unknown as Record<string, unknown>)._processEvent;
    }
  };
  return { client, scope, sent, deliver: deliverWithout };
}

describe('the SDK adapter (src/sentry/adapter.ts)', () => {
  it("uses the client's _processEvent where it has it (every version the matrix runs)", () => {
    const client = new BrowserClient({ dsn: 'http://key@127.0.0.1:9/1', integrations: [], stackParser: () => [], transport: () => ({ send: async () => ({}), flush: async () => true }) });
    expect(eventPipeline(client)).toMatchObject({ via: 'internal', tellsDrops: true });
  });

  it('tells deliberate drops from errors by the marker, and a callback that "threw" is never a drop', () => {
    expect(isDeliberateDrop(Object.assign(new Error('beforeSend returned `null`, will not send event.'), { [Symbol.for('SentryDoNotSendEventError')]: true }))).toBe(true);
    expect(isDeliberateDrop({ message: 'An event processor returned `null`, will not send event.', logLevel: 'log' })).toBe(true);
    expect(isDeliberateDrop(Object.assign(new Error('beforeSend threw an error, will not send event.'), { [Symbol.for('SentryDoNotSendEventError')]: true }))).toBe(false);
    expect(isDeliberateDrop(new Error('Event processing pipeline threw an error'))).toBe(false);
    expect(isDeliberateDrop('null')).toBe(false);
  });

  describe('without _processEvent: the public captureEvent + flush', () => {
    it('delivered on 2xx, with the message, exception and release in place; not delivered on 500', async () => {
      const ok = clientWithout({ status: 200 });
      expect(await ok.deliver()([report(id(1))])).toEqual({ delivered: [id(1)], dropped: [] });
      expect(ok.sent[0]).toMatchObject({ event_id: id(1), message: 'Backend API GET /v1/models failed: 503 Service Unavailable', release: 'app@1.0.0' });
      expect(ok.sent[0]!.exception?.values?.[0]?.type).toBe('BackendApiError');
      const refused = clientWithout({ status: 500 });
      expect(await refused.deliver()([report(id(2))])).toEqual({ delivered: [], dropped: [], refused: [id(2)] });
    });

    it('dropped on purpose (beforeSend or an event processor returned null, sampleRate 0) says dropped, from the reason the client records', async () => {
      const { scope, sent, deliver } = clientWithout({ status: 200, beforeSend: (e) => (e.tags?.api_endpoint === '/v1/drop' ? null : e) });
      scope.addEventProcessor((e) => (e.tags?.api_endpoint === '/v1/processor-drop' ? null : e));
      const result = await deliver()([report(id(3), '/v1/drop'), report(id(4), '/v1/processor-drop'), report(id(5), '/v1/keep')]);
      expect(result).toEqual({ delivered: [id(5)], dropped: [id(3), id(4)] });
      expect(sent.map((e) => e.event_id)).toEqual([id(5)]);
      const sampled = clientWithout({ status: 200, sampleRate: 0 });
      expect(await sampled.deliver()([report(id(6))])).toEqual({ delivered: [], dropped: [id(6)] });
    });

    it('a beforeSend that threw is a failure (offered again), not a drop', async () => {
      const { sent, deliver } = clientWithout({ status: 200, beforeSend: () => { throw new Error('beforeSend bug'); } });
      expect(await deliver()([report(id(7))])).toEqual({ delivered: [], dropped: [] });
      expect(sent.filter((e) => e.event_id === id(7))).toEqual([]);
    });

    it('and without the drop reasons: a drop counts as not delivered, and the next offer captures it again (never lost, never stuck)', async () => {
      let seen = 0;
      const made = clientWithout({ status: 200, noDropReasons: true, beforeSend: (e) => (seen++, e.tags?.api_endpoint === '/v1/drop' ? null : e) });
      const deliver = made.deliver();
      const { sent } = made;
      expect(await deliver([report(id(8), '/v1/drop'), report(id(9))])).toEqual({ delivered: [id(9)], dropped: [] });
      expect(await deliver([report(id(8), '/v1/drop')])).toEqual({ delivered: [], dropped: [] });
      expect(seen).toBe(3);
      expect(sent.map((e) => e.event_id)).toEqual([id(9)]);
    });
  });
});
