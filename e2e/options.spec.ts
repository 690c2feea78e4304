/**
 * Issue #20: every worker option, given the way a user of each entry point
 * writes it — the Vite plugin's script tag, the script tag itself,
 * backendMonitorIntegration, registerBackendMonitor, registerMonitorRoute in
 * a site's own Workbox worker, and withGatewayzMonitor — reaches the real
 * worker as the same value (its hello says the config it runs with); and a
 * bad value gets the same sentence at every entry point that takes it, and
 * registers nothing. The script tag reads its attributes terse and loads the
 * explanations (gatewayz-options.js) only for a bad one, or to read
 * `data-rules` (the rules reader is in that file alone); a valid tag without
 * data-rules never fetches that file.
 *
 * The options and the config the worker must end up with are written out
 * here, field by field; nothing is computed by the code under test. The pure
 * half (which entry point takes which option, the string forms) is
 * test/optionsEverywhere.test.ts.
 */
import type { Page, Request } from '@playwright/test';
import { build as esbuild } from 'esbuild';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerInfo } from '../sw/protocol.js';
import { appUrl, expect, test } from './fixtures.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// The package's built entry points, as a user's config imports them (they read the prebuilt files beside them in dist/).
const dist = (name: string) => readFile(here(`../dist/${name}`), 'utf8');

/** Every worker option, not at its default, as a JS user writes them (arrays and objects). */
const JS_OPTIONS = {
  origins: ['https://API.example.com/v1', 'http://localhost:8787', 'https://api.example.com'],
  timeoutMs: 12_345,
  timeouts: { '/v1/chat/completions': 90_000, '/v1/models/*:generate': 5000 },
  previewChars: 42,
  failedStatus: [
    [408, 408],
    [429, 429],
    [500, 599],
  ] as Array<[number, number]>,
  batchMs: 250,
  batchSize: 7,
  dedupeWindowMs: 1234,
  maxEventsPerMinute: 33,
  outboxCap: 77,
  scrubParams: ['Session_Token', 'X-Trace'],
  healthIntervalMs: 5000,
  burstPerMinute: 44,
  sustained5xxMs: 9000,
  rules: [
    { match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' as const },
    { match: { gateway: 'flaky', status: '502-504', method: 'get' }, level: 'info' as const },
  ],
  enabled: true,
  debug: true,
};

/** `rules` in its string form (JSON), as the tag and the Vite plugin's tag carry it. */
const RULES_JSON = '[{"match":{"endpoint":"/v1/legacy/*","status":404},"action":"ignore"},{"match":{"gateway":"flaky","status":"502-504","method":"get"},"level":"info"}]';

/** The same options as the script tag's attributes (`data-debug` present without a value: true, like HTML's own). */
const TAG_ATTRIBUTES = [
  'data-origins="https://API.example.com/v1,http://localhost:8787,https://api.example.com"',
  'data-timeout-ms="12345"',
  'data-timeouts="/v1/chat/completions:90000,/v1/models/*:generate:5000"',
  'data-preview-chars="42"',
  'data-failed-status="408,429,500-599"',
  'data-batch-ms="250"',
  'data-batch-size="7"',
  'data-dedupe-window-ms="1234"',
  'data-max-events-per-minute="33"',
  'data-outbox-cap="77"',
  'data-scrub-params="Session_Token,X-Trace"',
  'data-health-interval-ms="5000"',
  'data-burst-per-minute="44"',
  'data-sustained5xx-ms="9000"',
  `data-rules='${RULES_JSON}'`,
  'data-enabled="true"',
  'data-debug',
].join(' ');

/** What the worker must run with, from any entry point. */
const EXPECTED_CONFIG = {
  origins: ['https://api.example.com', 'http://localhost:8787'],
  timeoutMs: 12_345,
  timeouts: { '/v1/chat/completions': 90_000, '/v1/models/*:generate': 5000 },
  previewChars: 42,
  failedStatus: [
    [408, 408],
    [429, 429],
    [500, 599],
  ],
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
  enabled: true,
  debug: true,
};

const WORKER_KNOWN = 'origins, timeoutMs, timeouts, previewChars, failedStatus, batchMs, batchSize, dedupeWindowMs, maxEventsPerMinute, outboxCap, scrubParams, healthIntervalMs, burstPerMinute, sustained5xxMs, rules, enabled, debug';
/** An unknown option's sentence names the options the entry point takes, written out. */
const UNKNOWN: Record<'vite' | 'next' | 'integration' | 'register' | 'route', string> = {
  vite: `unknown option "colour"; known options are ${WORKER_KNOWN}, dsn, release, environment.`,
  next: 'unknown option "colour"; known options are enabled, dir.',
  integration: `unknown option "colour"; known options are ${WORKER_KNOWN}, scriptUrl, scope, register.`,
  register: `unknown option "colour"; known options are ${WORKER_KNOWN}, scriptUrl, scope, register, deliver, pageScope, onHealth.`,
  route: `unknown option "colour"; known options are ${WORKER_KNOWN}, beforeReport, router.`,
};

/**
 * Mistakes, as a JS user and as the script tag write them, and the sentence each gets (after the entry point's
 * prefix): the same at every entry point, but an unknown option's, which lists what that entry point takes.
 */
const MISTAKES: Array<{ name: string; js: Record<string, unknown>; attribute: string; sentence: string | Record<keyof typeof UNKNOWN, string> }> = [
  { name: 'timeoutMs -5', js: { timeoutMs: -5 }, attribute: 'data-timeout-ms="-5"', sentence: 'option "timeoutMs" is "-5"; it must be a whole number from 1 to 600000.' },
  {
    name: 'failedStatus "600"',
    js: { failedStatus: '600' },
    attribute: 'data-failed-status="600"',
    sentence: 'option "failedStatus" has "600"; write status codes and ranges from 100 to 599, like "400-599" or "429,500-599".',
  },
  {
    name: 'origins ftp://x',
    js: { origins: ['ftp://x'] },
    attribute: 'data-origins="ftp://x"',
    sentence: 'option "origins" has "ftp://x", which is not an http(s) origin; write it like "https://api.gatewayz.ai".',
  },
  { name: 'enabled "maybe"', js: { enabled: 'maybe' }, attribute: 'data-enabled="maybe"', sentence: 'option "enabled" is "maybe"; it must be "true" or "false".' },
  {
    name: 'rules with a bad level',
    js: { rules: [{ match: { status: 503 }, level: 'loud' }] },
    attribute: `data-rules='[{"match":{"status":503},"level":"loud"}]'`,
    sentence: 'option "rules" in rule 1, "level": "loud" is not a level; write "info", "warning" or "error".',
  },
  { name: 'an unknown option', js: { colour: 'blue' }, attribute: 'data-colour="blue"', sentence: UNKNOWN },
];
const sentenceAt = (m: (typeof MISTAKES)[number], at: keyof typeof UNKNOWN) => (typeof m.sentence === 'string' ? m.sentence : m.sentence[at]);
const NOT_REGISTERING = '[gatewayz-sw-monitor] not registering the worker until the options above are fixed; the app is unaffected.';

/**
 * What the script tag says for each mistake when gatewayz-options.js (the explanations) cannot be loaded: its own
 * terse words, the option and the value, and where to read what the option takes; for rules (which that file
 * alone reads), that they could not be read, and from where.
 */
const SEE_README = ' See the option table in the README (Configuration) for what it takes.';
const TERSE = (origin: string): Record<string, string> => ({
  'timeoutMs -5': `option "timeoutMs" is invalid: "-5".${SEE_README}`,
  'failedStatus "600"': `option "failedStatus" is invalid: "600".${SEE_README}`,
  'origins ftp://x': `option "origins" is invalid: "ftp://x".${SEE_README}`,
  'enabled "maybe"': `option "enabled" is invalid: "maybe".${SEE_README}`,
  'rules with a bad level': `option "rules" is read by ${origin}/gatewayz-options.js, which could not be loaded.`,
});

/** Every request for gatewayz-options.js (the option errors in full) the page makes. */
function watchOptionsFile(p: Page): Request[] {
  const seen: Request[] = [];
  p.on('request', (r) => new URL(r.url()).pathname === '/gatewayz-options.js' && seen.push(r));
  return seen;
}

/** The messages in an entry point's error output, without the prefixes each adds (`gatewayz-sw-monitor: `, `  - `). */
const sentences = (text: string) => text.split('\n').map((line) => line.replace(/^\s*- /, '').replace(/^gatewayz-sw-monitor: /, ''));

const html = (head: string) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${head}</head><body><h1>options</h1></body></html>`;
const HTML = 'text/html; charset=utf-8';

/** The script tag's monitor (`window.gatewayzMonitor`): whether it registered, and the worker's hello. */
async function tagMonitor(p: Page): Promise<{ registered: boolean; info: WorkerInfo | undefined }> {
  await p.waitForFunction(() => 'gatewayzMonitor' in window);
  return p.evaluate(async () => {
    const monitor = (window as unknown as { gatewayzMonitor: { ready: Promise<unknown>; info: Promise<WorkerInfo | undefined> } }).gatewayzMonitor;
    const registered = (await monitor.ready) !== undefined;
    return { registered, info: await monitor.info };
  });
}

const registrations = (p: Page) => p.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).map((r) => (r.active ?? r.waiting ?? r.installing)?.scriptURL));

/** The console errors a page logs, collected. */
function consoleErrors(p: Page): string[] {
  const errors: string[] = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

/** A site's own Workbox worker that calls registerMonitorRoute, built from `code` (after the imports) as a site would bundle it. */
async function workboxWorker(code: string): Promise<string> {
  const contents = `import { registerMonitorRoute } from 'gatewayz-sw-monitor/sw';\nimport { clientsClaim } from 'workbox-core';\n${code}\nself.skipWaiting();\nclientsClaim();\n`;
  const out = await esbuild({
    stdin: { contents, resolveDir: here('.'), sourcefile: 'sw.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/** The worker's hello, checked: it observes, rejected nothing, and runs with exactly EXPECTED_CONFIG. */
function expectSameConfig(info: WorkerInfo | undefined): void {
  expect(info).toMatchObject({ observing: true, configErrors: [] });
  expect(info?.config).toEqual(EXPECTED_CONFIG);
}

test.describe('every worker option reaches the worker as the same value', () => {
  test.beforeEach(async ({ site }) => {
    site.override('/gatewayz-register.js', await dist('gatewayz-register.js'));
    // Served: a valid tag asks for it only to read data-rules (these tags have them), once.
    site.override('/gatewayz-options.js', await dist('gatewayz-options.js'));
  });

  test('the script tag, kebab-case data- attributes', async ({ page, site }) => {
    site.override('/tag.html', html(`<script src="/gatewayz-register.js" ${TAG_ATTRIBUTES} defer></script>`), HTML);
    const errors = consoleErrors(page);
    const explanations = watchOptionsFile(page);
    await page.goto(`${site.origin}/tag.html`);
    const { registered, info } = await tagMonitor(page);
    expect(registered).toBe(true);
    expectSameConfig(info);
    expect(errors).toEqual([]);
    expect(explanations.map((r) => r.url()), 'gatewayz-options.js requests').toEqual([`${site.origin}/gatewayz-options.js`]);
  });

  test("the Vite plugin: the script tag transformIndexHtml() writes", async ({ page, site }) => {
    const { default: gatewayzMonitor } = (await import('../dist/vite.js' as string)) as typeof import('../src/vite.js');
    const plugin = gatewayzMonitor(JS_OPTIONS);
    const tags = (plugin.transformIndexHtml as () => Array<{ tag: string; attrs: Record<string, string | boolean>; injectTo: string }>)();
    expect(tags).toEqual([
      {
        tag: 'script',
        injectTo: 'head',
        attrs: {
          src: '/gatewayz-register.js',
          defer: true,
          'data-origins': 'https://API.example.com/v1,http://localhost:8787,https://api.example.com',
          'data-timeout-ms': '12345',
          'data-timeouts': '/v1/chat/completions:90000,/v1/models/*:generate:5000',
          'data-preview-chars': '42',
          'data-failed-status': '408,429,500-599',
          'data-batch-ms': '250',
          'data-batch-size': '7',
          'data-dedupe-window-ms': '1234',
          'data-max-events-per-minute': '33',
          'data-outbox-cap': '77',
          'data-scrub-params': 'Session_Token,X-Trace',
          'data-health-interval-ms': '5000',
          'data-burst-per-minute': '44',
          'data-sustained5xx-ms': '9000',
          'data-rules': RULES_JSON,
          'data-enabled': 'true',
          'data-debug': 'true',
        },
      },
    ]);
    // Rendered as Vite renders a tag: a true attribute bare, the others quoted.
    const attrs = Object.entries(tags[0]!.attrs)
      .map(([k, v]) => (v === true ? k : `${k}="${String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`))
      .join(' ');
    site.override('/vite.html', html(`<script ${attrs}></script>`), HTML);
    const errors = consoleErrors(page);
    const explanations = watchOptionsFile(page);
    await page.goto(`${site.origin}/vite.html`);
    const { registered, info } = await tagMonitor(page);
    expect(registered).toBe(true);
    expectSameConfig(info);
    expect(errors).toEqual([]);
    expect(explanations.map((r) => r.url()), 'gatewayz-options.js requests').toEqual([`${site.origin}/gatewayz-options.js`]);
  });

  test('backendMonitorIntegration (the harness app, Sentry.init)', async ({ page, openApp }) => {
    const errors = consoleErrors(page);
    await openApp({ monitor: JS_OPTIONS });
    expectSameConfig(await page.evaluate(() => window.harness.info()));
    expect(errors).toEqual([]);
  });

  test('registerBackendMonitor (the harness app, no Sentry.init)', async ({ page, openApp }) => {
    const errors = consoleErrors(page);
    await openApp({ monitor: JS_OPTIONS, isolated: true });
    expectSameConfig(await page.evaluate(() => window.harness.info()));
    expect(errors).toEqual([]);
  });

  test("registerMonitorRoute, in the site's own Workbox worker", async ({ page, site }) => {
    site.override('/sw.js', await workboxWorker(`registerMonitorRoute(${JSON.stringify(JS_OPTIONS)});`));
    site.override(
      '/route.html',
      html(`<script>navigator.serviceWorker.register('/sw.js');</script><script src="/gatewayz-register.js" data-register="false" data-script-url="/sw.js" defer></script>`),
      HTML,
    );
    const errors = consoleErrors(page);
    await page.goto(`${site.origin}/route.html`);
    const { registered, info } = await tagMonitor(page);
    expect(registered).toBe(true);
    expect(await registrations(page)).toEqual([`${site.origin}/sw.js`]);
    expectSameConfig(info);
    expect(errors).toEqual([]);
  });
});

test('withGatewayzMonitor: enabled picks the worker it writes into public/', async () => {
  const { withGatewayzMonitor } = (await import('../dist/next.js' as string)) as typeof import('../src/next.js');
  const dir = await mkdtemp(join(tmpdir(), 'gatewayz-next-options-'));
  try {
    const written = () => readFile(join(dir, 'public', 'gatewayz-sw.js'), 'utf8');
    const [worker, disabled] = await Promise.all([dist('gatewayz-sw.js'), dist('gatewayz-sw-disabled.js')]);
    expect(worker).not.toBe(disabled);
    withGatewayzMonitor({}, { dir, enabled: false });
    expect(await written()).toBe(disabled);
    withGatewayzMonitor({}, { dir, enabled: true });
    expect(await written()).toBe(worker);
    withGatewayzMonitor({}, { dir, enabled: false });
    withGatewayzMonitor({}, { dir });
    expect(await written()).toBe(worker);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a bad value: the Vite plugin and withGatewayzMonitor throw the same sentence', async () => {
  const { default: gatewayzMonitor } = (await import('../dist/vite.js' as string)) as typeof import('../src/vite.js');
  const { withGatewayzMonitor } = (await import('../dist/next.js' as string)) as typeof import('../src/next.js');
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return (err as Error).message;
    }
    return 'nothing thrown';
  };
  for (const m of MISTAKES) {
    const { name, js } = m;
    const plugin = thrown(() => gatewayzMonitor(js as never));
    expect(plugin, name).toMatch(/^\[gatewayz-sw-monitor\] invalid plugin options in vite\.config:\n/);
    expect(sentences(plugin), name).toContain(sentenceAt(m, 'vite'));
  }
  // The wrapper takes `enabled` (and `dir`) alone; its other mistakes are test/optionsEverywhere.test.ts's "not taken".
  const dir = await mkdtemp(join(tmpdir(), 'gatewayz-next-options-'));
  try {
    for (const m of MISTAKES.filter((m) => 'enabled' in m.js || 'colour' in m.js)) {
      const { name, js } = m;
      const next = thrown(() => withGatewayzMonitor({}, { dir, ...js } as never));
      expect(next, name).toMatch(/^\[gatewayz-sw-monitor\] invalid withGatewayzMonitor options in next\.config:\n/);
      expect(sentences(next), name).toContain(sentenceAt(m, 'next'));
    }
    // Nothing was written.
    await expect(readFile(join(dir, 'public', 'gatewayz-sw.js'), 'utf8')).rejects.toThrow(/ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.describe('a bad value gets the same sentence everywhere, and registers nothing', () => {
  test.beforeEach(async ({ site }) => {
    site.override('/gatewayz-register.js', await dist('gatewayz-register.js'));
  });

  /** The script tag's mistakes (an unknown attribute is not one: it is said and ignored, below). */
  const TAG_MISTAKES = MISTAKES.filter((m): m is (typeof MISTAKES)[number] & { sentence: string } => !('colour' in m.js));

  test('the script tag says it on the console and registers nothing', async ({ page, site }) => {
    site.override('/gatewayz-options.js', await dist('gatewayz-options.js'));
    const errors = consoleErrors(page);
    const explanations = watchOptionsFile(page);
    for (const { name, attribute, sentence } of TAG_MISTAKES) {
      errors.length = 0;
      explanations.length = 0;
      site.override('/bad.html', html(`<script src="/gatewayz-register.js" ${attribute} defer></script>`), HTML);
      await page.goto(`${site.origin}/bad.html`);
      expect(await tagMonitor(page), name).toEqual({ registered: false, info: undefined });
      expect(await registrations(page), name).toEqual([]);
      await expect.poll(() => errors.flatMap(sentences), name).toEqual([sentence, NOT_REGISTERING]);
      // The explanations come from the tag's own folder, once.
      expect(explanations.map((r) => r.url()), name).toEqual([`${site.origin}/gatewayz-options.js`]);
    }
    // An attribute that is no option is said, and left alone: other tools add their own (data-cfasync).
    errors.length = 0;
    explanations.length = 0;
    site.override('/bad.html', html('<script src="/gatewayz-register.js" data-colour="blue" data-origins="https://api.example.com" defer></script>'), HTML);
    await page.goto(`${site.origin}/bad.html`);
    expect(errors).toEqual([
      '[gatewayz-sw-monitor] unknown attribute data-colour on the gatewayz-register.js script tag; it is ignored. The attributes are data-origins, data-timeout-ms, data-timeouts, data-preview-chars, data-failed-status, data-batch-ms, data-batch-size, data-dedupe-window-ms, data-max-events-per-minute, data-outbox-cap, data-scrub-params, data-health-interval-ms, data-burst-per-minute, data-sustained5xx-ms, data-rules, data-enabled, data-debug, data-dsn, data-release, data-environment, data-script-url, data-scope, data-register.',
    ]);
    expect((await tagMonitor(page)).info?.config?.origins).toEqual(['https://api.example.com']);
    expect(explanations, 'an unknown attribute alone loads no explanations').toHaveLength(0);
  });

  test("the script tag under a nonce CSP loads the explanations with the page's nonce", async ({ page, site }) => {
    site.override('/gatewayz-options.js', await dist('gatewayz-options.js'));
    const errors = consoleErrors(page);
    const [timeout] = TAG_MISTAKES;
    // A script without the nonce is refused by this policy: the full sentence proves the file ran.
    const csp = `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-gw4tz'">`;
    site.override('/csp.html', html(`${csp}<script nonce="gw4tz" src="/gatewayz-register.js" ${timeout!.attribute} defer></script>`), HTML);
    await page.goto(`${site.origin}/csp.html`);
    expect(await tagMonitor(page)).toEqual({ registered: false, info: undefined });
    await expect.poll(() => errors.flatMap(sentences)).toEqual([timeout!.sentence, NOT_REGISTERING]);
  });

  test('gatewayz-options.js cannot be loaded: the tag says it tersely, points to the README, and registers nothing', async ({ page, site }) => {
    // Not served here (a 404), as on a site that copied gatewayz-register.js alone.
    const errors = consoleErrors(page);
    const explanations = watchOptionsFile(page);
    for (const { name, attribute } of TAG_MISTAKES) {
      errors.length = 0;
      explanations.length = 0;
      site.override('/bad.html', html(`<script src="/gatewayz-register.js" ${attribute} defer></script>`), HTML);
      await page.goto(`${site.origin}/bad.html`);
      expect(await tagMonitor(page), name).toEqual({ registered: false, info: undefined });
      expect(await registrations(page), name).toEqual([]);
      // (The browser's own console error for the 404 comes first.)
      await expect.poll(() => errors.filter((e) => !e.startsWith('Failed to load resource')).flatMap(sentences), name).toEqual([TERSE(site.origin)[name], NOT_REGISTERING]);
      expect(explanations, name).toHaveLength(1);
    }
  });

  for (const [entry, isolated] of [
    ['backendMonitorIntegration', false],
    ['registerBackendMonitor', true],
  ] as const) {
    test(`${entry} says it on the console and registers nothing`, async ({ page, api, sentry, site }) => {
      const errors = consoleErrors(page);
      for (const m of MISTAKES) {
        const { name, js } = m;
        const sentence = sentenceAt(m, isolated ? 'register' : 'integration');
        errors.length = 0;
        await page.goto(appUrl({ api, sentry, site }, { monitor: js, isolated }));
        await page.waitForFunction(() => typeof window.harness === 'object');
        // `ready` resolves undefined: no worker.
        expect(await page.evaluate(() => window.harness.ready()), name).toBe(false);
        expect(await page.evaluate(() => window.harness.info()), name).toBeUndefined();
        expect(await registrations(page), name).toEqual([]);
        await expect.poll(() => errors.flatMap(sentences), name).toEqual([sentence, NOT_REGISTERING]);
      }
    });
  }

  test("registerMonitorRoute says it on the worker's console and returns undefined", async ({ page, context, site }) => {
    const workerErrors: string[] = [];
    const workerLogs: string[] = [];
    context.on('serviceworker', (w) => w.on('console', (m) => (m.type() === 'error' ? workerErrors : workerLogs).push(m.text())));
    const calls = MISTAKES.map(({ js }) => `registerMonitorRoute(${JSON.stringify(js)})`).join(', ');
    site.override('/sw.js', await workboxWorker(`console.log('returned', JSON.stringify([${calls}].map((m) => m === undefined ? 'undefined' : 'a monitor')));`));
    site.override('/route.html', html(''), HTML);
    await page.goto(`${site.origin}/route.html`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
    });
    await expect.poll(() => workerLogs).toContainEqual(`returned ${JSON.stringify(MISTAKES.map(() => 'undefined'))}`);
    const NOT_ROUTED = '[gatewayz-sw-monitor] registerMonitorRoute: invalid options above; the monitor route is not registered and API requests pass through untouched.';
    expect(workerErrors.flatMap(sentences)).toEqual(MISTAKES.flatMap((m) => [sentenceAt(m, 'route'), NOT_ROUTED]));
  });
});
