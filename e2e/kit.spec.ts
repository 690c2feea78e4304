/**
 * The Playwright kit (`gatewayz-sw-monitor/playwright`) as a user would use it:
 * an app that calls the real default origin (https://api.gatewayz.ai) and
 * reports to a sentry.io DSN, with no simulator and no Sentry server: the kit's
 * `gateway` answers the worker's own fetches, and its `sentry` takes the
 * envelopes in-process. Nothing leaves the machine.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appUrl, expect, freePort, orDumpWorker, test } from './fixtures.js';

const API = 'https://api.gatewayz.ai';
const SAAS_DSN = 'https://publickey@o4500000000000000.ingest.sentry.io/4500000000000000';


test('gateway.fail, gateway.drop and gateway.hang reach the worker\'s own fetches; sentry takes envelopes for any DSN', async ({ page, servers, gateway, sentry, serviceWorker }) => {
  await page.goto(appUrl(servers, { api: API, monitor: { timeoutMs: 1000 } }).replace(encodeURIComponent(servers.sentry.dsn), encodeURIComponent(SAAS_DSN)));
  await serviceWorker.ready();

  await gateway.fail(`${API}/v1/models**`, { status: 503, body: '{"error":"down"}', times: 1 });
  expect(await page.evaluate(() => window.harness.call('/v1/models?gateway=kit'))).toEqual({ status: 503, body: '{"error":"down"}' });
  const e503 = await sentry.waitForEvent((e) => e.tags?.http_status === '503');
  expect(e503.message).toBe('Backend API GET /v1/models failed: 503 Service Unavailable');
  expect((e503.contexts?.backend_api as Record<string, unknown>).endpoint).toBe(`${API}/v1/models?gateway=kit`);

  await gateway.drop(`${API}/v1/chat/**`);
  expect(await page.evaluate(() => window.harness.call('/v1/chat/completions', { method: 'POST', body: '{}' }))).toEqual({ error: expect.stringMatching(/^TypeError: Failed to fetch/) });
  const dropped = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'network_error');
  expect(dropped.tags).toMatchObject({ api_endpoint: '/v1/chat/completions', http_method: 'POST', http_status: '0' });

  await gateway.hang(`${API}/v1/slow**`);
  // Left hanging: the call never returns; the worker's timer reports it. (Its promise ends with the test.)
  page.evaluate(() => window.harness.call('/v1/slow')).catch(() => {});
  const timeout = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'timeout');
  expect(timeout.message).toBe('Backend API timeout after 1000ms: /v1/slow');

  // Every envelope was for the sentry.io DSN, and none left the machine.
  expect(sentry.envelopes.length).toBeGreaterThanOrEqual(3);
  await gateway.clear();
});

test('serviceWorker.stop stops the worker; network.offline reaches it; the next event starts it again', async ({ page, api, sentry, network, serviceWorker, openApp }) => {
  await openApp({ monitor: { batchMs: 600_000 } });
  await network.offline();
  await page.evaluate(() => window.harness.call('/v1/models?gateway=kit-offline'));
  // Written ahead: stored before the page got its rejection.
  expect((await page.evaluate(() => window.harness.stats()))?.pending).toBe(1);
  await serviceWorker.stop();
  await network.online();
  // The stopped worker's counters are gone; its outbox is not.
  await page.evaluate(() => window.harness.call('/v1/ping'));
  await orDumpWorker(page, sentry.waitForEvent((e) => e.tags?.gateway === 'kit-offline'));
  expect((await page.evaluate(() => window.harness.stats()))?.observed).toBe(1);
  void api;
});

test('README\'s kit example passes under README\'s playwright.config, against a Vite app on the real API origin and a sentry.io DSN', async () => {
  test.setTimeout(120_000);
  // A Playwright run of its own, as a user's project would have: e2e/sites/kit-user
  // holds README's config and example (test/readme.test.ts keeps them in step).
  const config = fileURLToPath(new URL('sites/kit-user/playwright.config.ts', import.meta.url));
  const cli = fileURLToPath(new URL('../node_modules/@playwright/test/cli.js', import.meta.url));
  const output = await mkdtemp(join(tmpdir(), 'gatewayz-kit-'));
  // Only the user's environment: nothing of this run's own Playwright worker.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(k)));
  const run = spawn(process.execPath, [cli, 'test', '--config', config, '--reporter', 'line', '--output', output, '--workers', '1'], {
    env: { ...env, PORT: String(await freePort()), VITE_API_ORIGIN: API, SENTRY_DSN: SAAS_DSN, MONITOR_ENABLED: 'true', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  run.stdout.on('data', (d: Buffer) => (out += d.toString()));
  run.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => run.on('exit', resolve));
  await rm(output, { recursive: true, force: true });
  expect(out, out).toMatch(/\b1 passed\b/);
  expect(code, out).toBe(0);
});

