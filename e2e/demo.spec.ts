/**
 * `npm start` end to end: the demo launcher, a failure button, the event
 * arriving in the Spotlight sidecar (read from its own /stream, as its UI does)
 * and shown in Spotlight's UI; and every request the demo's pages and
 * Spotlight's UI make stays on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Event } from '@sentry/core';
import { expect, test } from '@playwright/test';
import { freePort } from './fixtures.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a request's URL leaves the machine; blob: and data: URLs stay in the page. */
function offLoopback(raw: string): boolean {
  const url = new URL(raw);
  if (url.protocol === 'data:') return false;
  const host = url.protocol === 'blob:' ? new URL(url.pathname).hostname : url.hostname;
  return !LOOPBACK.has(host);
}

/** Reads Spotlight's envelope stream until an event matches. */
async function spotlightEvent(port: number, match: (e: Event) => boolean, timeoutMs = 15_000): Promise<Event> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(`http://localhost:${port}/stream`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = message.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const [, items] = JSON.parse(data.slice(6)) as [unknown, Array<[{ type: string }, Event]>];
        const found = items.find(([h, payload]) => h.type === 'event' && match(payload));
        if (found) return found[1];
      }
    }
    throw new Error('spotlight stream ended');
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

test.describe('npm start', () => {
  let demo: ChildProcess;
  let ports: { spotlight: number; gateway: number; app: number };

  test.beforeAll(async () => {
    ports = { spotlight: await freePort(), gateway: await freePort(), app: await freePort() };
    demo = spawn(process.execPath, ['dist/demo.mjs'], {
      env: { ...process.env, SPOTLIGHT_PORT: String(ports.spotlight), GATEWAY_PORT: String(ports.gateway), DEMO_PORT: String(ports.app), SENTRY_DSN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 30_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C stops everything')) {
          clearTimeout(timer);
          resolve();
        }
      };
      demo.stdout!.on('data', onData);
      demo.stderr!.on('data', onData);
      demo.on('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
    });
  });

  test.afterAll(() => {
    demo?.kill('SIGTERM');
  });

  test('a failure button\'s event reaches Spotlight and shows, unfolded, in its Errors view; no page reaches past loopback', async ({ page, context }) => {
    // Every request of every page in the context (the app, its worker, Spotlight's UI), and every websocket.
    const requests: string[] = [];
    const errors: string[] = [];
    const watch = (p: typeof page) => p.on('websocket', (ws) => requests.push(ws.url()));
    watch(page);
    context.on('page', watch);
    context.on('request', (r) => requests.push(r.url()));
    context.on('response', (r) => {
      // The simulator's failures are the point of the demo; nothing else may fail to load.
      if (r.status() >= 400 && !r.url().startsWith(`http://127.0.0.1:${ports.gateway}/`)) errors.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`http://127.0.0.1:${ports.app}/`);
    await expect(page.locator('#status')).toHaveText(/observing/);
    await page.selectOption('#gateway', 'huggingface');
    await page.click('button[data-status="503"]');
    await expect(page.locator('#log')).toContainText('→ Sentry: Backend API GET /v1/models failed: 503 Service Unavailable [error]');

    const event = await spotlightEvent(ports.spotlight, (e) => e.tags?.error_category === 'backend_api');
    expect(event.message).toBe('Backend API GET /v1/models failed: 503 Service Unavailable');
    expect(event.level).toBe('error');
    expect(event.tags).toMatchObject({ api_endpoint: '/v1/models', http_status: '503', http_method: 'GET', gateway: 'huggingface', failure_kind: 'http_error' });
    expect(event.contexts?.backend_api).toMatchObject({
      endpoint: `http://127.0.0.1:${ports.gateway}/v1/models?gateway=huggingface`,
      status_code: 503,
      method: 'GET',
      gateway: 'huggingface',
      retry_count: 0,
      response_preview: '{"error":"503","detail":"simulated 503 from the demo"}',
    });
    expect(event.fingerprint).toEqual(['backend_api', 'GET', '/v1/models', '503']);
    expect(event.user?.id).toBe('demo-user');

    // The page's icon is served (no /favicon.ico 404).
    const icon = await page.locator('link[rel=icon]').getAttribute('href');
    const iconResponse = await page.request.get(new URL(icon!, page.url()).href);
    expect(iconResponse.status()).toBe(200);
    expect(iconResponse.headers()['content-type']).toContain('image/svg+xml');

    // The page's link opens Spotlight on its Errors view (it would open on Traces), with the event listed.
    const [spotlight] = await Promise.all([context.waitForEvent('page'), page.click('#spotlight')]);
    await expect(spotlight).toHaveURL(`http://localhost:${ports.spotlight}/telemetry/errors`);
    await spotlight.getByText('Backend API GET /v1/models failed: 503 Service Unavailable').click();
    await spotlight.getByText('Context', { exact: true }).click();
    // The backend_api context is shown unfolded: its seed fields read without a click.
    const backendContext = spotlight.locator('h2:text-is("backend_api") + *');
    for (const key of ['endpoint', 'status_code', 'method', 'gateway', 'retry_count', 'response_preview']) {
      await expect(backendContext.getByText(key, { exact: true })).toBeVisible();
    }
    // Spotlight's own UI telemetry, were it on, goes out within seconds of its
    // page load and of each navigation (seen at about 1-4 s): give it that long.
    await spotlight.waitForTimeout(5000);
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter(offLoopback)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
