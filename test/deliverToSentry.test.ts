import { BrowserClient, dedupeIntegration, Scope } from '@sentry/browser';
import type { Envelope, Event, Integration } from '@sentry/core';
import { describe, expect, it } from 'vitest';
import { deliverToSentry } from '../src/deliverToSentry.js';
import type { BackendReport } from '../sw/protocol.js';

function report(eventId: string, extra: Partial<BackendReport> = {}): BackendReport {
  const now = Date.now();
  return {
    eventId, kind: 'http_error', level: 'error', method: 'GET', url: 'https://api.x/v1/models', endpoint: '/v1/models', gateway: 'all',
    status: 503, statusText: 'Service Unavailable', retryCount: 0, durationMs: 12, startedAt: now, online: true, occurrences: 1,
    firstSeen: now, lastSeen: now, ...extra,
  };
}

const id = (n: number) => n.toString(16).padStart(32, '0');

/** A real Sentry client whose transport answers with `status` (or `{}`, as an offline transport that stored the envelope does) and keeps what it was given. */
function clientWith(options: { status?: number; integrations?: Integration[]; beforeSend?: (e: Event) => Event | null | Promise<Event | null>; user?: Record<string, string>; init?: boolean } = {}) {
  const sent: Event[] = [];
  const client = new BrowserClient({
    dsn: 'http://key@127.0.0.1:9/1',
    release: 'app@1.0.0',
    environment: 'prod',
    integrations: options.integrations ?? [],
    stackParser: () => [],
    beforeSend: options.beforeSend as never,
    transport: () => ({
      send: async (env: Envelope) => {
        for (const [h, p] of env[1]) if (h.type === 'event') sent.push(p as Event);
        return options.status === undefined ? {} : { statusCode: options.status };
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
  it('acknowledges what the ingest accepted, with the message and exception in place', async () => {
    const { client, scope, sent } = clientWith({ status: 200 });
    expect(await deliverToSentry(client, { scope })([report(id(1))])).toEqual([id(1)]);
    expect(sent[0]).toMatchObject({ event_id: id(1), message: 'Backend API GET /v1/models failed: 503 Service Unavailable', release: 'app@1.0.0' });
    expect(sent[0]!.exception?.values?.[0]?.type).toBe('BackendApiError');
  });

  it('keeps what the ingest refused (500, 429) and what a plain transport failed to send', async () => {
    for (const status of [500, 429, undefined]) {
      const { client, scope } = clientWith({ status });
      expect(await deliverToSentry(client, { scope, storedOffline: async () => false })([report(id(2))])).toEqual([]);
    }
  });

  it("acknowledges what the offline transport stored: the storedOffline answer for a send that got no status", async () => {
    const { client, scope } = clientWith({});
    const asked: string[] = [];
    const deliver = deliverToSentry(client, { scope, storedOffline: async (eventId) => (asked.push(eventId), eventId === id(3)) });
    expect(await deliver([report(id(3)), report(id(4), { endpoint: '/v1/other' })])).toEqual([id(3)]);
    expect(asked.sort()).toEqual([id(3), id(4)]);
  });

  it('the same failure twice in a row reaches the transport twice, with Dedupe before or after it', async () => {
    for (const before of [true, false]) {
      const { client, scope, sent } = clientWith({ status: 200, integrations: [dedupeIntegration()], init: false });
      // The delivery step set up before the client's integrations (Dedupe among them), or after.
      let d = before ? deliverToSentry(client, { scope }) : undefined;
      client.init();
      d ??= deliverToSentry(client, { scope });
      expect(await d([report(id(5))])).toEqual([id(5)]);
      expect(await d([report(id(6), { occurrences: 3 })])).toEqual([id(6)]);
      expect(sent.map((e) => e.message)).toEqual([sent[0]!.message, sent[0]!.message]);
    }
  });

  it('acknowledges an event the app dropped on purpose (beforeSend, an event processor), however slow its processing', async () => {
    const { client, scope, sent } = clientWith({
      status: 200,
      // An async beforeSend slower than any fixed deadline would allow for.
      beforeSend: async (e) => (await new Promise((r) => setTimeout(r, 50)), e.message?.includes('/v1/drop') ? null : e),
    });
    scope.addEventProcessor((e) => (e.tags?.api_endpoint === '/v1/processor-drop' ? null : e));
    const deliver = deliverToSentry(client, { scope });
    const done = await deliver([report(id(7), { endpoint: '/v1/drop' }), report(id(8), { endpoint: '/v1/processor-drop' }), report(id(9), { endpoint: '/v1/keep' })]);
    expect(done.sort()).toEqual([id(7), id(8), id(9)]);
    expect(sent.map((e) => e.tags?.api_endpoint)).toEqual(['/v1/keep']);
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
