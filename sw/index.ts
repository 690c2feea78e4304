// For sites that already have a Workbox worker: `import { registerMonitorRoute } from 'gatewayz-sw-monitor/sw'`.
export { BackendMonitorPlugin } from './observe/BackendMonitorPlugin.js';
export type { RequestSink } from './observe/watchRequest.js';
export { registerMonitorRoute, type MonitorRouteOptions } from './observe/registerMonitorRoute.js';
export { addMonitorRoute, matchOrigins, monitorHandler } from './observe/addMonitorRoute.js';
export { Monitor, type BeforeReportCallback } from './Monitor.js';
export { parseConfig, DEFAULT_CONFIG, type MonitorConfig } from './config.js';
export type { BackendReport, FailureKind } from './protocol.js';
