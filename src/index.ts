export { registerBackendMonitor, workerQuery, type BackendMonitor, type BackendMonitorOptions, type WorkerOptions } from './registerBackendMonitor.js';
export {
  backendMonitorIntegration,
  BACKEND_MONITOR_INTEGRATION_NAME,
  type BackendMonitorIntegration,
  type BackendMonitorIntegrationOptions,
} from './backendMonitorIntegration.js';
export { deliverToSentry } from './deliverToSentry.js';
export { reportToEvent, reportMessage } from './reportToEvent.js';
export type { BackendReport, FailureKind, WorkerInfo, WorkerStats } from '../sw/protocol.js';
