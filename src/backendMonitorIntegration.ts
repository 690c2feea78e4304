import { Scope, type Client } from '@sentry/core';
import { onFailedRequest, tellAppEvent } from './bridgeConnection.js';
import { captureMetricPoints, createHealthMetricsSender } from './healthToMetrics.js';
import { deliverToSentry } from './deliverToSentry.js';
import { createFailureLog, networkErrorProcessor } from './networkErrors.js';
import { pageScopeOf, watchScopes } from './pageScopeOf.js';
import type { OptionsAt } from '../sw/options.js';
import { startBackendMonitor, type BackendMonitor } from './registerBackendMonitor.js';

export const BACKEND_MONITOR_INTEGRATION_NAME = 'BackendMonitor';

/** App events named on reports, remembered at most (for reports a page delivers after the worker could no longer amend them). */
const REMEMBER_APP_EVENTS = 1000;

/** The integration's options: its rows of the README's option table (sw/options.ts). */
export type BackendMonitorIntegrationOptions = OptionsAt<'integration'>;

/**
 * A Sentry integration. Declared here rather than as `@sentry/core`'s
 * `Integration`, whose `Client` type differs from one SDK version to the next,
 * so that an app on another 10.x or 11.x version than the one this package was
 * built with can still put it in its `integrations` (TypeScript otherwise
 * rejects the two `Client` types as incompatible).
 */
export interface BackendMonitorIntegration {
  name: string;
  /** Takes the Sentry client it is installed on. */
  setup(client: unknown): void;
  /** Set once the integration is set up on a client. */
  monitor?: BackendMonitor;
}

/**
 * `Sentry.init({ integrations: [backendMonitorIntegration({ origins: ['https://api.example.com'] })] })`:
 * registers the monitoring worker and captures each backend failure it reports
 * through the client the integration is installed on, so the app's user,
 * release and tags are on every event (the user, release and environment of
 * the page that saw the failure, when another tab delivers it); health
 * aggregates become Sentry metrics, at most 500 items a minute. Where it sits
 * among the integrations does not matter.
 *
 * The app's own network errors name their request: when the client captures
 * a fetch's `TypeError` (`Failed to fetch`, `NetworkError when attempting to
 * fetch resource.`, `Load failed`) for a watched request, the event gains
 * the request the worker saw fail (src/networkErrors.ts), and the monitor's
 * report of it gains the app event's id (`app_event_id`).
 */
export function backendMonitorIntegration(options: BackendMonitorIntegrationOptions = {}): BackendMonitorIntegration {
  const integration: BackendMonitorIntegration = {
    name: BACKEND_MONITOR_INTEGRATION_NAME,
    setup(sentryClient: unknown) {
      const client = sentryClient as Client;
      // Metrics through a scope bound to this client: right even when the app's SDK is another version than this package's.
      const metricsScope = new Scope();
      metricsScope.setClient(client);
      const sendHealth = createHealthMetricsSender((points) => captureMetricPoints(points, metricsScope));
      const deliver = deliverToSentry(client);
      /** Report event id → the app's event of the same request, for a report the worker could no longer amend. */
      const appEvents = new Map<string, string>();
      const monitor = startBackendMonitor(options, 'integration', {
        // The page's bridge names the app's event on a report it delivers itself, if the worker had not.
        deliver: (reports) => deliver(reports.map((r) => (r.appEventId || !appEvents.has(r.eventId) ? r : { ...r, appEventId: appEvents.get(r.eventId) }))),
        pageScope: () => pageScopeOf(client),
        onHealth: (windows) => sendHealth(windows),
      });
      // A user signing in or out: the worker is told at once, not at the next delivery.
      watchScopes(client, () => monitor.scopeChanged());
      integration.monitor = monitor;
      const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
      if (sw) {
        const log = createFailureLog();
        onFailedRequest(sw, (notice) => log.add(notice));
        // Only a worker that observes can tell of failures: with none (or a disabled one) no event waits for it.
        let observing = false;
        void monitor.info.then((info) => (observing = !!info?.observing));
        client.addEventProcessor(
          networkErrorProcessor({
            log,
            watched: () => observing && !!sw.controller,
            named(eventId, appEventId) {
              appEvents.set(eventId, appEventId);
              if (appEvents.size > REMEMBER_APP_EVENTS) appEvents.delete(appEvents.keys().next().value!);
              tellAppEvent(sw, eventId, appEventId);
            },
          }),
        );
      }
    },
  };
  return integration;
}
