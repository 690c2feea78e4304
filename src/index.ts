export { registerBackendMonitor, unregisterBackendMonitor, workerQuery, type BackendMonitor, type BackendMonitorOptions, type HealthListener, type WorkerOptions } from './registerBackendMonitor.js';
export { healthToMetrics, captureMetricPoints, createHealthMetricsSender, MAX_ITEMS_PER_MINUTE, type HealthMetricsSender, type MetricPoint } from './healthToMetrics.js';
export { percentile, bucketOf, bucketUpper, mergeBuckets, type HealthReport, type HealthSeries } from '../sw/health/aggregate.js';
export {
  backendMonitorIntegration,
  BACKEND_MONITOR_INTEGRATION_NAME,
  type BackendMonitorIntegration,
  type BackendMonitorIntegrationOptions,
} from './backendMonitorIntegration.js';
export { deliverToSentry, type Deliver, type DeliverOptions } from './deliverToSentry.js';
export { createIsolatedClient, type IsolatedClient, type IsolatedClientOptions } from './createIsolatedClient.js';
export { reportToEvent, reportMessage } from './reportToEvent.js';
export type { BackendReport, FailureKind, PageScope, WorkerInfo, WorkerStats } from '../sw/protocol.js';
export { pageScopeOf } from './pageScopeOf.js';
export { findPageSentryClient } from './findPageSentryClient.js';
