// For sites that already have a Workbox worker: `import { registerMonitorRoute } from 'gatewayz-sw-monitor/sw'`.
export { BackendMonitorPlugin } from './BackendMonitorPlugin.js';
export { registerMonitorRoute, type MonitorRouteOptions } from './registerMonitorRoute.js';
export { addMonitorRoute, matchOrigins } from './addMonitorRoute.js';
export { Monitor, type BeforeReportCallback } from './Monitor.js';
export { PassThrough } from './PassThrough.js';
export { parseConfig, DEFAULT_CONFIG, type MonitorConfig } from './config.js';
export type { BackendReport, FailureKind } from './protocol.js';
