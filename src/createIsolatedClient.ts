import { BrowserClient, defaultStackParser, makeFetchTransport, Scope, type BrowserOptions } from '@sentry/browser';
import { deliverToSentry, type Deliver } from './deliverToSentry.js';


export interface IsolatedClientOptions {
  dsn: string;
  release?: string;
  environment?: string;
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
 * Sentry up later is never disturbed), sending through Sentry's fetch
 * transport. A report counts as delivered once the ingest answered 2xx;
 * offline, it waits in the worker's outbox and is offered again when the page
 * is back online.
 */
export function createIsolatedClient(options: IsolatedClientOptions): IsolatedClient {
  const clientOptions: BrowserOptions = {
    dsn: options.dsn,
    release: options.release,
    environment: options.environment,
    integrations: [],
    stackParser: defaultStackParser,
    // A plain transport: the worker's outbox is the durable queue. It lets go of a report only on
    // Sentry's 2xx and offers it again when back online, which Sentry's offline queue does not promise.
    transport: makeFetchTransport,
  };
  const client = new BrowserClient(clientOptions as ConstructorParameters<typeof BrowserClient>[0]);
  const scope = new Scope();
  scope.setClient(client);
  client.init();
  // Its own isolation scope too: nothing the app sets on Sentry's shared scopes reaches these events.
  const deliver = deliverToSentry(client, { scope, isolationScope: new Scope() });
  return { client, scope, deliver };
}
