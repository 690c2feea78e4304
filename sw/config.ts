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
  /** Extra query parameter names whose values are scrubbed. */
  scrubParams: string[];
  /** `false` turns the worker into a pass-through that unregisters itself. Default true. */
  enabled: boolean;
  /** Logs what the worker does to the console. Default false. */
  debug: boolean;
}

export const DEFAULT_ORIGIN = 'https://api.gatewayz.ai';

export const DEFAULT_CONFIG: MonitorConfig = {
  origins: [DEFAULT_ORIGIN],
  timeoutMs: 30_000,
  previewChars: 500,
  failedStatus: [[400, 599]],
  batchMs: 1000,
  batchSize: 20,
  dedupeWindowMs: 60_000,
  maxEventsPerMinute: 10,
  scrubParams: [],
  enabled: true,
  debug: false,
};

export type ConfigKey = keyof MonitorConfig;
export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as ConfigKey[];

export interface ConfigResult {
  config: MonitorConfig;
  /** One sentence per bad option, naming it, the value and the fix. Empty when valid. */
  errors: string[];
}

function integer(name: string, raw: string, min: number, max: number, errors: string[]): number | undefined {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    errors.push(`gatewayz-sw-monitor: option "${name}" is ${JSON.stringify(raw)}; it must be a whole number from ${min} to ${max}.`);
    return undefined;
  }
  return n;
}

export function parseOrigins(raw: string, errors: string[]): string[] | undefined {
  const out: string[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(part);
    } catch {
      /* reported below */
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
      errors.push(`gatewayz-sw-monitor: option "origins" has ${JSON.stringify(part)}, which is not an http(s) origin; write it like "https://api.gatewayz.ai".`);
      return undefined;
    }
    out.push(url.origin);
  }
  if (out.length === 0) {
    errors.push(`gatewayz-sw-monitor: option "origins" is empty; give at least one origin, like "https://api.gatewayz.ai".`);
    return undefined;
  }
  return [...new Set(out)];
}

export function parseStatusRanges(raw: string, errors: string[]): Array<[number, number]> | undefined {
  const ranges: Array<[number, number]> = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 100 || hi > 599 || lo > hi) {
      errors.push(`gatewayz-sw-monitor: option "failedStatus" has ${JSON.stringify(part)}; write status codes and ranges from 100 to 599, like "400-599" or "429,500-599".`);
      return undefined;
    }
    ranges.push([lo, hi]);
  }
  if (ranges.length === 0) {
    errors.push(`gatewayz-sw-monitor: option "failedStatus" is empty; the default is "400-599".`);
    return undefined;
  }
  return ranges;
}

function boolean(name: string, raw: string, errors: string[]): boolean | undefined {
  if (raw === 'true' || raw === '1' || raw === '') return true;
  if (raw === 'false' || raw === '0') return false;
  errors.push(`gatewayz-sw-monitor: option "${name}" is ${JSON.stringify(raw)}; it must be "true" or "false".`);
  return undefined;
}

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
  const set = <K extends ConfigKey>(key: K, value: MonitorConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  for (const [key, raw] of entries) {
    switch (key as ConfigKey) {
      case 'origins': set('origins', parseOrigins(raw, errors)); break;
      case 'timeoutMs': set('timeoutMs', integer(key, raw, 1, 600_000, errors)); break;
      case 'previewChars': set('previewChars', integer(key, raw, 0, 10_000, errors)); break;
      case 'failedStatus': set('failedStatus', parseStatusRanges(raw, errors)); break;
      case 'batchMs': set('batchMs', integer(key, raw, 0, 600_000, errors)); break;
      case 'batchSize': set('batchSize', integer(key, raw, 1, 1000, errors)); break;
      case 'dedupeWindowMs': set('dedupeWindowMs', integer(key, raw, 0, 3_600_000, errors)); break;
      case 'maxEventsPerMinute': set('maxEventsPerMinute', integer(key, raw, 1, 10_000, errors)); break;
      case 'scrubParams': set('scrubParams', raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)); break;
      case 'enabled': set('enabled', boolean(key, raw, errors)); break;
      case 'debug': set('debug', boolean(key, raw, errors)); break;
      default:
        errors.push(`gatewayz-sw-monitor: unknown option "${key}"; known options are ${CONFIG_KEYS.join(', ')}.`);
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
    } else if (Array.isArray(value)) {
      q.set(key, value.join(','));
    } else {
      q.set(key, String(value));
    }
  }
  return q;
}

export function isFailedStatus(status: number, ranges: Array<[number, number]>): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}
