import { BrowserClient } from '@sentry/browser';
import { getCurrentScope, getGlobalScope, getIsolationScope, SDK_VERSION } from '@sentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPageSentryClient } from '../src/findPageSentryClient.js';
import { pageScopeOf } from '../src/pageScopeOf.js';
import { scopesOf } from '../src/sentry/adapter.js';

const g = globalThis as { __SENTRY__?: Record<string, unknown>; Sentry?: unknown };

const newClient = (release = 'app@1.0.0') =>
  new BrowserClient({ dsn: 'http://key@127.0.0.1:9/1', release, integrations: [], stackParser: () => [], transport: () => ({ send: async () => ({}), flush: async () => true }) });

/** What `Sentry.init` does for the client it makes: bound to the current scope of the SDK's carrier slot. */
function initLikeTheApp(client: BrowserClient) {
  getCurrentScope().setClient(client);
  client.init();
}

/** Moves this SDK's carrier slot under another version's key: the app's SDK is then a copy this package's @sentry/core does not see. */
function becomeForeignCopy(version = '99.0.0') {
  const carrier = g.__SENTRY__!;
  carrier[version] = carrier[SDK_VERSION];
  delete carrier[SDK_VERSION];
  carrier.version = version;
}

describe('finding the page\'s Sentry client and its scopes (the __SENTRY__ carrier, with public fallbacks)', () => {
  beforeEach(() => {
    delete g.__SENTRY__;
    delete g.Sentry;
  });
  afterEach(() => {
    delete g.__SENTRY__;
    delete g.Sentry;
  });

  it('no Sentry on the page: no client', () => {
    expect(findPageSentryClient()).toBeUndefined();
  });

  it('finds the client Sentry.init bound, and the user set on its isolation scope', () => {
    const client = newClient();
    initLikeTheApp(client);
    getIsolationScope().setUser({ id: 'alice' });
    expect(findPageSentryClient()).toBe(client);
    expect(pageScopeOf(client)).toEqual({ user: { id: 'alice' }, release: 'app@1.0.0' });
  });

  it("finds the client and scopes of another copy of the SDK (another version's carrier slot), where our own scopes are not the app's", () => {
    const client = newClient('app@2.0.0');
    initLikeTheApp(client);
    getIsolationScope().setUser({ id: 'bob' });
    getGlobalScope().setUser({ segment: 'paid' });
    becomeForeignCopy();
    // This package's own @sentry/core now has fresh scopes of its own: nothing of the app's is on them.
    expect(getIsolationScope().getUser()).toEqual({});
    expect(findPageSentryClient()).toBe(client);
    expect(pageScopeOf(client)).toEqual({ user: { segment: 'paid', id: 'bob' }, release: 'app@2.0.0' });
  });

  it("prefers the CDN bundle's public window.Sentry.getClient()", () => {
    const fromCarrier = newClient();
    initLikeTheApp(fromCarrier);
    const fromCdn = newClient();
    g.Sentry = { getClient: () => fromCdn };
    expect(findPageSentryClient()).toBe(fromCdn);
    // Something else called Sentry (not a client): the carrier's.
    g.Sentry = { getClient: () => ({ captureEvent: 1 }) };
    expect(findPageSentryClient()).toBe(fromCarrier);
  });

  it("a client on no carrier slot, or a carrier of an unexpected shape: this package's public scopes", () => {
    const client = newClient();
    client.init();
    expect(scopesOf(client)).toEqual([getGlobalScope(), getIsolationScope(), getCurrentScope()]);
    getIsolationScope().setUser({ id: 'carol' });
    expect(pageScopeOf(client).user).toEqual({ id: 'carol' });
    g.__SENTRY__ = { version: '11.0.0', '11.0.0': { stack: { getScope: () => { throw new Error('changed shape'); } } } };
    expect(findPageSentryClient()).toBeUndefined();
    expect(scopesOf(client)).toHaveLength(3);
  });
});
