import { getCurrentScope, getGlobalScope, getIsolationScope, type Client, type Scope } from '@sentry/core';
import type { PageScope } from '../sw/protocol.js';

/** The worker accepts at most 20 user fields of at most 200 characters (sw/protocol.ts `isPageScope`). */
const MAX_FIELDS = 20;
const MAX_CHARS = 200;

type ScopeLike = Pick<Scope, 'getUser' | 'addScopeListener'>;

function isScope(x: unknown): x is ScopeLike {
  const s = x as Partial<Scope> | undefined;
  return !!s && typeof s.getUser === 'function' && typeof s.addScopeListener === 'function';
}

/**
 * The global, isolation and current scopes that `Sentry.setUser` and friends
 * write to for this client, whatever the app's SDK version: found through the
 * SDK's global carrier (`__SENTRY__`, keyed by version), as Sentry's own
 * scope merging would. Falls back to this package's own @sentry/core.
 */
export function scopesOf(client: Client): ScopeLike[] {
  try {
    const carrier = (globalThis as { __SENTRY__?: Record<string, unknown> }).__SENTRY__;
    for (const v of Object.keys(carrier ?? {})) {
      const slot = carrier![v] as { stack?: { getScope?(): unknown; getIsolationScope?(): unknown }; globalScope?: unknown } | undefined;
      const current = slot?.stack?.getScope?.() as (ScopeLike & { getClient?(): unknown }) | undefined;
      if (!isScope(current) || current.getClient?.() !== client) continue;
      return [slot!.globalScope, slot!.stack!.getIsolationScope?.(), current].filter(isScope);
    }
  } catch {
    /* an unexpected carrier shape: use our own SDK's scopes */
  }
  return [getGlobalScope(), getIsolationScope(), getCurrentScope()];
}

function short(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v.slice(0, MAX_CHARS) : undefined;
}

/**
 * Who is using this page, as Sentry would put it on an event: the merged user
 * of its scopes (string and number fields only) and the client's release and
 * environment. Sent to the worker, so a report delivered later by another tab
 * still says who saw the failure.
 */
export function pageScopeOf(client: Client, scopes: ScopeLike[] = scopesOf(client)): PageScope {
  const merged: Record<string, unknown> = {};
  for (const s of scopes) Object.assign(merged, s.getUser());
  const user: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(merged)) {
    if (Object.keys(user).length >= MAX_FIELDS) break;
    if (typeof v === 'number' && Number.isFinite(v)) user[k] = v;
    else if (typeof v === 'string') user[k] = v.slice(0, MAX_CHARS);
  }
  const { release, environment } = client.getOptions();
  const page: PageScope = {};
  if (Object.keys(user).length > 0) page.user = user;
  if (short(release)) page.release = short(release);
  if (short(environment)) page.environment = short(environment);
  return page;
}

/** Calls `onChange` (at most once per task) whenever one of the client's scopes changes. */
export function watchScopes(client: Client, onChange: () => void): void {
  let queued = false;
  const notify = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      onChange();
    });
  };
  for (const s of scopesOf(client)) s.addScopeListener(notify);
}
