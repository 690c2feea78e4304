import type { Client } from '@sentry/core';

function isClient(x: unknown): x is Client {
  const c = x as Partial<Client> | undefined;
  return !!c && typeof c.captureEvent === 'function' && typeof c.on === 'function' && typeof c.addEventProcessor === 'function';
}

/**
 * The Sentry client the app set up, if any, whatever its SDK version: the CDN
 * bundle's `window.Sentry`, else the SDK's global carrier (`__SENTRY__`, keyed
 * by version), whose current scope holds the client `Sentry.init` made.
 */
export function findPageSentryClient(): Client | undefined {
  const g = globalThis as { Sentry?: { getClient?: () => unknown }; __SENTRY__?: Record<string, unknown> };
  try {
    const fromCdn = g.Sentry?.getClient?.();
    if (isClient(fromCdn)) return fromCdn;
    const carrier = g.__SENTRY__;
    if (!carrier || typeof carrier !== 'object') return undefined;
    const versions = [carrier.version, ...Object.keys(carrier)].filter((v): v is string => typeof v === 'string');
    for (const v of new Set(versions)) {
      const slot = carrier[v] as { stack?: { getScope?: () => { getClient?: () => unknown } }; defaultCurrentScope?: { getClient?: () => unknown } } | undefined;
      const client = slot?.stack?.getScope?.()?.getClient?.() ?? slot?.defaultCurrentScope?.getClient?.();
      if (isClient(client)) return client;
    }
  } catch {
    /* an unexpected carrier shape: behave as if there were none */
  }
  return undefined;
}
