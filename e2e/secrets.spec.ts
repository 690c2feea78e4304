/**
 * Secrets the scrubber has never seen (issue 11), end to end: a sample of the
 * secret corpus (test/corpora/secrets.json) is sent through the real worker
 * in Chromium, as error bodies from the gateway simulator and in request URLs,
 * and every raw envelope the Sentry recorder received is searched, byte for
 * byte, for every secret and every 8-character piece of one: zero hits. What
 * a backend engineer needs (model ids, error text, hosts) survives.
 */
import { readFileSync } from 'node:fs';
import type { Event } from '@sentry/core';
import { pieces } from '../test/corpora/pieces.js';
import { backendEvents, expect, test } from './fixtures.js';

interface SecretSample {
  format: string;
  context: string;
  secret: string;
  text: string;
}
const corpus = (JSON.parse(readFileSync(new URL('../test/corpora/secrets.json', import.meta.url), 'utf8')) as { samples: SecretSample[] }).samples;

/** Text that must survive scrubbing, per corpus context: the error, the model, the host; the secret's place marked. */
const SURVIVES: Record<string, string[]> = {
  openaiMessage: ['Incorrect API key provided: [Filtered]. You can find your API key at https://platform.openai.com/account/api-keys.', '"code":"invalid_api_key"'],
  bareJson: ['Upstream returned 401 Unauthorized for [Filtered] (provider: Together)'],
  bareText: ['upstream rejected [Filtered] at 2024-07-18T12:34:56Z after 3 attempts'],
  logLine: ['ERROR [gateway.proxy] 403 from upstream for credential [Filtered] (region us-east-1)'],
  keyedJson: ['"api_key":"[Filtered]","model":"gpt-4o-mini-2024-07-18"'],
  camelKeyJson: ['"accessKey":"[Filtered]","endpoint":"https://bedrock-runtime.eu-west-1.amazonaws.com"'],
  escapedJson: ['Invalid token [Filtered]', '"provider_name":"Fireworks"'],
  doubleEscaped: ['bad key [Filtered]'],
  headerEchoJson: ['"Authorization":"Bearer [Filtered]"', '"X-Request-Id":"req_4f1c9a2b"'],
  headerEchoText: ['Authorization: Token [Filtered]\r\nAccept: application/json'],
  apiKeyHeaderEcho: ['"x-api-key":"[Filtered]","user-agent":"openai-python/1.40.0"'],
  urlQuery: ['https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent?key=[Filtered]&alt=sse failed with 400'],
  urlPath: ['https://api.provider.example/v1/keys/[Filtered]/usage'],
  envLine: ['PROVIDER_SECRET=[Filtered] is not valid'],
  pythonRepr: ["{'model': 'claude-3-5-sonnet-20241022', 'token': '[Filtered]', 'timeout': 30}"],
  formBody: ['client_id=gatewayz-prod&client_secret=[Filtered]&scope=read'],
  sse: ['"session_token":"[Filtered]"'],
  html: ['<h1>Unauthorized</h1><p>The key [Filtered] has been revoked.</p>'],
  yaml: ['name: anthropic\n  secret: [Filtered]\n  retries: 3'],
  quotedInText: [`Invalid authentication '[Filtered]'" (status 401)`],
  stack: ['config.headers.Authorization = "Bearer [Filtered]"', 'at settle (/app/node_modules/axios/lib/core/settle.js:19:12)'],
  slackWebhookText: ['https://hooks.slack.com/services/'],
  slackWebhookJson: ['https://hooks.slack.com/services/'],
  postgresText: ['[Filtered]@db-primary.internal:5432/gateway?sslmode=require'],
  mongoJson: ['[Filtered]@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority'],
  escapedConn: ['[Filtered]@cache.internal:6379/0'],
  connectionString: ['=[Filtered];'],
  authorizationScheme: ['[Filtered]'],
};

interface Case {
  name: string;
  /** The request path (and query): every case has its own, so its own fingerprint. */
  path: string;
  body: string;
  contentType: string;
  secrets: string[];
  /** Text the preview must keep. */
  survives: string[];
  /** The scrubbed URL the event's context must carry, when the secret was in the URL. */
  endpoint?: string;
}

const isJson = (text: string) => text.startsWith('{');
const FILTERED_MARK = '[Filtered]';
const path = (n: number) => `/v1/secrets/c${String(n).padStart(2, '0')}`;

/** One sample per context, spread over as many formats as possible, and the formats only a key name or a PEM frame gives away. */
function corpusCases(): Case[] {
  const chosen: SecretSample[] = [];
  const formats = new Set<string>();
  const contexts = new Set<string>();
  for (const s of corpus) {
    const several = s.context === 'authorizationScheme' || s.context === 'connectionString';
    const key = several ? s.context + s.format : s.context;
    if (contexts.has(key) || (formats.has(s.format) && !several)) continue;
    contexts.add(key);
    formats.add(s.format);
    chosen.push(s);
  }
  for (const format of ['rsa-private-key', 'password', 'otp-code', 'basic-auth-credential', 'session-cookie']) {
    if (!formats.has(format)) chosen.push(corpus.find((s) => s.format === format)!);
  }
  return chosen.map((s, i) => ({
    name: `${s.format} in ${s.context}`,
    path: path(i + 1),
    body: s.text,
    contentType: isJson(s.text) ? 'application/json' : s.context === 'html' ? 'text/html' : 'text/plain',
    secrets: [s.secret],
    // Passwords and OTPs sit under key names the generator renamed: the marker, and the ids around it.
    survives: /password|otp/.test(s.format)
      ? [FILTERED_MARK, ...['"model":"gpt-4o-mini-2024-07-18"', "'model': 'claude-3-5-sonnet-20241022'", 'client_id=gatewayz-prod'].filter((t) => s.text.includes(t))]
      : (SURVIVES[s.context] ?? []),
  }));
}

const FILLER = 'The upstream provider did not answer in time; the gateway tried the next one in the pool. ';

/** A body whose secret starts before character 500 and ends after it: the preview's cut falls inside it. */
function straddling(n: number, name: string, secret: string, make: (pad: string) => string, survives: string[]): Case {
  const at = make('').indexOf(secret);
  const pad = FILLER.repeat(10).slice(0, 500 - Math.floor(secret.length / 2) - at);
  const body = make(pad);
  const start = body.indexOf(secret);
  if (!(start < 500 && start + secret.length > 500)) throw new Error(`${name}: the secret does not straddle character 500`);
  return { name: `${name}, across the 500-character cut`, path: path(n), body, contentType: isJson(body) ? 'application/json' : 'text/plain', secrets: [secret], survives };
}

const sample = (format: string) => corpus.find((s) => s.format === format)!.secret;

function allCases(origin: string): Case[] {
  const cases = corpusCases();
  let n = cases.length;
  const openai = sample('openai-project-key');
  const cohere = sample('cohere-key');
  const pw = corpus.find((s) => s.format === 'password')!.secret;
  const groq = sample('groq-key');
  cases.push(
    straddling(++n, 'a known-prefix key in an error message', openai, (pad) => `{"error":{"message":"${pad}Incorrect API key provided: ${openai}.","code":"invalid_api_key"}}`, ['Incorrect API key provided: ']),
    straddling(++n, 'a key with no known prefix in plain text', cohere, (pad) => `${pad}upstream rejected ${cohere} after 3 attempts`, ['upstream rejected ']),
    straddling(++n, 'a password under its key name', pw, (pad) => `{"detail":"${pad}","password":"${pw}","model":"gpt-4o"}`, ['"password":"']),
    straddling(++n, 'a key in escaped JSON', groq, (pad) => `{"error":{"metadata":{"raw":"${JSON.stringify(`${pad}bad key ${groq}`).slice(1, -1)}"}}}`, ['bad key ']),
  );
  // Secrets in the request's own URL: the endpoint context, the tags and the message.
  const mistral = sample('mistral-key');
  const stripe = sample('stripe-restricted-key');
  const deepgram = sample('deepgram-key');
  const p1 = path(++n);
  const p2 = path(++n);
  const p3 = path(++n);
  cases.push(
    { name: 'a key in a path segment', path: `${p1}/keys/${groq}/usage`, body: '{"error":"not found"}', contentType: 'application/json', secrets: [groq], survives: ['{"error":"not found"}'], endpoint: `${origin}${p1}/keys/[Filtered]/usage` },
    { name: 'keys in query values', path: `${p2}?gateway=openrouter&key=${mistral}&session=${stripe}`, body: '{"error":"unauthorized"}', contentType: 'application/json', secrets: [mistral, stripe], survives: ['{"error":"unauthorized"}'], endpoint: `${origin}${p2}?gateway=openrouter&key=[Filtered]&session=[Filtered]` },
    { name: 'a random token as a path segment', path: `${p3}/share/${deepgram}`, body: '{"error":"gone"}', contentType: 'application/json', secrets: [deepgram], survives: ['{"error":"gone"}'], endpoint: `${origin}${p3}/share/[Filtered]` },
  );
  return cases;
}

const contextOf = (e: Event) => e.contexts?.backend_api as Record<string, unknown>;

test('a sample of the secret corpus sent through the worker: no secret, nor any 8-character piece of one, in any raw envelope; the rest of each error survives', async ({ page, api, sentry, openApp }) => {
  test.setTimeout(120_000);
  // The monitor's own client (no breadcrumbs of the app's): what reaches Sentry is what the monitor sent.
  await openApp({ isolated: true, monitor: { maxEventsPerMinute: 1000 } });
  const cases = allCases(api.origin);
  expect(cases.length).toBeGreaterThanOrEqual(30);
  for (const c of cases) {
    api.fault({ path: new URL(c.path, 'http://x').pathname.split('/').slice(0, 4).join('/'), status: 401, body: c.body, headers: { 'content-type': c.contentType } });
  }
  for (const c of cases) {
    const r = await page.evaluate((p) => window.harness.call(p), c.path);
    expect(r, c.name).toEqual({ status: 401, body: c.body });
  }
  // This many failures in a minute also raise a burst alert: its envelope is searched with the rest.
  const events = await sentry.waitForEvents(cases.length, (e) => e.tags?.failure_kind === 'http_error', 60_000);
  expect(events).toHaveLength(cases.length);
  const raw = sentry.raw.map((b) => b.toString('utf8'));
  const bytes = raw.reduce((n, r) => n + r.length, 0);
  const hits = cases.flatMap((c) => c.secrets.flatMap((s) => pieces(s).filter((p) => raw.some((r) => r.includes(p))).map((p) => `${c.name}: "${p}"`)));
  const searched = cases.reduce((n, c) => n + c.secrets.reduce((m, s) => m + pieces(s).length, 0), 0);
  test.info().annotations.push({ type: 'summary', description: `secrets: ${cases.length} shapes, ${raw.length} raw envelopes (${bytes} bytes) searched for ${searched} secret pieces: ${hits.length} hits` });
  expect(hits).toEqual([]);

  for (const c of cases) {
    const pathname = new URL(c.path, 'http://x').pathname;
    const event = events.find((e) => String(e.tags?.api_endpoint).split('/')[3] === pathname.split('/')[3]);
    expect(event, c.name).toBeDefined();
    const ctx = contextOf(event!);
    const preview = ctx.response_preview as string;
    expect(preview.length, c.name).toBeLessThanOrEqual(500);
    for (const s of c.survives) expect(preview, c.name).toContain(s);
    // A body that was JSON and fits the preview is still JSON.
    if (c.contentType === 'application/json' && c.body.length <= 300) expect(() => JSON.parse(preview), c.name).not.toThrow();
    if (c.endpoint) {
      expect(ctx.endpoint, c.name).toBe(c.endpoint);
      expect(event!.tags?.api_endpoint, c.name).not.toContain('Filtered');
    }
    expect(event!.message, c.name).toMatch(/^Backend API GET \/v1\/secrets\/c\d\d(\/[\w{}]+)* failed: 401 Unauthorized$/);
  }
});

test('a secret in the URL of a request that times out stays out of the timeout message, the endpoint and the tags', async ({ page, api, sentry, openApp }) => {
  await openApp({ isolated: true, monitor: { timeoutMs: 1000 } });
  const key = corpus.find((s) => s.format === 'xai-key')!.secret;
  const token = corpus.find((s) => s.format === 'azure-openai-key')!.secret;
  api.fault({ path: '/v1/slow', delayMs: 2500, status: 200, body: '{"data":[]}' });
  const result = await page.evaluate((p) => window.harness.call(p), `/v1/slow/${token}/models?gateway=huggingface&api_key=${key}`);
  expect(result).toEqual({ status: 200, body: '{"data":[]}' });
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'timeout');
  expect(event.message).toBe('Backend API timeout after 1000ms: /v1/slow/[Filtered]/models?gateway=huggingface&api_key=[Filtered]');
  expect(contextOf(event).endpoint).toBe(`${api.origin}/v1/slow/[Filtered]/models?gateway=huggingface&api_key=[Filtered]`);
  expect(event.tags).toMatchObject({ api_endpoint: '/v1/slow/{id}/models', gateway: 'huggingface' });
  const raw = Buffer.concat(sentry.raw).toString('utf8');
  expect([...pieces(key), ...pieces(token)].filter((p) => raw.includes(p))).toEqual([]);
  expect(backendEvents(sentry)).toHaveLength(1);
});
