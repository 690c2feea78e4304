import type { Client } from '@sentry/core';
import { captureHealthMetrics } from './healthToMetrics.js';
import { deliverToSentry } from './deliverToSentry.js';
import { registerBackendMonitor, type BackendMonitor, type BackendMonitorOptions } from './registerBackendMonitor.js';

export const BACKEND_MONITOR_INTEGRATION_NAME = 'BackendMonitor';

/** The worker's options plus where it is served; see `registerBackendMonitor`. */
export type BackendMonitorIntegrationOptions = Omit<BackendMonitorOptions, 'deliver'>;

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
 * release and tags are on every event; health aggregates become Sentry metrics.
 */
export function backendMonitorIntegration(options: BackendMonitorIntegrationOptions = {}): BackendMonitorIntegration {
  const integration: BackendMonitorIntegration = {
    name: BACKEND_MONITOR_INTEGRATION_NAME,
    setup(sentryClient: unknown) {
      const client = sentryClient as Client;
      integration.monitor = registerBackendMonitor({
        ...options,
        deliver: deliverToSentry(client),
        // Health windows become Sentry metrics, through the current scope (whose client this is).
        onHealth: (windows) => captureHealthMetrics(windows),
      });
    },
  };
  return integration;
}
