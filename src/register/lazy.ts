/**
 * What the register script's lazily loaded files give it. Both are classic
 * scripts that put this object on `globalThis[LAZY_GLOBAL]` when they run:
 *
 * - `gatewayz-sentry.js` (`sentryChunk.ts`): the monitor's own Sentry client,
 *   for a page that has none, plus everything `gatewayz-deliver.js` has (an
 *   app that calls Sentry.init later gets later reports on its own client).
 * - `gatewayz-deliver.js` (`deliverChunk.ts`): delivery and health metrics
 *   through the page's own Sentry client, without a client of the monitor's.
 *
 * And, apart from those, `gatewayz-options.js` (`optionsChunk.ts`), loaded
 * only when a `data-` attribute is invalid: the option table's reader with
 * its full explanations, on `globalThis[OPTIONS_GLOBAL]` (the register
 * script's own reader is built terse).
 *
 * Only types here (and the names): the register script stays free of Sentry code.
 */
import type { Client, Scope } from '@sentry/core';
import type { HealthReport, PageScope } from '../../sw/protocol.js';
import type { IsolatedClientOptions } from '../createIsolatedClient.js';
import type { Deliver } from '../deliverToSentry.js';
import type { BridgeOptions, PageBridge } from '../pageBridge.js';
import type { readOptions } from '../../sw/options.js';

export const LAZY_GLOBAL = '__gatewayzMonitorLazy';
export const SENTRY_FILE = 'gatewayz-sentry.js';
export const DELIVER_FILE = 'gatewayz-deliver.js';
export const OPTIONS_FILE = 'gatewayz-options.js';
export const OPTIONS_GLOBAL = '__gatewayzMonitorOptions';

/** What `gatewayz-options.js` hands over: the option table's reader, every message in full. */
export type ExplainOptions = typeof readOptions;

export interface LazySink {
  deliver: Deliver;
  /** The scope health metrics are captured with: bound to the chosen client. */
  scope: Scope;
  /** Who the worker is told uses this page. */
  pageScope(): PageScope;
}

export interface LazyApi {
  /** Delivery through the app's own client; `scopeChanged` is called when the app's user (or other scope) changes. */
  pageSink(client: Client, scopeChanged: () => void): LazySink;
  /** The monitor's own client (only in `gatewayz-sentry.js`). */
  isolatedSink?(options: IsolatedClientOptions): LazySink;
  /** The page's one health metrics sender (its per-minute budget), capturing with whatever scope `scope()` gives at send time. */
  healthSender(scope: () => Scope | undefined): (windows: HealthReport[]) => void;
  /**
   * The page bridge (src/pageBridge.ts, deleting what Sentry took with src/markDelivered.ts): here, not in the
   * register script, which hands a batch to it once one of these files is loaded (until then, nothing can be
   * delivered, and the register script answers a batch itself).
   */
  bridge(o: Omit<BridgeOptions, 'markDelivered'>): PageBridge;
}
