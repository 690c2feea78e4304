/**
 * `npm start` end to end: the demo launcher, a failure button, and the event
 * arriving in the Spotlight sidecar (read from its own /stream, as its UI does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Event } from '@sentry/core';
import { expect, test } from '@playwright/test';
import { freePort } from './fixtures.js';

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

  test('clicking a failure button puts a seed-shaped event in Spotlight', async ({ page }) => {
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
  });
});
