/**
 * The `rules` option and trace linking, end to end in Chromium: the real
 * worker, the gateway simulator and the Sentry recorder on loopback.
 *
 * Rules go in as a user of each zero-code path writes them: a `data-rules`
 * attribute on the script tag, and the Vite plugin's option (the tag its
 * `transformIndexHtml` renders). Each action is checked on each path.
 * Traces: an app whose Sentry tracing puts `sentry-trace` and `baggage` on its
 * API calls, and an app that sets `traceparent` itself.
 */
import type { Page } from '@playwright/test';
import type { Event } from '@sentry/core';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, openApp, test } from './fixtures.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const dist = (name: string) => readFile(here(`../dist/${name}`), 'utf8');
const HTML = 'text/html; charset=utf-8';

/** The hand-written tracker's two planned tunings, and a fingerprint of one's own. */
const RULES = [
  { match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' as const },
  { match: { gateway: 'flaky-gw', status: 504 }, level: 'info' as const },
  { match: { endpoint: '/v1/images/*', status: '500-599' }, fingerprint: ['images-upstream'] },
];

const call = (page: Page, url: string, init?: RequestInit) =>
  page.evaluate(
    async ([u, i]) => {
      try {
        const res = await fetch(u as string, i as RequestInit | undefined);
        return { status: res.status };
      } catch (err) {
        return { error: String(err) };
      }
    },
    [url, init ?? null] as const,
  );

const attr = (value: string) => `'${value.replace(/&/g, '&amp;').replace(/'/g, '&#39;')}'`;

for (const path of ['script tag', 'Vite plugin'] as const) {
  test(`rules on the ${path}: ignore makes no event but counts in health; level and fingerprint change the event and fold apart`, async ({ page, api, sentry, site }) => {
    test.setTimeout(60_000);
    site.override('/gatewayz-register.js', await dist('gatewayz-register.js'));
    site.override('/gatewayz-sentry.js', await dist('gatewayz-sentry.js'));
    // The script tag reads data-rules with the file beside it that has the rules reader.
    site.override('/gatewayz-options.js', await dist('gatewayz-options.js'));
    let tag: string;
    if (path === 'script tag') {
      tag = `<script src="/gatewayz-register.js" data-origins="${api.origin}" data-dsn="${sentry.dsn}" data-batch-ms="200" data-health-interval-ms="1000" data-rules=${attr(JSON.stringify(RULES))} defer></script>`;
    } else {
      const { default: gatewayzMonitor } = (await import('../dist/vite.js' as string)) as typeof import('../src/vite.js');
      const plugin = gatewayzMonitor({ origins: [api.origin], dsn: sentry.dsn, batchMs: 200, healthIntervalMs: 1000, rules: RULES });
      (plugin.configResolved as unknown as (c: { base: string }) => void)({ base: '/' });
      const [rendered] = (plugin.transformIndexHtml as unknown as () => Array<{ attrs: Record<string, string | boolean> }>)();
      expect(JSON.parse(rendered!.attrs['data-rules'] as string)).toEqual(RULES);
      tag = `<script ${Object.entries(rendered!.attrs)
        .map(([k, v]) => (v === true ? k : `${k}=${attr(String(v))}`))
        .join(' ')}></script>`;
    }
    site.override('/rules.html', `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${tag}</head><body>rules</body></html>`, HTML);
    await page.goto(`${site.origin}/rules.html`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null && 'gatewayzMonitor' in window, null, { timeout: 20_000 });
    const info = await page.evaluate(() => (window as unknown as { gatewayzMonitor: { info: Promise<{ config?: { rules: unknown } }> } }).gatewayzMonitor.info);
    expect(info.config?.rules).toEqual([
      { match: { endpoint: '/v1/legacy/*', status: [[404, 404]] }, action: 'ignore' },
      { match: { gateway: ['flaky-gw'], status: [[504, 504]] }, level: 'info' },
      { match: { endpoint: '/v1/images/*', status: [[500, 599]] }, fingerprint: ['images-upstream'] },
    ]);

    api.fault({ path: '/v1/legacy/models', status: 404, body: '{"error":"gone"}' });
    api.fault({ path: '/v1/legacy/other', status: 500, body: '{"error":"down"}' });
    api.fault({ path: '/v1/chat/completions', status: 504, body: 'gateway timeout' });
    api.fault({ path: '/v1/images/generations', status: 502, body: 'bad gateway' });
    const g = path === 'script tag' ? 'tag' : 'vite';
    expect(await call(page, `${api.origin}/v1/legacy/models?gateway=${g}-ignored`)).toEqual({ status: 404 });
    expect(await call(page, `${api.origin}/v1/legacy/other?gateway=${g}-kept`)).toEqual({ status: 500 });
    expect(await call(page, `${api.origin}/v1/chat/completions?gateway=flaky-gw`)).toEqual({ status: 504 });
    expect(await call(page, `${api.origin}/v1/chat/completions?gateway=other-gw`)).toEqual({ status: 504 });
    expect(await call(page, `${api.origin}/v1/chat/completions?gateway=flaky-gw`)).toEqual({ status: 504 });
    expect(await call(page, `${api.origin}/v1/images/generations?gateway=${g}-img`)).toEqual({ status: 502 });

    const events = await sentry.waitForEvents(4, (e) => e.tags?.error_category === 'backend_api', 20_000);
    const by = (gateway: string) => events.filter((e) => e.tags?.gateway === gateway);
    // ignore: no event.
    expect(by(`${g}-ignored`)).toEqual([]);
    // Left alone: as without rules.
    const [kept] = by(`${g}-kept`);
    expect(kept!.level).toBe('error');
    expect(kept!.fingerprint).toEqual(['backend_api', 'GET', '/v1/legacy/other', '500']);
    expect((kept!.contexts?.backend_api as Record<string, unknown>).rule).toBeUndefined();
    // level: info, folded apart from the other gateway's 504s on the same endpoint (which stay an error event).
    const flaky = by('flaky-gw');
    const other = by('other-gw');
    expect(flaky).toHaveLength(1);
    expect(other).toHaveLength(1);
    expect(flaky[0]!.level).toBe('info');
    expect(flaky[0]!.fingerprint).toEqual(['backend_api', 'GET', '/v1/chat/completions', '504', 'level:info']);
    expect((flaky[0]!.contexts?.backend_api as Record<string, unknown>).rule).toBe(2);
    expect(other[0]!.level).toBe('error');
    expect(other[0]!.fingerprint).toEqual(['backend_api', 'GET', '/v1/chat/completions', '504']);
    // fingerprint: the parts after the usual ones.
    const [img] = by(`${g}-img`);
    expect(img!.fingerprint).toEqual(['backend_api', 'GET', '/v1/images/generations', '502', 'images-upstream']);
    expect((img!.contexts?.backend_api as Record<string, unknown>).rule).toBe(3);

    // The ignored failure still counts in health: a failure of its endpoint and gateway among the metrics.
    await expect
      .poll(
        () =>
          sentry.metrics
            .filter((m) => m.name === 'backend_api.failures' && m.attributes?.gateway?.value === `${g}-ignored` && m.attributes?.endpoint?.value === '/v1/legacy/models')
            .reduce((n, m) => n + m.value, 0),
        { timeout: 20_000 },
      )
      .toBe(1);
    const stats = await page.evaluate(() => (window as unknown as { gatewayzMonitor: { stats(): Promise<{ ignored?: number; failures: number }> } }).gatewayzMonitor.stats());
    expect(stats.ignored).toBe(1);
    expect(stats.failures).toBe(6);
  });
}

/** The backend failure event for a gateway. */
const eventFor = (sentry: { waitForEvent(p: (e: Event) => boolean, t?: number): Promise<Event> }, gateway: string) =>
  sentry.waitForEvent((e) => e.tags?.gateway === gateway && e.tags?.error_category === 'backend_api', 20_000);

test("a failure on the app's traced API call is on that trace: the trace id the API saw, the request's span as parent", async ({ page, api, sentry, site }) => {
  await openApp(page, { api, sentry, site }, { tracing: true });
  api.fault({ path: '/v1/models', status: 503, body: 'down' });
  expect(await page.evaluate(() => window.harness.call('/v1/models?gateway=traced'))).toMatchObject({ status: 503 });
  const seen = api.traceHeaders[api.requests.findIndex((r) => r.includes('gateway=traced'))]!;
  const m = /^([0-9a-f]{32})-([0-9a-f]{16})(?:-[01])?$/.exec(seen['sentry-trace'] ?? '');
  expect(m, `the API saw sentry-trace: ${JSON.stringify(seen)}`).not.toBeNull();
  const [, traceId, spanId] = m!;
  expect(seen.baggage).toContain(`sentry-trace_id=${traceId}`);
  const event = await eventFor(sentry, 'traced');
  expect(event.contexts?.trace).toMatchObject({ trace_id: traceId, parent_span_id: spanId });
  expect((event.contexts?.trace as { span_id: string }).span_id).toMatch(/^[0-9a-f]{16}$/);
  expect((event.contexts?.trace as { span_id: string }).span_id).not.toBe(spanId);
  // The envelope's own trace header (Sentry's dynamic sampling context) is that trace's too.
  const envelope = sentry.envelopes.find((e) => (e[1] as Array<[{ type: string }, Event]>).some(([h, p]) => h.type === 'event' && p.event_id === event.event_id));
  expect((envelope?.[0] as { trace?: { trace_id?: string } }).trace?.trace_id).toBe(traceId);
});

test('a hand-set traceparent puts the failure on that trace; without a trace header the event has the page\'s trace', async ({ page, api, sentry, site }) => {
  await openApp(page, { api, sentry, site });
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';
  api.fault({ path: '/v1/models', status: 502, body: 'bad gateway' });
  expect(await page.evaluate(([t, s]) => window.harness.call('/v1/models?gateway=w3c', { headers: { traceparent: `00-${t}-${s}-01` } }), [traceId, spanId])).toMatchObject({ status: 502 });
  expect(api.traceHeaders[api.requests.findIndex((r) => r.includes('gateway=w3c'))]).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
  const linked = await eventFor(sentry, 'w3c');
  expect(linked.contexts?.trace).toMatchObject({ trace_id: traceId, parent_span_id: spanId });

  // (Another endpoint: the same one would be folded into the first event.)
  api.fault({ path: '/v1/other', status: 502, body: 'bad gateway' });
  expect(await page.evaluate(() => window.harness.call('/v1/other?gateway=untraced'))).toMatchObject({ status: 502 });
  const plain = await eventFor(sentry, 'untraced');
  expect((plain.contexts?.trace as { trace_id?: string }).trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect((plain.contexts?.trace as { trace_id?: string }).trace_id).not.toBe(traceId);
  expect((plain.contexts?.trace as { parent_span_id?: string }).parent_span_id).not.toBe(spanId);
});
