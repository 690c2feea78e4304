import type { BeforeReportCallback } from '../core/hooks.js';
import { isBackendReport } from '../protocol.js';
import { scrubText, scrubUrl } from './scrub.js';

/**
 * A user's hook gets a copy; what it returns must still be a report, and is
 * scrubbed again, so a hook can neither break the pipeline nor leak a secret.
 */
export function guardBeforeReport(hook: BeforeReportCallback, scrubParams: readonly string[]): BeforeReportCallback {
  return (built) => {
    const r = hook(structuredClone(built));
    if (r === null) return null;
    if (!isBackendReport(r)) return built;
    r.url = scrubUrl(r.url, scrubParams);
    r.gateway = scrubText(r.gateway);
    r.endpoint = scrubText(r.endpoint);
    r.statusText = scrubText(r.statusText);
    if (r.requestId !== undefined) r.requestId = scrubText(r.requestId, true);
    if (r.responsePreview !== undefined) r.responsePreview = scrubText(r.responsePreview);
    if (r.errorMessage !== undefined) r.errorMessage = scrubText(r.errorMessage);
    return r;
  };
}
