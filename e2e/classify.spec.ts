import { expectBackendEvent } from './expectEvent.js';
import { expect, test } from './fixtures.js';

const STATUSES: Array<[number, string, 'error' | 'warning']> = [
  [400, 'Bad Request', 'warning'],
  [401, 'Unauthorized', 'warning'],
  [403, 'Forbidden', 'warning'],
  [404, 'Not Found', 'warning'],
  [500, 'Internal Server Error', 'error'],
  [502, 'Bad Gateway', 'error'],
  [503, 'Service Unavailable', 'error'],
  [504, 'Gateway Timeout', 'error'],
];

for (const [status, reason, level] of STATUSES) {
  test(`a ${status} from the API becomes one ${level} event with the seed's tags, context and fingerprint`, async ({ page, api, sentry, openApp }) => {
    await openApp();
    const body = JSON.stringify({ error: reason, detail: `simulated ${status}` });
    api.fault({ path: '/v1/models', status, body, headers: { 'x-request-id': `rid-${status}` } });
    const result = await page.evaluate(() => window.harness.call('/v1/models?gateway=openrouter'));
    // The page gets the API's answer untouched.
    expect(result).toEqual({ status, body });
    const event = await sentry.waitForEvent((e) => e.tags?.http_status === String(status));
    expectBackendEvent(event, {
      message: `Backend API GET /v1/models failed: ${status} ${reason}`,
      level,
      endpoint: '/v1/models',
      status: String(status),
      method: 'GET',
      gateway: 'openrouter',
      kind: 'http_error',
      url: `${api.origin}/v1/models?gateway=openrouter`,
      statusCode: status,
      context: { response_preview: body, request_id: `rid-${status}`, online: true, content_type: 'application/json' },
    });
    // One failure, one event.
    await page.evaluate(() => window.harness.flush());
    expect(sentry.events.filter((e) => e.event.tags?.error_category === 'backend_api')).toHaveLength(1);
  });
}

test('a 429 is a warning that carries Retry-After', async ({ page, api, sentry, openApp }) => {
  await openApp();
  const body = '{"error":"Rate limit exceeded","retry_after":30}';
  api.fault({ path: '/v1/models', status: 429, body, headers: { 'retry-after': '30' } });
  await page.evaluate(() => window.harness.call('/v1/models?gateway=cerebras', { method: 'POST', body: '{}' }));
  const event = await sentry.waitForEvent((e) => e.tags?.http_status === '429');
  expectBackendEvent(event, {
    message: 'Backend API POST /v1/models failed: 429 Too Many Requests',
    level: 'warning',
    endpoint: '/v1/models',
    status: '429',
    method: 'POST',
    gateway: 'cerebras',
    kind: 'http_error',
    url: `${api.origin}/v1/models?gateway=cerebras`,
    statusCode: 429,
    context: { retry_after: '30', response_preview: body },
  });
});

test('a request with no response headers within timeoutMs is reported as a timeout, and still completes', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { timeoutMs: 1000 } });
  api.fault({ path: '/v1/models', delayMs: 2500, status: 200, body: '{"data":[]}' });
  const result = await page.evaluate(() => window.harness.call('/v1/models?gateway=huggingface'));
  // Observe only: the worker's timer does not cut the request.
  expect(result).toEqual({ status: 200, body: '{"data":[]}' });
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'timeout');
  expectBackendEvent(event, {
    message: 'Backend API timeout after 1000ms: /v1/models?gateway=huggingface',
    level: 'error',
    endpoint: '/v1/models',
    status: '408',
    method: 'GET',
    gateway: 'huggingface',
    kind: 'timeout',
    url: `${api.origin}/v1/models?gateway=huggingface`,
    statusCode: 408,
    context: { timeout_ms: 1000 },
  });
  // One request, one report: the late 200 adds nothing.
  await page.evaluate(() => window.harness.flush());
  expect(sentry.events.filter((e) => e.event.tags?.error_category === 'backend_api')).toHaveLength(1);
});

test('a request made while the browser is offline is an offline warning, delivered once back online', async ({ page, network, api, sentry, openApp }) => {
  await openApp();
  await network.offline();
  const result = await page.evaluate(() => window.harness.call('/v1/models'));
  expect(result).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
  // Hold the outbox a while offline: nothing can reach Sentry, nothing is lost.
  await page.waitForTimeout(2000);
  expect(sentry.events).toHaveLength(0);
  await network.online();
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'offline');
  expectBackendEvent(event, {
    message: 'Backend API GET /v1/models failed: offline',
    level: 'warning',
    endpoint: '/v1/models',
    status: '0',
    method: 'GET',
    gateway: 'all',
    kind: 'offline',
    url: `${api.origin}/v1/models`,
    statusCode: 0,
    context: { online: false },
  });
});

test('a connection reset is a network_error', async ({ page, api, sentry, openApp }) => {
  await openApp();
  api.fault({ path: '/v1/chat', action: 'reset' });
  const result = await page.evaluate(() => window.harness.call('/v1/chat/completions?gateway=openrouter', { method: 'POST', body: '{"model":"x"}' }));
  expect(result).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'network_error');
  expectBackendEvent(event, {
    message: 'Backend API POST /v1/chat/completions failed: network error',
    level: 'error',
    endpoint: '/v1/chat/completions',
    status: '0',
    method: 'POST',
    gateway: 'openrouter',
    kind: 'network_error',
    url: `${api.origin}/v1/chat/completions?gateway=openrouter`,
    statusCode: 0,
    context: { online: true, error_message: expect.stringMatching(/^TypeError: Failed to fetch/) },
  });
});

test('an API origin whose name does not resolve is a network_error', async ({ page, sentry, openApp }) => {
  // --host-resolver-rules makes Chromium fail this name locally: no lookup leaves the machine.
  const api = 'http://api.gatewayz-unresolvable.test';
  await openApp({ api });
  const result = await page.evaluate(() => window.harness.call('/v1/models'));
  expect(result).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'network_error');
  expect(event.message).toBe('Backend API GET /v1/models failed: network error');
  expect(event.tags).toMatchObject({ http_status: '0', api_endpoint: '/v1/models', gateway: 'all' });
  expect((event.contexts?.backend_api as Record<string, unknown>).endpoint).toBe(`${api}/v1/models`);
});

test('ids, uuids and hashes in the path become {id} in the endpoint tag and fingerprint', async ({ page, api, sentry, openApp }) => {
  await openApp();
  api.fault({ path: '/v1/', status: 404, body: '{}' });
  await page.evaluate(() => window.harness.call('/v1/users/12345/keys/3f2a9c0e1b7d4a6f8e9d?gateway=all'));
  await page.evaluate(() => window.harness.call('/v1/chats/6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f'));
  const a = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/users/{id}/keys/{id}');
  expect(a.fingerprint).toEqual(['backend_api', 'GET', '/v1/users/{id}/keys/{id}', '404']);
  const b = await sentry.waitForEvent((e) => e.tags?.api_endpoint === '/v1/chats/{id}');
  expect(b.message).toBe('Backend API GET /v1/chats/{id} failed: 404 Not Found');
});

test('a retry of the same failing call within 60 s carries its retry_count', async ({ page, api, sentry, openApp }) => {
  // Folding off, so each attempt is its own event.
  await openApp({ monitor: { dedupeWindowMs: 0 } });
  api.fault({ path: '/v1/models', status: 502, body: 'bad gateway' });
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.harness.call('/v1/models?gateway=deepinfra'));
  const events = await sentry.waitForEvents(3, (e) => e.tags?.http_status === '502');
  const counts = events.map((e) => (e.contexts?.backend_api as Record<string, unknown>).retry_count).sort();
  expect(counts).toEqual([0, 1, 2]);
});
