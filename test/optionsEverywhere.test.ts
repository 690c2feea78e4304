/**
 * Issue #20, the pure half: every option of the option table (sw/options.ts)
 * against the entry points that can be called in Node — the Vite plugin,
 * withGatewayzMonitor and registerMonitorRoute take exactly the options the
 * table says, and refuse the others with the same sentence; every worker
 * option survives its string form (what a `data-` attribute and the worker's
 * URL carry); and each option's script-tag attribute. The browser half (the
 * worker sees the same value from every entry point) is e2e/options.spec.ts.
 *
 * Where each option is taken, each one's attribute and each sample's read
 * value are written out here, not computed by the code under test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import gatewayzMonitor from '../src/vite.js';
import { parseConfig } from '../sw/config.js';
import { attributeOf, DEFAULT_CONFIG, entryPointsOf, OPTIONS, readOptions, stringForm, toQuery, WORKER_OPTIONS, type EntryPoint, type MonitorConfig, type OptionName } from '../sw/options.js';
// (Typed here, not imported: sw/observe/ is compiled with the worker's types, tsconfig.sw.json, which this project lacks.)
type RegisterMonitorRoute = (options?: Record<string, unknown>) => object | undefined;
import type { withGatewayzMonitor as WithGatewayzMonitor } from '../src/next.js';

/** Where each option is taken (README's option table), written out. */
const AT: Record<OptionName, EntryPoint[]> = {
  origins: ['vite', 'tag', 'integration', 'register', 'route'],
  timeoutMs: ['vite', 'tag', 'integration', 'register', 'route'],
  timeouts: ['vite', 'tag', 'integration', 'register', 'route'],
  previewChars: ['vite', 'tag', 'integration', 'register', 'route'],
  failedStatus: ['vite', 'tag', 'integration', 'register', 'route'],
  batchMs: ['vite', 'tag', 'integration', 'register', 'route'],
  batchSize: ['vite', 'tag', 'integration', 'register', 'route'],
  dedupeWindowMs: ['vite', 'tag', 'integration', 'register', 'route'],
  maxEventsPerMinute: ['vite', 'tag', 'integration', 'register', 'route'],
  outboxCap: ['vite', 'tag', 'integration', 'register', 'route'],
  scrubParams: ['vite', 'tag', 'integration', 'register', 'route'],
  rules: ['vite', 'tag', 'integration', 'register', 'route'],
  healthIntervalMs: ['vite', 'tag', 'integration', 'register', 'route'],
  burstPerMinute: ['vite', 'tag', 'integration', 'register', 'route'],
  sustained5xxMs: ['vite', 'tag', 'integration', 'register', 'route'],
  enabled: ['vite', 'tag', 'integration', 'register', 'route', 'next'],
  debug: ['vite', 'tag', 'integration', 'register', 'route'],
  dsn: ['vite', 'tag'],
  release: ['vite', 'tag'],
  environment: ['vite', 'tag'],
  scriptUrl: ['tag', 'integration', 'register'],
  scope: ['tag', 'integration', 'register'],
  register: ['tag', 'integration', 'register'],
  beforeReport: ['route'],
  router: ['route'],
  deliver: ['register'],
  pageScope: ['register'],
  onHealth: ['register'],
  dir: ['next'],
};

/** How messages name each entry point. */
const NAMED: Record<EntryPoint, string> = {
  vite: 'the Vite plugin',
  tag: 'the script tag',
  integration: 'backendMonitorIntegration',
  register: 'registerBackendMonitor',
  route: 'registerMonitorRoute',
  next: 'withGatewayzMonitor',
};

/** Each option's `data-` attribute on the script tag, written out. */
const ATTRIBUTE: Record<OptionName, string> = {
  origins: 'data-origins',
  timeoutMs: 'data-timeout-ms',
  timeouts: 'data-timeouts',
  previewChars: 'data-preview-chars',
  failedStatus: 'data-failed-status',
  batchMs: 'data-batch-ms',
  batchSize: 'data-batch-size',
  dedupeWindowMs: 'data-dedupe-window-ms',
  maxEventsPerMinute: 'data-max-events-per-minute',
  outboxCap: 'data-outbox-cap',
  scrubParams: 'data-scrub-params',
  rules: 'data-rules',
  healthIntervalMs: 'data-health-interval-ms',
  burstPerMinute: 'data-burst-per-minute',
  sustained5xxMs: 'data-sustained5xx-ms',
  enabled: 'data-enabled',
  debug: 'data-debug',
  dsn: 'data-dsn',
  release: 'data-release',
  environment: 'data-environment',
  scriptUrl: 'data-script-url',
  scope: 'data-scope',
  register: 'data-register',
  beforeReport: 'data-before-report',
  router: 'data-router',
  deliver: 'data-deliver',
  pageScope: 'data-page-scope',
  onHealth: 'data-on-health',
  dir: 'data-dir',
};

const nextDir = mkdtempSync(join(tmpdir(), 'gatewayz-options-'));
afterAll(() => rmSync(nextDir, { recursive: true, force: true }));

/** A valid, non-default value of each option, as a JS user writes it. */
const SAMPLE: Record<OptionName, unknown> = {
  origins: ['https://API.example.com/v1', 'http://localhost:8787', 'https://api.example.com'],
  timeoutMs: 12_345,
  timeouts: { '/v1/chat/completions': 90_000, '/v1/models/*:generate': 5000 },
  previewChars: 42,
  failedStatus: [[408, 408], [429, 429], [500, 599]],
  batchMs: 250,
  batchSize: 7,
  dedupeWindowMs: 1234,
  maxEventsPerMinute: 33,
  outboxCap: 77,
  scrubParams: ['Session_Token', 'X-Trace'],
  rules: [{ match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' }, { match: { gateway: 'flaky', status: '502-504', method: 'get' }, level: 'info' }],
  healthIntervalMs: 5000,
  burstPerMinute: 44,
  sustained5xxMs: 9000,
  enabled: false,
  debug: true,
  dsn: 'https://public@o0.ingest.sentry.io/42',
  release: 'app@1.2.3',
  environment: 'staging',
  scriptUrl: '/monitor/sw.js',
  scope: '/monitor/',
  register: false,
  beforeReport: (report: unknown) => report,
  router: { registerRoute: () => undefined },
  deliver: async () => [],
  pageScope: () => undefined,
  onHealth: () => undefined,
  dir: nextDir,
};

/** The worker options' samples once read: what the worker's config holds. */
const SAMPLE_CONFIG: MonitorConfig = {
  origins: ['https://api.example.com', 'http://localhost:8787'],
  timeoutMs: 12_345,
  timeouts: { '/v1/chat/completions': 90_000, '/v1/models/*:generate': 5000 },
  previewChars: 42,
  failedStatus: [[408, 408], [429, 429], [500, 599]],
  batchMs: 250,
  batchSize: 7,
  dedupeWindowMs: 1234,
  maxEventsPerMinute: 33,
  outboxCap: 77,
  scrubParams: ['session_token', 'x-trace'],
  healthIntervalMs: 5000,
  burstPerMinute: 44,
  sustained5xxMs: 9000,
  rules: [
    { match: { endpoint: '/v1/legacy/*', status: [[404, 404]] }, action: 'ignore' },
    { match: { gateway: ['flaky'], status: [[502, 504]], method: ['GET'] }, level: 'info' },
  ],
  enabled: false,
  debug: true,
};

/** The defaults, written out. */
const DEFAULTS: MonitorConfig = {
  origins: ['https://api.gatewayz.ai'],
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
  rules: [],
  healthIntervalMs: 60_000,
  burstPerMinute: 10,
  sustained5xxMs: 300_000,
  enabled: true,
  debug: false,
};

const NAMES = Object.keys(AT) as OptionName[];

/** `option "x" is not taken by <entry point>; it is taken by <the others>.`, from the table above. */
const notTaken = (name: OptionName, at: EntryPoint) => `option "${name}" is not taken by ${NAMED[at]}; it is taken by ${AT[name].map((e) => NAMED[e]).join(', ')}.`;

/**
 * The worker's global scope, as far as Workbox's default router uses it: adding a route to it adds its fetch
 * and message listeners here, so a route added shows as calls.
 */
const workerScope = { addEventListener: vi.fn(), location: { origin: 'https://app.example' } };

let registerMonitorRoute: RegisterMonitorRoute;
let withGatewayzMonitor: typeof WithGatewayzMonitor;
let Router: typeof import('workbox-routing').Router;
beforeAll(async () => {
  // Workbox touches `self` (the worker's global scope) when it is imported.
  vi.stubGlobal('self', workerScope);
  ({ registerMonitorRoute } = (await import('../sw/observe/registerMonitorRoute.js' as string)) as { registerMonitorRoute: RegisterMonitorRoute });
  ({ Router } = await import('workbox-routing'));
  // The built wrapper, as next.config imports it: it writes the prebuilt worker files beside it in dist/ (npm run build).
  ({ withGatewayzMonitor } = (await import('../dist/next.js' as string)) as typeof import('../src/next.js'));
});
afterAll(() => {
  vi.unstubAllGlobals();
});
afterEach(() => {
  vi.restoreAllMocks();
  workerScope.addEventListener.mockClear();
});

describe('the option table', () => {
  it('lists every option once, taken where the README says', () => {
    expect(Object.keys(OPTIONS).sort()).toEqual([...NAMES].sort());
    // (A worker option that leaves `at` out is taken by the usual set; entryPointsOf reads it either way.)
    for (const name of NAMES) expect([...entryPointsOf(OPTIONS[name])], name).toEqual(AT[name]);
    expect(WORKER_OPTIONS).toEqual(Object.keys(SAMPLE_CONFIG));
    expect(DEFAULT_CONFIG).toEqual(DEFAULTS);
  });

  it.each(NAMES)('%s: the script tag attribute', (name) => {
    expect(attributeOf(name)).toBe(ATTRIBUTE[name]);
  });
});

describe('the Vite plugin takes exactly its options', () => {
  it.each(NAMES)('%s', (name) => {
    const build = () => gatewayzMonitor({ [name]: SAMPLE[name] } as never);
    if (AT[name].includes('vite')) expect(build).not.toThrow();
    else expect(build).toThrow(`[gatewayz-sw-monitor] invalid plugin options in vite.config:\n  - ${notTaken(name, 'vite')}`);
  });
});

describe('withGatewayzMonitor takes exactly its options', () => {
  it.each(NAMES)('%s', (name) => {
    const wrap = () => withGatewayzMonitor({}, { dir: nextDir, [name]: SAMPLE[name] } as never);
    if (AT[name].includes('next')) expect(wrap).not.toThrow();
    else expect(wrap).toThrow(`[gatewayz-sw-monitor] invalid withGatewayzMonitor options in next.config:\n  - gatewayz-sw-monitor: ${notTaken(name, 'next')}\n`);
  });
});

describe('registerMonitorRoute takes exactly its options', () => {
  // With `enabled: false` a valid call returns before it adds a route (Node has no worker scope to add one to).
  it.each(NAMES)('%s', (name) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(registerMonitorRoute({ enabled: false, [name]: SAMPLE[name] } as never)).toBeUndefined();
    if (AT[name].includes('route')) expect(error).not.toHaveBeenCalled();
    else {
      expect(error.mock.calls.map((c) => c.join(' '))).toEqual([
        `gatewayz-sw-monitor: ${notTaken(name, 'route')}`,
        '[gatewayz-sw-monitor] registerMonitorRoute: invalid options above; the monitor route is not registered and API requests pass through untouched.',
      ]);
    }
    expect(workerScope.addEventListener).not.toHaveBeenCalled();
  });

  // A Workbox Router is an object (it was once refused as "must be a function").
  it('router: a Workbox Router is taken', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(registerMonitorRoute({ enabled: false, router: new Router() })).toBeUndefined();
    expect(error.mock.calls.map((c) => c.join(' '))).toEqual([]);
  });
});

describe('bad values at registerMonitorRoute (the other entry points: e2e/options.spec.ts)', () => {
  // Each mistake, as a JS user writes it, and its sentence (the same at every entry point, after its prefix).
  const MISTAKES: Array<[string, Record<string, unknown>, string]> = [
    ['timeoutMs -5', { timeoutMs: -5 }, 'option "timeoutMs" is "-5"; it must be a whole number from 1 to 600000.'],
    ['failedStatus "600"', { failedStatus: '600' }, 'option "failedStatus" has "600"; write status codes and ranges from 100 to 599, like "400-599" or "429,500-599".'],
    ['origins ["ftp://x"]', { origins: ['ftp://x'] }, 'option "origins" has "ftp://x", which is not an http(s) origin; write it like "https://api.gatewayz.ai".'],
    ['enabled "maybe"', { enabled: 'maybe' }, 'option "enabled" is "maybe"; it must be "true" or "false".'],
    [
      'an unknown option',
      { colour: 'blue' },
      // Only the options this entry point takes.
      'unknown option "colour"; known options are origins, timeoutMs, timeouts, previewChars, failedStatus, batchMs, batchSize, dedupeWindowMs, maxEventsPerMinute, outboxCap, scrubParams, healthIntervalMs, burstPerMinute, sustained5xxMs, rules, enabled, debug, beforeReport, router.',
    ],
  ];

  it.each(MISTAKES)('%s: registerMonitorRoute says it on the console and adds no route', (_, bad, sentence) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(registerMonitorRoute(bad as never)).toBeUndefined();
    expect(error.mock.calls.map((c) => c.join(' '))).toEqual([
      `gatewayz-sw-monitor: ${sentence}`,
      '[gatewayz-sw-monitor] registerMonitorRoute: invalid options above; the monitor route is not registered and API requests pass through untouched.',
    ]);
    // Workbox's default router was never set up: no fetch listener, no route.
    expect(workerScope.addEventListener).not.toHaveBeenCalled();
  });
});

describe('every worker option survives its string form (a data- attribute, the worker URL)', () => {
  it.each(WORKER_OPTIONS)('%s: default and sample', (name) => {
    const { kind } = OPTIONS[name];
    for (const [value, read] of [
      [DEFAULTS[name], DEFAULTS[name]],
      [SAMPLE[name], SAMPLE_CONFIG[name]],
      [SAMPLE_CONFIG[name], SAMPLE_CONFIG[name]],
    ] as const) {
      const raw = stringForm(kind, value);
      expect(typeof raw).toBe('string');
      expect(readOptions({ [name]: raw }, 'tag'), `${name} = ${raw}`).toEqual({ values: { [name]: read }, errors: [] });
    }
  });

  it('the worker reads the URL the page writes: every sample, at once', () => {
    const query = toQuery(SAMPLE_CONFIG);
    expect([...query.keys()]).toEqual(WORKER_OPTIONS);
    expect(parseConfig(query)).toEqual({ config: SAMPLE_CONFIG, errors: [] });
    // Defaults are left out of the URL, and read back as defaults.
    expect(toQuery(DEFAULTS).size).toBe(0);
    expect(parseConfig(new URLSearchParams())).toEqual({ config: DEFAULTS, errors: [] });
  });
});
