/**
 * Timeouts that fit the API (issue 15): each endpoint waits its own timeout
 * (`timeouts`, on top of `timeoutMs` and the built-in ones); past it the call
 * is reported at once as `timeout`; an answer that comes later adds its status
 * and time to that report (while the report is still in the worker), never a
 * report of its own; health counts late answers beside timeouts.
 *
 * Each case has a path of its own (its own Sentry issue). `batchMs` is set
 * long where a late answer must reach the report before it leaves, and left
 * short where the report must leave first, so neither depends on a race.
 */
import type { Event } from '@sentry/core';
import { expectBackendEvent } from './expectEvent.js';
import { backendEvents, expect, test } from './fixtures.js';
import type { HealthReport } from '../sw/health/aggregate.js';

const ctxOf = (e: Event) => e.contexts?.backend_api as Record<string, unknown>;

/** Calls `path` from the page without waiting for it (a hung call never returns); resolves with the result and how long the page waited. */
async function timedCall(page: import('@playwright/test').Page, path: string, init?: RequestInit): Promise<{ result: unknown; ms: number }> {
  return page.evaluate(
    async ([p, i]) => {
      const t0 = performance.now();
      const result = await window.harness.call(p, i);
      return { result, ms: performance.now() - t0 };
    },
    [path, init] as const,
  );
}

test('each endpoint waits its own timeout: a timeouts pattern beats timeoutMs where it matches, and chat completions get the built-in minutes', async ({ page, api, sentry, openApp }) => {
  // The report stays in the worker 4 s (batchMs), so the late answer at 2.5 s is on it, whatever the machine's pace.
  await openApp({ monitor: { timeoutMs: 1500, timeouts: { '/v1/generate/*': 4000 }, batchMs: 4000 } });
  api.fault({ path: '/v1/listing', delayMs: 2500, status: 200, body: '{"data":[]}' });
  api.fault({ path: '/v1/generate/images', delayMs: 2500, status: 200, body: '{"images":[]}' });
  api.fault({ path: '/v1/generate/video', action: 'hang' });
  api.fault({ path: '/v1/chat/completions', method: 'POST', delayMs: 2500, status: 200, body: '{"choices":[]}' });

  // Never answered: left pending (its promise ends with the test).
  void page.evaluate(() => window.harness.call('/v1/generate/video?gateway=c')).catch(() => {});
  const [listing, images, chat] = await Promise.all([
    timedCall(page, '/v1/listing?gateway=a'),
    timedCall(page, '/v1/generate/images?gateway=b'),
    timedCall(page, '/v1/chat/completions?gateway=d', { method: 'POST', body: '{"model":"x"}' }),
  ]);
  // Observe only: every answer reaches the page as the API sent it.
  expect(listing.result).toEqual({ status: 200, body: '{"data":[]}' });
  expect(images.result).toEqual({ status: 200, body: '{"images":[]}' });
  expect(chat.result).toEqual({ status: 200, body: '{"choices":[]}' });

  // /v1/listing: no pattern matches, so timeoutMs (1500).
  const a = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/listing');
  expectBackendEvent(a, {
    message: 'Backend API timeout after 1500ms: /v1/listing?gateway=a',
    level: 'error',
    endpoint: '/v1/listing',
    status: '408',
    method: 'GET',
    gateway: 'a',
    kind: 'timeout',
    url: `${api.origin}/v1/listing?gateway=a`,
    statusCode: 408,
    context: { timeout_ms: 1500, late_status: 200, online: true },
  });
  expect(ctxOf(a).late_after_ms as number).toBeGreaterThanOrEqual(2500);
  expect(ctxOf(a).late_after_ms as number).toBeLessThanOrEqual(listing.ms);

  // /v1/generate/video: '/v1/generate/*' (4000), never answered.
  const c = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/generate/video');
  expectBackendEvent(c, {
    message: 'Backend API timeout after 4000ms: /v1/generate/video?gateway=c',
    level: 'error',
    endpoint: '/v1/generate/video',
    status: '408',
    method: 'GET',
    gateway: 'c',
    kind: 'timeout',
    url: `${api.origin}/v1/generate/video?gateway=c`,
    statusCode: 408,
    context: { timeout_ms: 4000 },
  });
  expect(ctxOf(c)).not.toHaveProperty('late_status');
  expect(ctxOf(c)).not.toHaveProperty('late_after_ms');
  expect(ctxOf(c).duration_ms as number).toBeGreaterThanOrEqual(4000);

  // The images call (2.5 s, within its 4 s) and the chat completion (2.5 s, within the built-in 120 s) are no failures.
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry).map((e) => e.tags?.api_endpoint).sort()).toEqual(['/v1/generate/video', '/v1/listing']);
});

for (const [status, body, path] of [
  [200, '{"data":["late"]}', '/v1/late-ok'],
  [500, '{"error":"upstream failed late"}', '/v1/late-error'],
] as const) {
  test(`a late ${status} is one timeout event that carries late_status ${status} and late_after_ms, never a report of its own`, async ({ page, api, sentry, openApp }) => {
    await openApp({ monitor: { timeoutMs: 1500, batchMs: 4000 } });
    api.fault({ path, delayMs: 1800, status, body });
    const call = await timedCall(page, `${path}?gateway=late`);
    // The page gets the late answer untouched, the 500 included.
    expect(call.result).toEqual({ status, body });
    const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === path);
    expectBackendEvent(event, {
      message: `Backend API timeout after 1500ms: ${path}?gateway=late`,
      level: 'error',
      endpoint: path,
      status: '408',
      method: 'GET',
      gateway: 'late',
      kind: 'timeout',
      url: `${api.origin}${path}?gateway=late`,
      statusCode: 408,
      context: { timeout_ms: 1500, late_status: status, online: true },
    });
    const ctx = ctxOf(event);
    // Answered at 1.8 s or later (the API's delay), and before the page had the whole answer.
    expect(ctx.late_after_ms as number).toBeGreaterThanOrEqual(1800);
    expect(ctx.late_after_ms as number).toBeLessThanOrEqual(call.ms);
    // The timeout stands for the call; the late answer, even a 500, is no second event (no http_error, no response_preview).
    expect(ctx).not.toHaveProperty('response_preview');
    await page.evaluate(() => window.harness.flush());
    await page.waitForTimeout(1000);
    expect(backendEvents(sentry)).toHaveLength(1);
    const stats = await page.evaluate(() => window.harness.stats());
    expect(stats).toMatchObject({ failures: 1, reported: 1, internalErrors: 0 });
  });
}

test('no answer at all: a timeout event without late_status', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { timeoutMs: 1500, batchMs: 4000 } });
  api.fault({ path: '/v1/never', action: 'hang' });
  void page.evaluate(() => window.harness.call('/v1/never?gateway=silent', { method: 'POST', body: '{}' })).catch(() => {});
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/never');
  expectBackendEvent(event, {
    message: 'Backend API timeout after 1500ms: /v1/never?gateway=silent',
    level: 'error',
    endpoint: '/v1/never',
    status: '408',
    method: 'POST',
    gateway: 'silent',
    kind: 'timeout',
    url: `${api.origin}/v1/never?gateway=silent`,
    statusCode: 408,
    context: { timeout_ms: 1500, online: true },
  });
  expect(ctxOf(event)).not.toHaveProperty('late_status');
  expect(ctxOf(event)).not.toHaveProperty('late_after_ms');
  // The request is still open at the API: the worker's timer never cuts it.
  expect(api.requests).toContain('POST /v1/never?gateway=silent');
  expect(api.closedEarly).not.toContain('POST /v1/never?gateway=silent');
});

test('an answer after the report left the worker changes nothing: the event as sent, once', async ({ page, api, sentry, openApp }) => {
  // Default batchMs (1 s): the report leaves at about 2.5 s, the answer comes at 5 s.
  await openApp({ monitor: { timeoutMs: 1500 } });
  api.fault({ path: '/v1/very-late', delayMs: 5000, status: 502, body: 'bad gateway' });
  const pending = timedCall(page, '/v1/very-late');
  const event = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/very-late');
  expect(ctxOf(event)).not.toHaveProperty('late_status');
  expect((await pending).result).toEqual({ status: 502, body: 'bad gateway' });
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(1);
  expect(backendEvents(sentry)[0]!.event_id).toBe(event.event_id);
});

test('health counts late answers as a series of their own beside timeouts, and as the backend_api.late metric', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { timeoutMs: 1500, healthIntervalMs: 1000 } });
  api.fault({ path: '/v1/health-late', delayMs: 2000, status: 200, body: '{}' });
  api.fault({ path: '/v1/health-hang', action: 'hang' });
  void page.evaluate(() => window.harness.call('/v1/health-hang?gateway=h')).catch(() => {});
  for (let i = 0; i < 2; i++) expect((await timedCall(page, '/v1/health-late?gateway=h')).result).toEqual({ status: 200, body: '{}' });

  /** Timeouts and late answers per endpoint, over every window the page received. */
  const counts = async () => {
    const windows = (await page.evaluate(() => window.harness.health)) as HealthReport[];
    const out: Record<string, { requests: number; timeouts: number; late: number }> = {};
    for (const s of windows.flatMap((w) => w.series)) {
      const c = (out[s.endpoint] ??= { requests: 0, timeouts: 0, late: 0 });
      c.requests += s.requests;
      c.timeouts += s.failures.timeout ?? 0;
      c.late += s.late ?? 0;
    }
    return out;
  };
  await expect.poll(counts, { timeout: 15_000 }).toEqual({
    '/v1/health-late': { requests: 2, timeouts: 2, late: 2 },
    '/v1/health-hang': { requests: 1, timeouts: 1, late: 0 },
  });

  // The same as Sentry metrics: backend_api.late beside backend_api.failures{failure_kind: timeout}.
  const attr = (x: { attributes?: Record<string, { value: unknown }> }, k: string) => x.attributes?.[k]?.value;
  const sum = (name: string, endpoint: string, kind?: string) =>
    sentry.metrics.filter((x) => x.name === name && attr(x, 'endpoint') === endpoint && (kind === undefined || attr(x, 'failure_kind') === kind)).reduce((n, x) => n + x.value, 0);
  await expect.poll(() => sum('backend_api.late', '/v1/health-late'), { timeout: 20_000 }).toBe(2);
  await expect.poll(() => sum('backend_api.failures', '/v1/health-hang', 'timeout'), { timeout: 20_000 }).toBe(1);
  expect(sum('backend_api.failures', '/v1/health-late', 'timeout')).toBe(2);
  expect(sum('backend_api.late', '/v1/health-hang')).toBe(0);
});

test('an invalid timeouts option is a console error naming it, the value and the fix; the site works unobserved', async ({ page, api, sentry, openApp }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await openApp({ monitor: { timeouts: { '/v1/chat/completions': 120000, 'v1/images': 5 } } }).catch(() => {});
  expect(errors).toContainEqual(
    expect.stringContaining('option "timeouts" has "v1/images:5"; write endpoint:milliseconds pairs (1 to 600000), like "/v1/chat/completions:120000,/v1/images/*:180000"'),
  );
  api.fault({ path: '/v1/bad-option', status: 500, body: 'x' });
  expect(await page.evaluate(() => window.harness.call('/v1/bad-option'))).toEqual({ status: 500, body: 'x' });
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(0);
});
