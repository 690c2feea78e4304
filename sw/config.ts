/**
 * The worker's configuration, read from its script URL's query
 * (`/gatewayz-sw.js?origins=https://api.example.com&timeoutMs=15000`).
 *
 * Pure: the same validation runs in the worker (errors go to the console and the
 * worker then observes nothing) and in build tools (errors fail the build).
 */

export interface MonitorConfig {
  /** Origins whose requests are observed. Default: the gatewayz API. */
  origins: string[];
  /** A request with no response headers after this long is reported as a timeout (it is not cut). Default 30000. */
  timeoutMs: number;
  /**
   * Per-endpoint timeouts, on top of `timeoutMs` and of `DEFAULT_TIMEOUTS`:
   * endpoint template pattern → milliseconds (`{ '/v1/images/*': 180000 }`).
   * The longest matching pattern wins; see `timeoutOf`. Default: none of yours.
   */
  timeouts: Record<string, number>;
  /** Characters of an error body kept as `response_preview`; 0 disables. Default 500. */
  previewChars: number;
  /** Which statuses count as failures, as codes and ranges: `400-599`, `429,500-599`. Default `400-599`. */
  failedStatus: Array<[number, number]>;
  /** A batch of reports leaves the worker at most this long after its first report. Default 1000. */
  batchMs: number;
  /** ...or as soon as it holds this many. Default 20. */
  batchSize: number;
  /** The same failure within this window is folded into one report. Default 60000. */
  dedupeWindowMs: number;
  /** At most this many reports leave per minute; the rest are counted. Default 10. */
  maxEventsPerMinute: number;
  /** Reports the outbox keeps at most; past it, new failures are counted as held back. Default 1000. */
  outboxCap: number;
  /** Extra query parameter names whose values are scrubbed. */
  scrubParams: string[];
  /** Health aggregates leave the worker this often. Default 60000. */
  healthIntervalMs: number;
  /** One burst alert when one gateway or endpoint fails more often than this in a minute. Default 10. */
  burstPerMinute: number;
  /** One alert when 5xx answers persist this long with no success in between. Default 300000. */
  sustained5xxMs: number;
  /** `false` turns the worker into a pass-through that unregisters itself. Default true. */
  enabled: boolean;
  /** Logs what the worker does to the console. Default false. */
  debug: boolean;
}

export const DEFAULT_ORIGIN = 'https://api.gatewayz.ai';

export const DEFAULT_CONFIG: MonitorConfig = {
  origins: [DEFAULT_ORIGIN],
  timeoutMs: 30_000,
  timeouts: {},
  previewChars: 500,
  failedStatus: [[400, 599]],
  batchMs: 1000,
  batchSize: 20,
  dedupeWindowMs: 60_000,
  maxEventsPerMinute: 10,
  outboxCap: 1000,
  scrubParams: [],
  healthIntervalMs: 60_000,
  burstPerMinute: 10,
  sustained5xxMs: 300_000,
  enabled: true,
  debug: false,
};

/**
 * Built-in per-endpoint timeouts: what an app calling these endpoints itself
 * tolerates (README: Configuration). A non-streamed completion sends its
 * headers only when the whole answer is written, and a reasoning model may
 * think for a minute first; an image takes seconds to minutes. Everything
 * else keeps `timeoutMs`. Entries of `timeouts` with the same pattern win.
 */
export const DEFAULT_TIMEOUTS: Readonly<Record<string, number>> = {
  '/v1/chat/completions': 120_000,
  '/v1/completions': 120_000,
  '/v1/messages': 120_000,
  '/v1/responses': 120_000,
  '/v1/audio/*': 120_000,
  '/v1/images/*': 180_000,
};

export type ConfigKey = keyof MonitorConfig;
export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as ConfigKey[];

export interface ConfigResult {
  config: MonitorConfig;
  /** One sentence per bad option, naming it, the value and the fix. Empty when valid. */
  errors: string[];
}

/** The whole-number options and the ranges they accept. */
const LIMITS: Partial<Record<ConfigKey, [min: number, max: number]>> = {
  timeoutMs: [1, 600_000],
  previewChars: [0, 10_000],
  batchMs: [0, 600_000],
  batchSize: [1, 1000],
  dedupeWindowMs: [0, 3_600_000],
  maxEventsPerMinute: [1, 10_000],
  outboxCap: [10, 100_000],
  healthIntervalMs: [1000, 3_600_000],
  burstPerMinute: [1, 100_000],
  sustained5xxMs: [1000, 86_400_000],
};

declare const __GATEWAYZ_WORKER_BUILD__: boolean | undefined;
/** True in the standalone worker's build (scripts/build.mjs defines it): shorter messages, a smaller worker. */
const terse = typeof __GATEWAYZ_WORKER_BUILD__ !== 'undefined' && __GATEWAYZ_WORKER_BUILD__ === true;

const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Validates raw string options (a URL query, `data-` attributes). Unknown
 * options are errors, so a typo never silently falls back to a default.
 */
export function parseConfig(input: URLSearchParams | Record<string, string | undefined>): ConfigResult {
  const entries: Array<[string, string]> =
    input instanceof URLSearchParams
      ? [...input.entries()]
      : Object.entries(input).filter((e): e is [string, string] => e[1] !== undefined);
  const errors: string[] = [];
  const config: MonitorConfig = { ...DEFAULT_CONFIG };
  const c = config as unknown as Record<string, unknown>;
  for (const [key, raw] of entries) {
    // In the worker build the long explanation is left out (the page and the build plugins validate the same
    // options first, with it): `terse || message` folds to `true` there, and the message is dropped from the bundle.
    const bad = (what: string | true) => errors.push(`gatewayz-sw-monitor: option "${key}" ${what === true ? `is invalid: ${JSON.stringify(raw)} (see the README's Configuration)` : what}.`);
    const limits = LIMITS[key as ConfigKey];
    if (limits) {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(n) || n < limits[0] || n > limits[1]) bad(terse || `is ${JSON.stringify(raw)}; it must be a whole number from ${limits[0]} to ${limits[1]}`);
      else c[key] = n;
    } else if (key === 'origins') {
      const origins: string[] = [];
      for (const part of list(raw)) {
        let url: URL | undefined;
        try {
          url = new URL(part);
        } catch {
          /* reported below */
        }
        if (!url || !/^https?:$/.test(url.protocol)) {
          bad(terse || `has ${JSON.stringify(part)}, which is not an http(s) origin; write it like "${DEFAULT_ORIGIN}"`);
          origins.length = 0;
          break;
        }
        origins.push(url.origin);
      }
      if (origins.length > 0) c[key] = [...new Set(origins)];
      else if (list(raw).length === 0) bad(terse || `is empty; give at least one origin, like "${DEFAULT_ORIGIN}"`);
    } else if (key === 'failedStatus') {
      const ranges: Array<[number, number]> = [];
      for (const part of list(raw)) {
        const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
        const lo = Number(m?.[1]);
        const hi = Number(m?.[2] ?? m?.[1]);
        if (!m || lo < 100 || hi > 599 || lo > hi) {
          bad(terse || `has ${JSON.stringify(part)}; write status codes and ranges from 100 to 599, like "400-599" or "429,500-599"`);
          ranges.length = 0;
          break;
        }
        ranges.push([lo, hi]);
      }
      if (ranges.length > 0) c[key] = ranges;
      else if (list(raw).length === 0) bad(terse || 'is empty; the default is "400-599"');
    } else if (key === 'timeouts') {
      // "pattern:ms,pattern:ms"; a pattern may hold ":" itself (`/v1/models/x:generate`), so the last one splits.
      const timeouts: Record<string, number> = {};
      for (const part of list(raw)) {
        const at = part.lastIndexOf(':');
        const ms = +part.slice(at + 1);
        if (part[0] !== '/' || at < 1 || !Number.isInteger(ms) || ms < 1 || ms > 600_000) {
          bad(terse || `has ${JSON.stringify(part)}; write endpoint:milliseconds pairs (1 to 600000), like "/v1/chat/completions:120000,/v1/images/*:180000"`);
          c[key] = {};
          break;
        }
        timeouts[part.slice(0, at)] = ms;
        c[key] = timeouts;
      }
    } else if (key === 'scrubParams') {
      c[key] = list(raw).map((s) => s.toLowerCase());
    } else if (key === 'enabled' || key === 'debug') {
      if (/^(true|1|)$/.test(raw)) c[key] = true;
      else if (/^(false|0)$/.test(raw)) c[key] = false;
      else bad(terse || `is ${JSON.stringify(raw)}; it must be "true" or "false"`);
    } else {
      errors.push(`gatewayz-sw-monitor: unknown option "${key}"${terse ? '' : `; known options are ${CONFIG_KEYS.join(', ')}`}.`);
    }
  }
  return { config, errors };
}

/** The inverse of parseConfig for the options that differ from the defaults: what goes in the worker's URL. */
export function configToQuery(config: Partial<MonitorConfig>): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    if (value === undefined || JSON.stringify(value) === JSON.stringify(DEFAULT_CONFIG[key])) continue;
    if (key === 'failedStatus') {
      q.set(key, (value as Array<[number, number]>).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(','));
    } else if (key === 'timeouts') {
      q.set(key, timeoutsToString(value as Record<string, unknown>));
    } else if (Array.isArray(value)) {
      q.set(key, value.join(','));
    } else {
      q.set(key, String(value));
    }
  }
  return q;
}

/** `{ '/v1/images/*': 180000 }` → `/v1/images/*:180000`: the compact form the worker URL and `data-timeouts` carry. */
export function timeoutsToString(timeouts: Record<string, unknown>): string {
  return Object.entries(timeouts)
    .map(([pattern, ms]) => `${pattern}:${ms}`)
    .join(',');
}

/**
 * Each endpoint's timeout: the longest pattern of `timeouts` (then of
 * `DEFAULT_TIMEOUTS`) that matches its template, else `timeoutMs`. A `*` at
 * the end of a pattern matches the rest of the path; elsewhere, the rest of
 * one segment (`/v1/` `*` `/completions` matches `/v1/chat/completions`).
 * Patterns are compiled once.
 */
export function timeoutOf(config: Pick<MonitorConfig, 'timeoutMs' | 'timeouts'>): (endpoint: string) => number {
  const rules = Object.entries({ ...DEFAULT_TIMEOUTS, ...config.timeouts })
    .sort((a, b) => b[0].length - a[0].length)
    .map(([pattern, ms]) => {
      const re = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*(?!$)/g, '[^/]*').replace(/\*$/, '.*');
      return [new RegExp(`^${re}$`), ms] as const;
    });
  return (endpoint) => rules.find(([re]) => re.test(endpoint))?.[1] ?? config.timeoutMs;
}

export function isFailedStatus(status: number, ranges: Array<[number, number]>): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}
