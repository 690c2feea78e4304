import { registerRoute, type Router } from 'workbox-routing';
import { addMonitorRoute } from './addMonitorRoute.js';
import { DEFAULT_CONFIG, readOptions, type MonitorConfig, type OptionsAt } from '../options.js';
import type { BeforeReportCallback, Monitor } from '../Monitor.js';
import { guardBeforeReport } from '../report/guardBeforeReport.js';
import { VERSION } from '../version.js';

/** registerMonitorRoute's options: the worker options of the option table (README: Configuration), and two of its own. */
export interface MonitorRouteOptions extends OptionsAt<'route'> {
  /** Each report, last, before it is stored: return it (changed or not), or null to drop it. */
  beforeReport?: BeforeReportCallback;
  /** The router to add the route to. Default: Workbox's default router (the one `registerRoute` uses). */
  router?: Router;
}

/**
 * Registers the monitoring route in a site's own Workbox worker. Register it
 * before your own routes: Workbox uses the first route that matches. Returns
 * the monitor, or undefined when disabled (`enabled: false`, the kill switch)
 * or when an option is invalid (a console error names it); then no route is
 * added and API requests are left to the browser.
 */
export function registerMonitorRoute(options: MonitorRouteOptions = {}): Monitor | undefined {
  // The same reading, and the same messages, as every other entry point's.
  const { values, errors } = readOptions(options as Record<string, unknown>, 'route');
  if (errors.length > 0) {
    for (const e of errors) console.error(e);
    console.error('[gatewayz-sw-monitor] registerMonitorRoute: invalid options above; the monitor route is not registered and API requests pass through untouched.');
    return undefined;
  }
  const { beforeReport, router, ...given } = values as { beforeReport?: BeforeReportCallback; router?: Router };
  const config: MonitorConfig = { ...DEFAULT_CONFIG, ...given };
  if (!config.enabled) return undefined;
  const monitor = addMonitorRoute(router ?? { registerRoute }, config, beforeReport && guardBeforeReport(beforeReport, config.scrubParams));
  monitor.listen(() => ({ version: VERSION, observing: true, configErrors: [], config }));
  return monitor;
}
