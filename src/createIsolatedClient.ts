import {
  BrowserClient,
  defaultStackParser,
  makeBrowserOfflineTransport,
  makeFetchTransport,
  Scope,
  type BrowserOptions,
} from '@sentry/browser';
import type { Envelope, Event } from '@sentry/core';
import { deliverToSentry, type Deliver } from './deliverToSentry.js';

export interface IsolatedClientOptions {
  dsn: string;
  release?: string;
  environment?: string;
  /** Envelopes Sentry's offline transport may keep while offline. Default 1000 (Sentry's own default is 30). */
  maxQueueSize?: number;
}

export interface IsolatedClient {
  client: BrowserClient;
  /** The client's own scope: capture through it (never the global one). */
  scope: Scope;
  deliver: Deliver;
}

function eventIdsOf(envelope: Envelope): string[] {
  return envelope[1].filter(([h]) => h.type === 'event').map(([, p]) => (p as Event).event_id ?? '');
}

/**
 * A Sentry client of the monitor's own, for pages that have none: a
 * `BrowserClient` with its own scope (not `Sentry.init`, so an app that sets
 * Sentry up later is never disturbed), sending through Sentry's offline
 * transport. A report counts as delivered once the ingest answered 2xx, or once
 * the offline transport stored it (its fetch failed, so the envelope went to
 * the transport's IndexedDB queue, from which it is sent when back online).
 */
export function createIsolatedClient(options: IsolatedClientOptions): IsolatedClient {
  const storedOffline = new Set<string>();
  // The offline transport stores an envelope exactly when the inner transport's send throws.
  const inner: typeof makeFetchTransport = (transportOptions) => {
    const t = makeFetchTransport(transportOptions);
    return {
      ...t,
      send: async (envelope) => {
        try {
          return await t.send(envelope);
        } catch (err) {
          for (const id of eventIdsOf(envelope)) storedOffline.add(id);
          throw err;
        }
      },
    };
  };
  const clientOptions: BrowserOptions = {
    dsn: options.dsn,
    release: options.release,
    environment: options.environment,
    integrations: [],
    stackParser: defaultStackParser,
    transport: makeBrowserOfflineTransport(inner),
    // flushAtStartup: what a closed tab left in the offline queue goes out on the next load.
    transportOptions: { maxQueueSize: options.maxQueueSize ?? 1000, flushAtStartup: true } as BrowserOptions['transportOptions'],
  };
  const client = new BrowserClient(clientOptions as ConstructorParameters<typeof BrowserClient>[0]);
  const scope = new Scope();
  scope.setClient(client);
  client.init();
  const deliver = deliverToSentry(client, {
    scope,
    storedOffline: (id) => {
      const stored = storedOffline.delete(id);
      return stored;
    },
  });
  return { client, scope, deliver };
}
