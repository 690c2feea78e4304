/**
 * The worker's configuration, read from its script URL's query, each option
 * as JSON (`/gatewayz-sw.js?origins=["https://api.example.com"]&timeoutMs=15000`),
 * which the page writes after reading every option with the option table
 * (options.ts). In the worker, errors go to the console and the worker then
 * observes nothing.
 */
import { DEFAULT_CONFIG, readWorkerQuery, stringForm, toQuery, type MonitorConfig, type StatusRange } from './options.js';

import { patternToRegExp } from './rules.js';

export { DEFAULT_CONFIG, DEFAULT_ORIGIN, type MonitorConfig, type StatusRange } from './options.js';

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


export interface ConfigResult {
  config: MonitorConfig;
  /** One sentence per bad option, naming it, the value and the fix. Empty when valid. */
  errors: string[];
}

/**
 * Reads the worker's options from its URL's query (each value JSON, as
 * configToQuery writes it). Unknown options are errors, so a typo never
 * silently falls back to a default.
 */
export function parseConfig(query: URLSearchParams): ConfigResult {
  const { values, errors } = readWorkerQuery(query);
  return { config: { ...DEFAULT_CONFIG, ...values }, errors };
}

/** The inverse of parseConfig for the options that differ from the defaults: what goes in the worker's URL. */
export function configToQuery(config: Partial<MonitorConfig>): URLSearchParams {
  return toQuery(config);
}

/** `{ '/v1/images/*': 180000 }` → `/v1/images/*:180000`: the compact form the worker URL and `data-timeouts` carry. */
export function timeoutsToString(timeouts: Record<string, unknown>): string {
  return stringForm('timeouts', timeouts)!;
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
    .map(([pattern, ms]) => [patternToRegExp(pattern), ms] as const);
  return (endpoint) => rules.find(([re]) => re.test(endpoint))?.[1] ?? config.timeoutMs;
}

export function isFailedStatus(status: number, ranges: StatusRange[]): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}
