/**
 * Secrets never leave, bad input never breaks the app.
 */
import { backendEvents, expect, openWithoutWorker, test } from './fixtures.js';
import { BODY_KINDS } from './servers/fuzzResponse.js';
import { makeReport } from '../test/fixtures/report.js';


/** A distinct fake secret per shape. */
const S = (n: number) => `S3cr3t${String(n).padStart(2, '0')}Zq9Xw7Vb`;
const jwt = (n: number) => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.${S(n)}Sig`;

interface Shape {
  path: string;
  body?: string;
  init?: RequestInit;
  headers?: Record<string, string>;
  secrets: string[];
}

const SHAPES: Shape[] = [
  { path: `/v1/q1?api_key=${S(1)}`, secrets: [S(1)] },
  { path: `/v1/q2?apikey=${S(2)}&gateway=x`, secrets: [S(2)] },
  { path: `/v1/q3?key=${S(3)}`, secrets: [S(3)] },
  { path: `/v1/q4?token=${S(4)}`, secrets: [S(4)] },
  { path: `/v1/q5?access_token=${S(5)}`, secrets: [S(5)] },
  { path: `/v1/q6?refresh_token=${S(6)}`, secrets: [S(6)] },
  { path: `/v1/q7?password=${S(7)}&user=bob`, secrets: [S(7)] },
  { path: `/v1/q8?X-Amz-Signature=${S(8)}&X-Amz-Credential=${S(8)}b`, secrets: [S(8)] },
  { path: `/v1/q9?X-Goog-Signature=${S(9)}`, secrets: [S(9)] },
  { path: `/v1/q10?sig=${S(10)}`, secrets: [S(10)] },
  // A parameter only the user's own scrub list names.
  { path: `/v1/q11?tenant_code=${S(11)}`, secrets: [S(11)] },
  { path: `/v1/keys/sk-proj-${S(12)}abcdef/usage`, secrets: [S(12)] },
  { path: `/v1/users/${S(13).toLowerCase()}@example.com/profile`, secrets: [S(13).toLowerCase()] },
  { path: `/v1/sessions/${jwt(14)}`, secrets: [S(14)] },
  { path: '/v1/b15', body: JSON.stringify({ error: `Invalid API key sk-live-${S(15)}` }), secrets: [S(15)] },
  { path: '/v1/b16', body: JSON.stringify({ error: 'expired', token: S(16) }), secrets: [S(16)] },
  { path: '/v1/b17', body: `Authorization: Bearer ${S(17)} was rejected`, headers: { 'content-type': 'text/plain' }, secrets: [S(17)] },
  { path: '/v1/b18', body: JSON.stringify({ error: 'no such user', email: `${S(18).toLowerCase()}@corp.example.org` }), secrets: [S(18).toLowerCase()] },
  { path: '/v1/b19', body: 'card 4242 4242 4242 4242 was declined', headers: { 'content-type': 'text/plain' }, secrets: ['4242 4242 4242 4242', '4242424242424242'] },
  // Request headers are never read; response headers only from an allowlist.
  {
    path: '/v1/h20',
    init: { headers: { authorization: `Bearer ${S(20)}`, 'x-api-key': `${S(20)}b` } },
    headers: { 'x-debug-token': `${S(20)}c`, 'set-cookie': `session=${S(20)}d` },
    secrets: [S(20)],
  },
];

test('20 request shapes seeded with secrets: none of the secrets is anywhere in what Sentry received', async ({ page, api, sentry, openApp }) => {
  // The monitor's own client (no breadcrumbs of the app's): what reaches Sentry is what the monitor sent.
  await openApp({ isolated: true, monitor: { scrubParams: ['tenant_code'], maxEventsPerMinute: 100, dedupeWindowMs: 0 } });
  for (const s of SHAPES) {
    api.fault({ path: new URL(s.path, 'http://x').pathname, status: 401, body: s.body ?? '{"error":"Unauthorized"}', headers: { ...s.headers, 'access-control-expose-headers': 'x-debug-token, x-request-id' } });
  }
  for (const s of SHAPES) {
    const r = await page.evaluate(([p, init]) => window.harness.call(p, init), [s.path, s.init ?? {}] as const);
    expect(r).toMatchObject({ status: 401 });
  }
  const events = await sentry.waitForEvents(SHAPES.length, (e) => e.tags?.error_category === 'backend_api', 30_000);
  expect(events).toHaveLength(SHAPES.length);
  const everything = Buffer.concat(sentry.raw).toString('latin1');
  const leaked = SHAPES.flatMap((s) => s.secrets.filter((secret) => everything.includes(secret)).map((secret) => `${secret} (from ${s.path})`));
  expect(leaked).toEqual([]);
  // What was scrubbed says so, and the names stay.
  const q1 = events.find((e) => e.tags?.api_endpoint === '/v1/q1')!;
  expect((q1.contexts?.backend_api as Record<string, unknown>).endpoint).toBe(`${api.origin}/v1/q1?api_key=[Filtered]`);
  const b16 = events.find((e) => e.tags?.api_endpoint === '/v1/b16')!;
  expect((b16.contexts?.backend_api as Record<string, unknown>).response_preview).toBe('{"error":"expired","token":"[Filtered]"}');
});

test("fault fuzz: with the worker the page receives exactly what it receives without it, and the worker throws nothing", async ({ page, browser, context, servers, api, openApp }) => {
  test.setTimeout(240_000);
  const swErrors: string[] = [];
  context.on('serviceworker', (w) => w.on('console', (m) => m.type() === 'error' && swErrors.push(m.text())));
  await openApp({ monitor: { maxEventsPerMinute: 10 } });
  for (const w of context.serviceWorkers()) w.on('console', (m) => m.type() === 'error' && swErrors.push(m.text()));

  const barePage = await openWithoutWorker(browser, servers);

  // Every body kind a few times, then seeded random cases.
  const cases = [
    ...BODY_KINDS.flatMap((kind, k) => [0, 1, 2].map((i) => `${api.origin}/v1/fuzz?seed=${1000 + k * 10 + i}&kind=${kind}`)),
    ...Array.from({ length: 36 }, (_, i) => `${api.origin}/v1/fuzz?seed=${i + 1}`),
  ];
  const MAX = 256 * 1024;
  let ran = 0;
  for (const url of cases) {
    const through = page.waitForResponse((r) => r.url() === url);
    const withWorker = await page.evaluate(([u, m]) => window.harness.readHash(u, m), [url, MAX] as const);
    expect((await through).fromServiceWorker(), url).toBe(true);
    const withoutWorker = await barePage.evaluate(([u, m]) => window.harness.readHash(u, m), [url, MAX] as const);
    expect(withWorker, url).toEqual(withoutWorker);
    ran++;
  }
  await barePage.context().close();
  const stats = await page.evaluate(() => window.harness.stats());
  expect(stats?.internalErrors).toBe(0);
  expect(swErrors).toEqual([]);
  test.info().annotations.push({ type: 'summary', description: `fault fuzz: ${ran} cases, page bytes identical with and without the worker, 0 worker errors` });
});

test('forged messages posted at the worker and at the page change nothing', async ({ page, api, sentry, openApp }) => {
  await openApp();
  api.fault({ path: '/v1/models', status: 500, body: 'real' });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=real'));
  await sentry.waitForEvent((e) => e.tags?.gateway === 'real');
  // Settled: the page has acknowledged it, so only forged messages could change the counters now.
  await expect.poll(async () => (await page.evaluate(() => window.harness.stats()))?.delivered).toBe(1);
  const before = await page.evaluate(() => window.harness.stats());

  const fake = makeReport({ eventId: 'f'.repeat(32), url: 'https://evil.example/x', endpoint: '/forged', gateway: 'forged', status: 500, statusText: 'x', durationMs: 1, at: 1 });
  await page.evaluate(async (report) => {
    const sw = navigator.serviceWorker.controller!;
    const forged = [
      'hello',
      null,
      { source: 'gatewayz-sw-monitor', v: 1, type: 'reports', payload: { reports: [report] } },
      { source: 'gatewayz-sw-monitor', v: 1, type: 'ack', payload: { eventIds: ['x'.repeat(32)] } },
      { source: 'gatewayz-sw-monitor', v: 99, type: 'flush', payload: {} },
      { source: 'gatewayz-sw-monitor', v: 1, type: 'ack', payload: { eventIds: 'all' } },
      { source: 'other-lib', v: 1, type: 'stats', payload: {} },
    ];
    for (const f of forged) sw.postMessage(f);
    // At the page: a message event that did not come from its worker, with a port to ack on.
    const channel = new MessageChannel();
    navigator.serviceWorker.dispatchEvent(
      new MessageEvent('message', { data: { source: 'gatewayz-sw-monitor', v: 1, type: 'reports', payload: { reports: [report] } }, origin: location.origin, ports: [channel.port2] }),
    );
    window.postMessage({ source: 'gatewayz-sw-monitor', v: 1, type: 'reports', payload: { reports: [report] } }, '*');
    await new Promise((r) => setTimeout(r, 1500));
  }, fake);
  expect(backendEvents(sentry).map((e) => e.tags?.gateway)).toEqual(['real']);
  const after = await page.evaluate(() => window.harness.stats());
  expect(after).toEqual(before);
  expect(after?.pending).toBe(0);
  expect(after?.internalErrors).toBe(0);
});
