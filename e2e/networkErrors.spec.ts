/**
 * The app's own network errors name their request: an app whose `fetch` to
 * its API rejects and goes unhandled, so its Sentry (global handlers) records
 * `TypeError: Failed to fetch` with no URL. With the integration installed,
 * that event carries the request the worker saw fail, and the two events (the
 * app's, the monitor's) name each other. Real Chromium, the real worker, a
 * real @sentry/browser client and loopback servers.
 */
import type { Event } from '@sentry/core';
import { backendEvents, expect, freePort, test } from './fixtures.js';

/** The app's own error event of a fetch rejection (not the monitor's BackendApiError). */
const isAppError = (type: string) => (e: Event) => e.exception?.values?.some((v) => v.type === type) === true && e.tags?.error_category !== 'backend_api';

interface BackendRequest {
  method: string;
  url: string;
  endpoint: string;
  failure_kind: string;
  monitor_event_id?: string;
  failed_at: string;
}

test.beforeEach(({ page }) => {
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && console.log(`page ${m.type()}: ${m.text()}`));
});

test('the API down: the app\'s unhandled TypeError names the request, and the two events name each other', async ({ page, sentry, openApp }) => {
  // A loopback port nothing listens on: the API is unreachable (connection refused).
  const api = `http://127.0.0.1:${await freePort()}`;
  await openApp({ api });
  const before = Date.now();
  await page.evaluate(() => window.harness.unhandled(['/v1/models/42?gateway=down']));

  const appEvent = await sentry.waitForEvent(isAppError('TypeError'));
  const monitorEvent = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/models/{id}' && e.tags?.error_category === 'backend_api');

  // The app's event is still its own: its message and exception (so its grouping) are as Sentry made them.
  const exception = appEvent.exception!.values!.at(-1)!;
  expect(exception.type).toBe('TypeError');
  expect(exception.value).toMatch(/^Failed to fetch/);
  expect(exception.mechanism).toMatchObject({ handled: false, type: 'auto.browser.global_handlers.onunhandledrejection' });
  expect(appEvent.fingerprint).toBeUndefined();
  // ...and gains the request, field by field.
  const request = appEvent.contexts?.backend_request as unknown as BackendRequest;
  expect(request).toEqual({
    method: 'GET',
    url: `${api}/v1/models/42?gateway=down`,
    endpoint: '/v1/models/{id}',
    failure_kind: 'network_error',
    monitor_event_id: monitorEvent.event_id,
    failed_at: expect.any(String),
  });
  expect(Date.parse(request.failed_at)).toBeGreaterThanOrEqual(before);
  expect(Date.parse(request.failed_at)).toBeLessThanOrEqual(appEvent.timestamp! * 1000 + 50);
  expect(appEvent.tags).toMatchObject({ api_endpoint: '/v1/models/{id}', failure_kind: 'network_error', app: 'harness' });

  // The monitor's event names the app's.
  expect(monitorEvent.contexts?.backend_api).toMatchObject({ app_event_id: appEvent.event_id, endpoint: `${api}/v1/models/42?gateway=down`, method: 'GET' });
  expect(monitorEvent.tags).toMatchObject({ failure_kind: 'network_error', http_method: 'GET', gateway: 'down' });
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('offline: the app\'s TypeError says offline and names the monitor\'s event, which names it back', async ({ page, sentry, network, openApp }) => {
  // The app keeps its own event while offline with Sentry's offline transport; the monitor's waits in the worker.
  await openApp({ offlineTransport: true });
  await network.offline();
  await page.evaluate(() => window.harness.unhandled(['/v1/chat/completions?gateway=offline-app']));
  // The match is made (and the worker told) while offline; both events leave when the browser is back online.
  await page.waitForTimeout(1500);
  await network.online();
  const appEvent = await sentry.waitForEvent(isAppError('TypeError'), 30_000);
  const monitorEvent = await sentry.waitForEvent((e) => e.tags?.gateway === 'offline-app', 30_000);
  expect(appEvent.contexts?.backend_request).toMatchObject({
    method: 'GET',
    endpoint: '/v1/chat/completions',
    failure_kind: 'offline',
    monitor_event_id: monitorEvent.event_id,
  });
  expect((appEvent.contexts?.backend_request as unknown as BackendRequest).url).toMatch(/\/v1\/chat\/completions\?gateway=offline-app$/);
  expect(appEvent.tags).toMatchObject({ api_endpoint: '/v1/chat/completions', failure_kind: 'offline' });
  expect(monitorEvent.tags?.failure_kind).toBe('offline');
  expect(monitorEvent.contexts?.backend_api).toMatchObject({ app_event_id: appEvent.event_id });
});

test('two requests failing at the same moment: the app\'s event lists both, marked ambiguous, and names no report', async ({ page, sentry, openApp }) => {
  const api = `http://127.0.0.1:${await freePort()}`;
  await openApp({ api });
  await page.evaluate(() => window.harness.unhandled(['/v1/models?gateway=one', '/v1/images/generations?gateway=two']));

  const appEvent = await sentry.waitForEvent(isAppError('TypeError'));
  const monitorEvents = await sentry.waitForEvents(2, (e) => e.tags?.error_category === 'backend_api');
  expect(appEvent.contexts?.backend_request).toEqual({ ambiguous: true, candidates: 2 });
  const candidates = [appEvent.contexts?.backend_request_1, appEvent.contexts?.backend_request_2] as unknown as BackendRequest[];
  expect(appEvent.contexts?.backend_request_3).toBeUndefined();
  const byEndpoint = [...candidates].sort((a, b) => a.endpoint.localeCompare(b.endpoint));
  const monitorId = (gateway: string) => monitorEvents.find((e) => e.tags?.gateway === gateway)!.event_id;
  expect(byEndpoint).toEqual([
    { method: 'GET', url: `${api}/v1/images/generations?gateway=two`, endpoint: '/v1/images/generations', failure_kind: 'network_error', monitor_event_id: monitorId('two'), failed_at: expect.any(String) },
    { method: 'GET', url: `${api}/v1/models?gateway=one`, endpoint: '/v1/models', failure_kind: 'network_error', monitor_event_id: monitorId('one'), failed_at: expect.any(String) },
  ]);
  // The kind is the same for both, so it is a tag; the endpoint differs, so it is not.
  expect(appEvent.tags?.failure_kind).toBe('network_error');
  expect(appEvent.tags?.api_endpoint).toBeUndefined();
  // Neither report claims an event that may not be its own.
  for (const e of monitorEvents) expect((e.contexts?.backend_api as Record<string, unknown>).app_event_id).toBeUndefined();
});

test('a request the worker reported as a timeout, then reset: the app\'s TypeError names the timeout\'s report, and back', async ({ page, api, sentry, openApp }) => {
  // The report waits in the worker (a long batchMs) until the app's event is out, then the page asks for it:
  // the worker has named the app's event on the stored report.
  await openApp({ monitor: { timeoutMs: 400, batchMs: 600_000 } });
  // Past the worker's start-up offer of what its outbox holds (STARTUP_FLUSH_MS after it started).
  await page.waitForTimeout(1500);
  api.fault({ path: '/v1/slow', action: 'reset', delayMs: 1200 });
  await page.evaluate(() => window.harness.unhandled(['/v1/slow?gateway=late-reset']));
  const appEvent = await sentry.waitForEvent(isAppError('TypeError'));
  expect(backendEvents(sentry)).toHaveLength(0);
  await page.evaluate(() => window.harness.flush());
  const monitorEvent = await sentry.waitForEvent((e) => e.tags?.gateway === 'late-reset');
  expect(monitorEvent.tags?.failure_kind).toBe('timeout');
  expect(appEvent.contexts?.backend_request).toMatchObject({ method: 'GET', endpoint: '/v1/slow', failure_kind: 'timeout', monitor_event_id: monitorEvent.event_id });
  expect(appEvent.tags).toMatchObject({ api_endpoint: '/v1/slow', failure_kind: 'timeout' });
  expect(monitorEvent.contexts?.backend_api).toMatchObject({ app_event_id: appEvent.event_id, timeout_ms: 400 });
  // One report: the reset after the timeout made no second one.
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('a fetch the app cuts itself (AbortSignal.timeout) after the worker\'s timeout: Chromium does not pass the abort on, so the app\'s TimeoutError is left as it is', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { timeoutMs: 400 } });
  api.fault({ path: '/v1/slow', action: 'hang' });
  await page.evaluate(() => window.harness.unhandled(['/v1/slow?gateway=cut'], 1500));
  const appEvent = await sentry.waitForEvent(isAppError('TimeoutError'));
  const monitorEvent = await sentry.waitForEvent((e) => e.tags?.gateway === 'cut');
  // The worker never learns of the abort (its fetch goes on), so it tells the page nothing to match: no guess.
  expect(monitorEvent.tags?.failure_kind).toBe('timeout');
  expect(appEvent.contexts?.backend_request).toBeUndefined();
  expect(appEvent.tags?.api_endpoint).toBeUndefined();
  expect((monitorEvent.contexts?.backend_api as Record<string, unknown>).app_event_id).toBeUndefined();
});

test('without the monitor, the app\'s TypeError is what Sentry made of it: no request added', async ({ page, sentry, openApp }) => {
  const api = `http://127.0.0.1:${await freePort()}`;
  await openApp({ api, withoutMonitor: true });
  await page.evaluate(() => window.harness.unhandled(['/v1/models?gateway=nomonitor']));
  const appEvent = await sentry.waitForEvent(isAppError('TypeError'));
  expect(appEvent.exception!.values!.at(-1)!.value).toMatch(/^Failed to fetch/);
  expect(appEvent.contexts?.backend_request).toBeUndefined();
  expect(appEvent.tags?.api_endpoint).toBeUndefined();
  expect(appEvent.tags?.failure_kind).toBeUndefined();
  expect(appEvent.tags).toMatchObject({ app: 'harness' });
  expect(backendEvents(sentry)).toHaveLength(0);
});
