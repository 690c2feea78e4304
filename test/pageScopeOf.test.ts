import { BrowserClient, Scope } from '@sentry/browser';
import { describe, expect, it } from 'vitest';
import { pageScopeOf } from '../src/pageScopeOf.js';
import { isPageScope } from '../sw/protocol.js';

const client = (release?: string, environment?: string) =>
  new BrowserClient({ dsn: 'http://key@127.0.0.1:9/1', release, environment, integrations: [], stackParser: () => [], transport: () => ({ send: async () => ({}), flush: async () => true }) });

describe('pageScopeOf', () => {
  it("merges the user across the client's scopes, current last, and takes release and environment from the client", () => {
    const global = new Scope();
    global.setUser({ id: 'anon', segment: 'free' });
    const isolation = new Scope();
    isolation.setUser({ id: 'alice', email: 'alice@x' });
    const page = pageScopeOf(client('app@2.0.0', 'prod'), [global, isolation, new Scope()]);
    expect(page).toEqual({ user: { id: 'alice', segment: 'free', email: 'alice@x' }, release: 'app@2.0.0', environment: 'prod' });
    expect(isPageScope(page)).toBe(true);
  });

  it('keeps only what the worker accepts: string and number fields, at most 20, at most 200 characters', () => {
    const s = new Scope();
    const user: Record<string, unknown> = { id: 7, name: 'x'.repeat(500), geo: { city: 'Oslo' }, ip_address: '{{auto}}', admin: true };
    for (let i = 0; i < 30; i++) user[`f${i}`] = `v${i}`;
    s.setUser(user as never);
    const page = pageScopeOf(client(`r${'1'.repeat(300)}`), [s]);
    expect(isPageScope(page)).toBe(true);
    expect(Object.keys(page.user!)).toHaveLength(20);
    expect(page.user).toMatchObject({ id: 7, name: 'x'.repeat(200), ip_address: '{{auto}}' });
    expect(page.user).not.toHaveProperty('geo');
    expect(page.user).not.toHaveProperty('admin');
    expect(page.release).toHaveLength(200);
    expect(page.environment).toBeUndefined();
  });

  it('no user, no release: an empty scope, which tells the worker exactly that', () => {
    expect(pageScopeOf(client(), [new Scope()])).toEqual({});
  });
});
