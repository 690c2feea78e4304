import {
  BrowserClient,
  defaultStackParser,
  makeBrowserOfflineTransport,
  makeFetchTransport,
  Scope,
  type BrowserOptions,
} from '@sentry/browser';
import { deliverToSentry, type Deliver } from './deliverToSentry.js';

/** The isolated client's offline queue: its own, so an app's own offline transport never sends (or counts) its envelopes. */
export const ISOLATED_OFFLINE_DB = 'gatewayz-sw-monitor-offline';

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

/**
 * A Sentry client of the monitor's own, for pages that have none: a
 * `BrowserClient` with its own scope (not `Sentry.init`, so an app that sets
 * Sentry up later is never disturbed), sending through Sentry's offline
 * transport. A report counts as delivered once the ingest answered 2xx, or once
 * the offline transport stored it in its IndexedDB queue (its fetch failed),
 * from which it is sent when back online.
 */
export function createIsolatedClient(options: IsolatedClientOptions): IsolatedClient {
  const clientOptions: BrowserOptions = {
    dsn: options.dsn,
    release: options.release,
    environment: options.environment,
    integrations: [],
    stackParser: defaultStackParser,
    transport: makeBrowserOfflineTransport(makeFetchTransport),
    // flushAtStartup: what a closed tab left in the offline queue goes out on the next load.
    transportOptions: { maxQueueSize: options.maxQueueSize ?? 1000, flushAtStartup: true, dbName: ISOLATED_OFFLINE_DB } as BrowserOptions['transportOptions'],
  };
  const client = new BrowserClient(clientOptions as ConstructorParameters<typeof BrowserClient>[0]);
  const scope = new Scope();
  scope.setClient(client);
  client.init();
  // Its own isolation scope too: nothing the app sets on Sentry's shared scopes reaches these events.
  const deliver = deliverToSentry(client, { scope, isolationScope: new Scope() });
  return { client, scope, deliver };
}
