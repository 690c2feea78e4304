/**
 * The option table: every option of every entry point, once.
 *
 * Each entry says what kind of value the option takes, its default, its
 * range, what it does, and which entry points take it. Everything else is
 * derived from here:
 * - the TypeScript type of each entry point's options (`OptionsAt`) and the
 *   worker's `MonitorConfig`;
 * - the script tag's `data-` attributes (`attributeOf`);
 * - the worker URL's query, both ways (`toQuery`, `parseConfig` in config.ts);
 * - validation, with one error message per mistake wherever the option was
 *   given (`readOptions`);
 * - the README's option table (`npm run docs` writes it; test/readme.test.ts
 *   checks it is current).
 *
 * Any value is first written in its string form (what a URL or a `data-`
 * attribute carries: lists `a,b`, timeouts `pattern:ms,...`) and then read by
 * one parser, so that an option means the same, and a bad value gets the same
 * error, at every entry point.
 */

import { DOCS, terse } from './buildFlags.js';
import { readRules, rulesToJson, type Rule, type RuleInput } from './rules.js';

export const DEFAULT_ORIGIN = 'https://api.gatewayz.ai';


/** The places options are given. */
export type EntryPoint = 'vite' | 'tag' | 'integration' | 'register' | 'route' | 'next';

/** How each entry point is named in messages and in the README. */
export const ENTRY_POINT_NAMES: Record<EntryPoint, string> = {
  vite: 'the Vite plugin',
  tag: 'the script tag',
  integration: 'backendMonitorIntegration',
  register: 'registerBackendMonitor',
  route: 'registerMonitorRoute',
  next: 'withGatewayzMonitor',
};

/** The kinds of value, each with one string form. */
export type OptionKind = 'int' | 'bool' | 'origins' | 'status' | 'timeouts' | 'names' | 'rules' | 'text' | 'path' | 'dsn' | 'fn' | 'object';

export interface OptionSpec {
  kind: OptionKind;
  /** The default value (in the config's form), or undefined when there is none. */
  default?: unknown;
  /** How the README writes the default, where the value alone would not say it. Left out of every browser build. */
  defaultText?: string;
  /** Whole numbers: the range accepted. */
  range?: readonly [min: number, max: number];
  /** The entry points that take it. A worker option (WORKER_TABLE) that gives none is taken by all but the Next.js wrapper. */
  at?: readonly EntryPoint[];
  /** What it does (the README's words). Left out of every browser build. */
  doc?: string;
}

// Entry-point sets, shared so the worker's build holds each once.
const PAGE_AND_WORKER = ['vite', 'tag', 'integration', 'register', 'route'] as const;
const REGISTERS = ['tag', 'integration', 'register'] as const;
const OWN_CLIENT = ['vite', 'tag'] as const;

/** The options that go to the worker, in its script URL's query; `at` defaults to PAGE_AND_WORKER. The order is the README's. */
const WORKER_TABLE = {
  origins: {
    kind: 'origins',
    default: [DEFAULT_ORIGIN],
    ...(DOCS && { doc: 'API origins to observe. Nothing else is routed through the monitor.' }),
  },
  timeoutMs: {
    kind: 'int',
    default: 30_000,
    range: [1, 600_000],
    ...(DOCS && { doc: 'A request with no response headers after this long (ms) is reported as `timeout`, unless `timeouts` gives its endpoint its own. Observe only: the request is not cut.' }),
  },
  timeouts: {
    kind: 'timeouts',
    default: {},
    ...(DOCS && { defaultText: 'built in (below)' }),
    ...(DOCS && { doc: "Per-endpoint timeouts in ms, by endpoint template: `{ '/v1/chat/completions': 120000, '/v1/images/*': 180000 }`, or as `pattern:ms` pairs, `\"/v1/chat/completions:120000,/v1/images/*:180000\"`. A `*` at the end matches the rest of the path, elsewhere the rest of one segment; other characters are literal, `{id}` included. Yours are added to the built-in ones (the same pattern: yours wins); the longest matching pattern wins. A streamed answer that sends nothing for this long is `stream_stalled`." }),
  },
  previewChars: {
    kind: 'int',
    default: 500,
    range: [0, 10_000],
    ...(DOCS && { doc: 'Characters of an error body kept as `response_preview` (0: none).' }),
  },
  failedStatus: {
    kind: 'status',
    default: [[400, 599]],
    ...(DOCS && { doc: 'Which statuses are failures: codes and ranges, `"429,500-599"`.' }),
  },
  batchMs: {
    kind: 'int',
    default: 1000,
    range: [0, 600_000],
    ...(DOCS && { doc: 'Longest a report waits in the worker (ms) before its batch goes to a page.' }),
  },
  batchSize: {
    kind: 'int',
    default: 20,
    range: [1, 1000],
    ...(DOCS && { doc: 'A batch goes at once when it holds this many.' }),
  },
  dedupeWindowMs: {
    kind: 'int',
    default: 60_000,
    range: [0, 3_600_000],
    ...(DOCS && { doc: 'The same failure within this window (ms) is folded into one report.' }),
  },
  maxEventsPerMinute: {
    kind: 'int',
    default: 10,
    range: [1, 10_000],
    ...(DOCS && { doc: 'Reports leaving the worker per minute, at most; the rest are counted.' }),
  },
  outboxCap: {
    kind: 'int',
    default: 1000,
    range: [10, 100_000],
    ...(DOCS && { doc: 'Reports the outbox keeps at most; past it, new failures are counted as held back.' }),
  },
  scrubParams: {
    kind: 'names',
    default: [],
    ...(DOCS && { doc: 'Extra query parameter names whose values are scrubbed.' }),
  },
  healthIntervalMs: {
    kind: 'int',
    default: 60_000,
    range: [1000, 3_600_000],
    ...(DOCS && { doc: 'How often (ms) health aggregates leave the worker.' }),
  },
  burstPerMinute: {
    kind: 'int',
    default: 10,
    range: [1, 100_000],
    ...(DOCS && { doc: 'One burst alert when one gateway or endpoint fails more often than this in a minute.' }),
  },
  sustained5xxMs: {
    kind: 'int',
    default: 300_000,
    range: [1000, 86_400_000],
    ...(DOCS && { doc: 'One alert when 5xx answers persist this long (ms) with no success in between.' }),
  },
  rules: {
    kind: 'rules',
    default: [],
    ...(DOCS && {
      doc: 'Tunings as configuration: a list of `{ match, action }`; the first rule that matches a failure wins. `match` keys, all of which must match: `status` (codes and ranges), `endpoint` (a template pattern, `*` as in `timeouts`), `gateway`, `method`, `kind` (`failure_kind`). One action: `"action": "ignore"` (no event; the failure still counts in health), `"level": "info" | "warning" | "error"`, or `"fingerprint": [...]` (parts added to the fingerprint). A failure a rule changes folds apart from those it leaves alone. On the script tag and in the worker URL, JSON. See "Rules".',
    }),
  },
  enabled: {
    kind: 'bool',
    default: true,
    at: [...PAGE_AND_WORKER, 'next'],
    ...(DOCS && { doc: '`false` is the kill switch: the worker delivers what waits, passes everything through and unregisters itself (withGatewayzMonitor writes the disabled worker).' }),
  },
  debug: {
    kind: 'bool',
    default: false,
    ...(DOCS && { doc: 'Log what the worker and the bridge do to the console.' }),
  },
} as const satisfies Record<string, OptionSpec>;

/** The options of the page and the build tools alone (the worker's build leaves these out). */
const PAGE_TABLE = {
  dsn: {
    kind: 'dsn',
    ...(DOCS && { defaultText: 'none (Spotlight on localhost)' }),
    at: OWN_CLIENT,
    ...(DOCS && { doc: "The Sentry DSN for the monitor's own client, used when the page has no Sentry client of its own." }),
  },
  release: {
    kind: 'text',
    at: OWN_CLIENT,
    ...(DOCS && { doc: "Release for the monitor's own client (an app's own client keeps its own)." }),
  },
  environment: {
    kind: 'text',
    ...(DOCS && { defaultText: '`development` on localhost' }),
    at: OWN_CLIENT,
    ...(DOCS && { doc: "Environment for the monitor's own client." }),
  },
  scriptUrl: {
    kind: 'path',
    default: '/gatewayz-sw.js',
    at: REGISTERS,
    ...(DOCS && { doc: "Where the worker is served. (The Vite plugin sets it from Vite's `base`.)" }),
  },
  scope: {
    kind: 'path',
    default: '/',
    at: REGISTERS,
    ...(DOCS && { doc: "The worker's scope. (The Vite plugin sets it from Vite's `base`.)" }),
  },
  register: {
    kind: 'bool',
    default: true,
    at: REGISTERS,
    ...(DOCS && { doc: "`false`: do not register a worker; listen to the site's own Workbox worker, which runs `registerMonitorRoute`." }),
  },
  beforeReport: {
    kind: 'fn',
    at: ['route'],
    ...(DOCS && { doc: 'Each report, last, before it is stored: return it (changed or not), or null to drop it. Its result is scrubbed again.' }),
  },
  router: {
    kind: 'object',
    ...(DOCS && { defaultText: "Workbox's default router" }),
    at: ['route'],
    ...(DOCS && { doc: 'The Workbox router to add the route to.' }),
  },
  deliver: {
    kind: 'fn',
    at: ['register'],
    ...(DOCS && { doc: 'Sends reports on and answers what became of them (see "registerBackendMonitor").' }),
  },
  pageScope: {
    kind: 'fn',
    at: ['register'],
    ...(DOCS && { doc: 'Who uses this page (Sentry user, release, environment), stored with each report it causes.' }),
  },
  onHealth: {
    kind: 'fn',
    at: ['register'],
    ...(DOCS && { doc: 'Receives each window of health aggregates.' }),
  },
  dir: {
    kind: 'path',
    ...(DOCS && { defaultText: 'the folder Next runs in' }),
    at: ['next'],
    ...(DOCS && { doc: "The Next.js app's folder, where `public/` is." }),
  },
} as const satisfies Record<string, OptionSpec>;

/** Every option, by name. */
export const OPTIONS = /* @__PURE__ */ Object.assign({}, WORKER_TABLE, PAGE_TABLE);

export type OptionName = keyof typeof OPTIONS;
type Spec<K extends OptionName> = (typeof OPTIONS)[K];
/** The entry points an option is taken by. */
type AtOf<K extends OptionName> = Spec<K> extends { at: readonly (infer E)[] } ? E : (typeof PAGE_AND_WORKER)[number];

/** The entry points that take an option. */
export const entryPointsOf = (spec: OptionSpec): readonly EntryPoint[] => spec.at ?? PAGE_AND_WORKER;

/** The options that go to the worker. */
export type WorkerOptionName = keyof typeof WORKER_TABLE;
export const WORKER_OPTIONS = /* @__PURE__ */ Object.keys(WORKER_TABLE) as WorkerOptionName[];

/** A status range, inclusive: `[500, 599]`, or `[429, 429]` for one code. */
export type StatusRange = [lo: number, hi: number];

/** The type each kind has once read (the worker's config). */
interface ConfigTypes {
  rules: Rule[];
  int: number;
  bool: boolean;
  origins: string[];
  status: StatusRange[];
  timeouts: Record<string, number>;
  names: string[];
  text: string;
  path: string;
  dsn: string;
}
/** The types each kind is accepted in (besides its string form, where it differs). */
interface InputTypes {
  rules: readonly RuleInput[] | string;
  int: number;
  bool: boolean;
  origins: readonly string[];
  status: string | ReadonlyArray<readonly [number, number]>;
  timeouts: Readonly<Record<string, number>> | string;
  names: readonly string[];
  text: string;
  path: string;
  dsn: string;
}

/** The worker's configuration: every worker option, read and defaulted. */
export type MonitorConfig = { [K in WorkerOptionName]: ConfigTypes[Spec<K>['kind'] & keyof ConfigTypes] };

/**
 * The options an entry point takes that are values (functions, like
 * `beforeReport`, are typed where they are taken). Each is documented in the
 * README's option table.
 */
export type OptionsAt<E extends EntryPoint> = {
  [K in OptionName as E extends AtOf<K> ? (Spec<K>['kind'] extends 'fn' | 'object' ? never : K) : never]?: InputTypes[Spec<K>['kind'] & keyof InputTypes];
};

/** `timeoutMs` → `data-timeout-ms`. */
export const attributeOf = (name: string) => `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);

/** A value in its string form (the form a URL or a `data-` attribute carries); undefined for functions. */
export function stringForm(kind: OptionKind, value: unknown): string | undefined {
  if (kind === 'fn' || kind === 'object') return undefined;
  if (typeof value === 'string') return value;
  if (kind === 'rules' && Array.isArray(value)) return rulesToJson(value);
  if (kind === 'status' && Array.isArray(value)) return value.map((r) => (Array.isArray(r) && r[0] !== r[1] ? `${r[0]}-${r[1]}` : `${Array.isArray(r) ? r[0] : r}`)).join(',');
  if (Array.isArray(value)) return value.join(',');
  if (kind === 'timeouts' && value && typeof value === 'object') {
    return Object.entries(value)
      .map(([pattern, ms]) => `${pattern}:${ms}`)
      .join(',');
  }
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Reads one option from its string form. Returns the value, or the reason it
 * is invalid (the words after `option "name" `).
 */
export function parseOption(spec: OptionSpec, raw: string): { value: unknown } | { error: string } {
  return spec.kind === 'rules' ? (raw.trim() === '' ? { value: [] } : readRules(raw)) : parseValue(spec, raw);
}

/** parseOption for every kind but rules (readAttributes': the script tag leaves rules to gatewayz-options.js). */
function parseValue(spec: OptionSpec, raw: string): { value: unknown } | { error: string } {
  // (Each explanation is written `terse ? '' : ...` where it is given, so that the terse build holds none.)
  const bad = (why: string) => ({ error: terse ? `is invalid: ${JSON.stringify(raw)}` : why });
  switch (spec.kind) {
    case 'int': {
      const [min, max] = spec.range!;
      const n = Number(raw);
      return raw.trim() === '' || !Number.isInteger(n) || n < min || n > max ? bad(terse ? '' : `is ${JSON.stringify(raw)}; it must be a whole number from ${min} to ${max}`) : { value: n };
    }
    case 'bool':
      // Present with no value (`data-debug`) means true, as for HTML's own boolean attributes.
      if (/^(true|1|)$/.test(raw)) return { value: true };
      if (/^(false|0)$/.test(raw)) return { value: false };
      return bad(terse ? '' : `is ${JSON.stringify(raw)}; it must be "true" or "false"`);
    case 'origins': {
      const parts = list(raw);
      if (parts.length === 0) return bad(terse ? '' : `is empty; give at least one origin, like "${DEFAULT_ORIGIN}"`);
      const origins: string[] = [];
      for (const part of parts) {
        let url: URL | undefined;
        try {
          url = new URL(part);
        } catch {
          /* reported below */
        }
        if (!url || !/^https?:$/.test(url.protocol)) return bad(terse ? '' : `has ${JSON.stringify(part)}, which is not an http(s) origin; write it like "${DEFAULT_ORIGIN}"`);
        origins.push(url.origin);
      }
      return { value: [...new Set(origins)] };
    }
    case 'status': {
      const parts = list(raw);
      if (parts.length === 0) return bad(terse ? '' : 'is empty; the default is "400-599"');
      const ranges: StatusRange[] = [];
      for (const part of parts) {
        const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
        const lo = Number(m?.[1]);
        const hi = Number(m?.[2] ?? m?.[1]);
        if (!m || lo < 100 || hi > 599 || lo > hi) return bad(terse ? '' : `has ${JSON.stringify(part)}; write status codes and ranges from 100 to 599, like "400-599" or "429,500-599"`);
        ranges.push([lo, hi]);
      }
      return { value: ranges };
    }
    case 'timeouts': {
      // "pattern:ms,pattern:ms"; a pattern may hold ":" itself (`/v1/models/x:generate`), so the last one splits.
      const timeouts: Record<string, number> = {};
      for (const part of list(raw)) {
        const at = part.lastIndexOf(':');
        const ms = +part.slice(at + 1);
        if (part[0] !== '/' || at < 1 || !Number.isInteger(ms) || ms < 1 || ms > 600_000) {
          return bad(terse ? '' : `has ${JSON.stringify(part)}; write endpoint:milliseconds pairs (1 to 600000), like "/v1/chat/completions:120000,/v1/images/*:180000"`);
        }
        timeouts[part.slice(0, at)] = ms;
      }
      return { value: timeouts };
    }
    case 'names':
      return { value: list(raw).map((s) => s.toLowerCase()) };
    case 'rules':
      return { error: 'is read by readOptions alone' };
    case 'path':
      return raw.trim() === '' ? bad(terse ? '' : 'is empty; give a path, like "/gatewayz-sw.js"') : { value: raw };
    case 'dsn': {
      let ok = false;
      try {
        const u = new URL(raw);
        ok = /^https?:$/.test(u.protocol) && !!u.username && /\/[^/]+$/.test(u.pathname);
      } catch {
        /* reported below */
      }
      return ok ? { value: raw } : bad(terse ? '' : `is ${JSON.stringify(raw)}, which is not a Sentry DSN; copy it from Sentry's project settings (Client Keys), like "https://<key>@o0.ingest.sentry.io/<project>"`);
    }
    default:
      return { value: raw };
  }
}

export interface ReadOptions {
  /** The options given, read (only those given). */
  values: Record<string, unknown>;
  /** One sentence per mistake, naming the option, what was wrong and the fix. Empty when all are valid. */
  errors: string[];
}

/**
 * Reads the options given at one entry point (or, with `'worker'`, the
 * worker's URL): unknown options, options that entry point does not take and
 * bad values are errors, so a typo never silently falls back to a default.
 * Undefined values are left out.
 */
export function readOptions(input: Record<string, unknown>, at: EntryPoint): ReadOptions {
  return read(input, at, OPTIONS, readValue);
}

/**
 * readOptions for values that are all in their string form already (the
 * script tag's `data-` attributes), every option but `rules`: the same
 * reading and the same messages, without stringForm, the function and object
 * kinds (no option the tag takes is one) or the rules reader, which the script
 * tag's build then leaves out (it has gatewayz-options.js read `data-rules`).
 */
export function readAttributes(input: Record<string, string | undefined>, at: EntryPoint): ReadOptions {
  return read(input, at, OPTIONS, (spec, given) => parseValue(spec, given as string));
}

/** Reads the worker's options (its URL's query, in the worker): only the worker's table, so its build holds no other. */
export function readWorkerOptions(input: Record<string, unknown>): ReadOptions {
  return read(input, 'worker', WORKER_TABLE, readValue);
}

/** One option's value as given, of any kind: a function or an object as it is, any other read from its string form. */
function readValue(spec: OptionSpec, given: unknown): { value: unknown } | { error: string } {
  if (spec.kind === 'fn' || spec.kind === 'object') {
    return (spec.kind === 'fn' ? typeof given === 'function' : typeof given === 'object' && given !== null) ? { value: given } : { error: `must be ${spec.kind === 'fn' ? 'a function' : 'an object'}` };
  }
  return parseOption(spec, stringForm(spec.kind, given)!);
}

function read(input: Record<string, unknown>, at: EntryPoint | 'worker', table: Record<string, OptionSpec>, value: typeof readValue): ReadOptions {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  const say = (what: string) => errors.push(`gatewayz-sw-monitor: ${what}.`);
  for (const [key, given] of Object.entries(input)) {
    if (given === undefined) continue;
    const spec = table[key];
    if (!spec) {
      say(`unknown option "${key}"${terse ? '' : `; known options are ${Object.keys(table).filter((k) => at === 'worker' || entryPointsOf(table[k]!).includes(at)).join(', ')}`}`);
      continue;
    }
    if (at !== 'worker' && !entryPointsOf(spec).includes(at)) {
      // (Only page-side entry points get here; the worker's build keeps no entry-point names.)
      say(terse ? `option "${key}" is not taken here` : `option "${key}" is not taken by ${ENTRY_POINT_NAMES[at]}; it is taken by ${entryPointsOf(spec).map((e) => ENTRY_POINT_NAMES[e]).join(', ')}`);
      continue;
    }
    const got = value(spec, given);
    if ('error' in got) say(`option "${key}" ${got.error}`);
    else values[key] = got.value;
  }
  return { values, errors };
}

/** The worker options' defaults. */
export const DEFAULT_CONFIG = /* @__PURE__ */ Object.fromEntries(/* @__PURE__ */ WORKER_OPTIONS.map((k) => [k, WORKER_TABLE[k].default])) as unknown as MonitorConfig;

/**
 * The worker's URL query for worker options already read (their config
 * form): each one that differs from its default, as JSON
 * (`?origins=["https://api.example.com"]&timeoutMs=15000`). The page reads and
 * validates every option first; the worker then needs no parser of its own
 * per kind (readWorkerQuery), which keeps it small.
 */
export function toQuery(values: Partial<Record<WorkerOptionName, unknown>>): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of WORKER_OPTIONS) {
    const json = values[key] === undefined ? undefined : JSON.stringify(values[key]);
    if (json !== undefined && json !== JSON.stringify(WORKER_TABLE[key].default)) q.set(key, json);
  }
  return q;
}

/**
 * Reads the worker's URL query (what toQuery wrote): each value is JSON of
 * its option's config form. Checked for what the worker relies on, the
 * option's name, its value's type (as its default's) and a whole number's
 * range; the rest was validated by the page that wrote the URL. A URL written
 * by hand with a mistake in it gets an error naming the option, and the
 * worker then observes nothing.
 */
export function readWorkerQuery(query: URLSearchParams): ReadOptions {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, raw] of query) {
    const spec = (WORKER_TABLE as Record<string, OptionSpec>)[key];
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      /* reported below */
    }
    const range = spec?.range;
    const ok =
      spec &&
      value !== undefined &&
      typeof value === typeof spec.default &&
      Array.isArray(value) === Array.isArray(spec.default) &&
      value !== null &&
      (!range || (Number.isInteger(value) && (value as number) >= range[0] && (value as number) <= range[1]));
    if (ok) values[key] = value;
    else errors.push(`gatewayz-sw-monitor: ${spec ? `option "${key}" is invalid: ${JSON.stringify(raw)}` : `unknown option "${key}"`}${terse ? '' : ` in the worker's URL; it holds each option as JSON (see the README's Configuration)`}.`);
  }
  return { values, errors };
}
