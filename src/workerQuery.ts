import { CONFIG_KEYS, configToQuery, parseConfig, timeoutsToString, type MonitorConfig } from '../sw/config.js';

/** Options for the worker, as a page gives them. Each is documented in the README. */
export interface WorkerOptions {
  /** Origins to observe. Default `['https://api.gatewayz.ai']`. */
  origins?: string[];
  /** Report a request with no response headers after this long (ms). Default 30000. */
  timeoutMs?: number;
  /**
   * Per-endpoint timeouts (ms) by endpoint template, on top of `timeoutMs`:
   * `{ '/v1/chat/completions': 120000, '/v1/images/*': 180000 }`, or the same
   * as a string, `"/v1/chat/completions:120000,/v1/images/*:180000"`. `*` at
   * the end matches the rest of the path, elsewhere the rest of a segment; the
   * longest matching pattern wins. Built in: chat and text completions,
   * messages and responses 120000, audio 120000, images 180000 (README: Configuration).
   */
  timeouts?: Record<string, number> | string;
  /** Characters of an error body to keep. Default 500. */
  previewChars?: number;
  /** Statuses that are failures, like `"400-599"` (the default) or `"429,500-599"`. */
  failedStatus?: string;
  /** Longest wait before a batch leaves the worker (ms). Default 1000. */
  batchMs?: number;
  /** A batch leaves at once when it holds this many. Default 20. */
  batchSize?: number;
  /** Fold the same failure within this window (ms). Default 60000. */
  dedupeWindowMs?: number;
  /** Reports leaving per minute, at most. Default 10. */
  maxEventsPerMinute?: number;
  /** Extra query parameter names to scrub. */
  scrubParams?: string[];
  /** Health aggregates leave the worker this often (ms). Default 60000. */
  healthIntervalMs?: number;
  /** One burst alert when a gateway or endpoint fails more often than this in a minute. Default 10. */
  burstPerMinute?: number;
  /** One alert when 5xx answers persist this long (ms) with no success between. Default 300000. */
  sustained5xxMs?: number;
  /** `false`: the worker passes everything through and unregisters itself. Default true. */
  enabled?: boolean;
  /** Log what the worker and bridge do. Default false. */
  debug?: boolean;
}

/** Turns page options into the worker URL's query, validating them the way the worker will. */
export function workerQuery(options: WorkerOptions): { query: URLSearchParams; errors: string[] } {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || !(CONFIG_KEYS as string[]).includes(key)) continue;
    raw[key] = Array.isArray(value) ? value.join(',') : typeof value === 'object' && value ? timeoutsToString(value) : String(value);
  }
  const { config, errors } = parseConfig(raw);
  return { query: configToQuery(config as MonitorConfig), errors };
}
