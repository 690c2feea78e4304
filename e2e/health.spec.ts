/**
 * Beyond error reports: health aggregates checked against known injected
 * traffic, burst alerts once per episode, and a cut stream as one stream_error.
 */
import type { Event } from '@sentry/core';
import { expect, openWithoutWorker, test } from './fixtures.js';
import { bucketOf, bucketUpper, mergeBuckets, percentile, type HealthReport, type HealthSeries } from '../sw/health/aggregate.js';

/** Every window the page received so far, merged per series. */
function merged(windows: HealthReport[]): Map<string, HealthSeries> {
  const out = new Map<string, HealthSeries>();
  for (const w of windows) {
    for (const s of w.series) {
      const key = `${s.endpoint} ${s.gateway}`;
      const m = out.get(key) ?? { ...s, requests: 0, failures: {}, buckets: {} };
      m.requests += s.requests;
      for (const [k, n] of Object.entries(s.failures)) m.failures[k as keyof typeof m.failures] = (m.failures[k as keyof typeof m.failures] ?? 0) + (n ?? 0);
      mergeBuckets(m.buckets, s.buckets);
      out.set(key, m);
    }
  }
  return out;
}

test('health aggregates match the traffic injected, reach onHealth, and become Sentry metrics', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { healthIntervalMs: 1500 } });
  api.fault({ path: '/v1/models', status: 503, body: 'down', times: 4 });
  api.fault({ path: '/v1/slow', status: 200, body: '{}', delayMs: 200 });
  api.fault({ path: '/v1/users', status: 404, body: 'no' });
  // Known traffic: 4 × 503 then 6 × 200 on gateway b; 5 slow 200s on c; 2 × 404 on a.
  for (let i = 0; i < 10; i++) await page.evaluate(() => window.harness.call('/v1/models?gateway=b'));
  for (let i = 0; i < 5; i++) await page.evaluate(() => window.harness.call('/v1/slow?gateway=c'));
  for (const id of [123, 456]) await page.evaluate((p) => window.harness.call(p), `/v1/users/${id}?gateway=a`);

  await expect
    .poll(async () => {
      const m = merged((await page.evaluate(() => window.harness.health)) as HealthReport[]);
      return [...m.values()].reduce((n, s) => n + s.requests, 0);
    }, { timeout: 15_000 })
    .toBe(17);
  const m = merged((await page.evaluate(() => window.harness.health)) as HealthReport[]);
  expect(m.get('/v1/models b')).toMatchObject({ origin: api.origin, requests: 10, failures: { http_error: 4 } });
  expect(m.get('/v1/slow c')).toMatchObject({ requests: 5, failures: {} });
  expect(m.get('/v1/users/{id} a')).toMatchObject({ requests: 2, failures: { http_error: 2 } });
  // The slow endpoint's latency: every request took at least its 200 ms delay.
  const slow = m.get('/v1/slow c')!;
  expect(percentile(slow.buckets, 50)).toBeGreaterThanOrEqual(bucketUpper(bucketOf(200)));
  expect(Object.values(slow.buckets).reduce((a, b) => a + b, 0)).toBe(5);

  // The same figures as Sentry metrics, with endpoint and gateway attributes.
  const attr = (x: { attributes?: Record<string, { value: unknown }> }, k: string) => x.attributes?.[k]?.value;
  await expect
    .poll(() => sentry.metrics.filter((x) => x.name === 'backend_api.requests' && attr(x, 'gateway') === 'b').reduce((n, x) => n + x.value, 0), { timeout: 20_000 })
    .toBe(10);
  const failures = sentry.metrics.filter((x) => x.name === 'backend_api.failures' && attr(x, 'endpoint') === '/v1/models');
  expect(failures.reduce((n, x) => n + x.value, 0)).toBe(4);
  expect(attr(failures[0]!, 'failure_kind')).toBe('http_error');
  expect(sentry.metrics.some((x) => x.name === 'backend_api.duration' && attr(x, 'gateway') === 'c' && x.value >= 200)).toBe(true);
  expect(sentry.metrics.some((x) => x.name === 'backend_api.duration.p95' && attr(x, 'endpoint') === '/v1/slow')).toBe(true);
});

test('a burst of failures on one gateway is one burst event per scope, not one per failure', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { burstPerMinute: 5 } });
  api.fault({ path: '/v1/burst', status: 502, body: 'bad' });
  for (let i = 0; i < 12; i++) await page.evaluate(() => window.harness.call('/v1/burst?gateway=x'));
  const bursts = await sentry.waitForEvents(2, (e) => e.tags?.failure_kind === 'burst');
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1500);
  const all = sentry.events.map((r) => r.event).filter((e) => e.tags?.failure_kind === 'burst');
  expect(all).toHaveLength(2);
  const byScope = Object.fromEntries(bursts.map((e) => [(e.contexts?.backend_api as Record<string, unknown>).burst_scope, e])) as Record<string, Event>;
  expect(byScope.gateway?.message).toBe('Backend API burst: 6 failures in a minute on gateway x');
  expect(byScope.gateway?.level).toBe('error');
  expect(byScope.gateway?.fingerprint).toEqual(['backend_api', 'burst', 'gateway', 'x', 'rate']);
  expect(byScope.gateway?.contexts?.backend_api).toMatchObject({ burst_key: 'x', burst_reason: 'rate', burst_count: 6 });
  expect(byScope.endpoint?.message).toBe('Backend API burst: 6 failures in a minute on /v1/burst');
});

test('5xx persisting past sustained5xxMs is one alert per episode; a success ends the episode', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { sustained5xxMs: 1000, burstPerMinute: 1000 } });
  api.fault({ path: '/v1/sustained', status: 503, body: 'down', times: 3 });
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => window.harness.call('/v1/sustained?gateway=y'));
    await page.waitForTimeout(600);
  }
  const first = await sentry.waitForEvent((e) => (e.contexts?.backend_api as Record<string, unknown>)?.burst_reason === 'sustained_5xx' && e.tags?.gateway === 'y');
  expect(first.message).toMatch(/^Backend API 5xx sustained for 1s on gateway y$/);
  // A success ends it; the next episode alerts again.
  expect(await page.evaluate(() => window.harness.call('/v1/sustained?gateway=y'))).toMatchObject({ status: 200 });
  api.fault({ path: '/v1/sustained', status: 500, body: 'down again', times: 3 });
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => window.harness.call('/v1/sustained?gateway=y'));
    await page.waitForTimeout(600);
  }
  await expect.poll(() => sentry.events.filter((r) => (r.event.contexts?.backend_api as Record<string, unknown>)?.burst_reason === 'sustained_5xx' && r.event.tags?.gateway === 'y').length, { timeout: 10_000 }).toBe(2);
});

test('an SSE stream cut mid-way is one stream_error; the page sees the same stream as without the worker', async ({ page, browser, servers, api, sentry, openApp }) => {
  await openApp();
  const withWorker = await page.evaluate(() => window.harness.readStream('/v1/stream?events=10&gapMs=30&cut=3&gateway=chat'));
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'stream_error');
  expect(event.message).toMatch(/^Backend API GET \/v1\/stream stream interrupted after \d+ms$/);
  expect(event.level).toBe('error');
  expect(event.tags).toMatchObject({ http_status: '200', api_endpoint: '/v1/stream', gateway: 'chat' });
  const ctx = event.contexts?.backend_api as Record<string, unknown>;
  expect(ctx).toMatchObject({ stream_events: 3, stream_bytes: (withWorker as { bytes: number }).bytes, status_code: 200 });
  expect(ctx.duration_ms as number).toBeGreaterThanOrEqual(60);
  expect(event.fingerprint).toEqual(['backend_api', 'GET', '/v1/stream', '200']);

  const barePage = await openWithoutWorker(browser, servers);
  const without = await barePage.evaluate(() => window.harness.readStream('/v1/stream?events=10&gapMs=30&cut=3&gateway=chat'));
  await barePage.context().close();
  expect(withWorker).toEqual(without);
  expect(withWorker).toMatchObject({ status: 200, type: 'text/event-stream', events: 3, error: 'TypeError' });

  // A stream that ends properly is no failure.
  expect(await page.evaluate(() => window.harness.readStream('/v1/stream?events=4&gapMs=10'))).toMatchObject({ events: 4 });
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1000);
  expect(sentry.events.filter((r) => r.event.tags?.failure_kind === 'stream_error')).toHaveLength(1);
  void api;
});
