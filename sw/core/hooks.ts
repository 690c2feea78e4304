import type { BackendReport } from '../protocol.js';

/**
 * A user's last word on a report before it is stored: return it (changed or
 * not), or null to drop it. It sees the report before its error-body preview
 * is read. A hook that throws is counted and the report kept.
 * (`registerMonitorRoute` wraps a user's hook so what it returns is checked and
 * scrubbed again: `report/guardBeforeReport.ts`.)
 */
export type BeforeReportCallback = (report: BackendReport) => BackendReport | null;
