import type { Client } from '@sentry/core';
import type { PageScope } from '../sw/protocol.js';
import { scopesOf, type ScopeLike } from './sentry/adapter.js';

/** The worker accepts at most 20 user fields of at most 200 characters (sw/protocol.ts `isPageScope`). */
const MAX_FIELDS = 20;
const MAX_CHARS = 200;

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
