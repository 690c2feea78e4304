import type { Client, Integration } from '@sentry/core';
import { captureHealthMetrics } from './healthToMetrics.js';
import { deliverToSentry } from './deliverToSentry.js';
import { registerBackendMonitor, type BackendMonitor, type BackendMonitorOptions } from './registerBackendMonitor.js';

export const BACKEND_MONITOR_INTEGRATION_NAME = 'BackendMonitor';

/** The worker's options plus where it is served; see `registerBackendMonitor`. */
export type BackendMonitorIntegrationOptions = Omit<BackendMonitorOptions, 'deliver'>;

export interface BackendMonitorIntegration extends Integration {
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
    setup(client: Client) {
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
