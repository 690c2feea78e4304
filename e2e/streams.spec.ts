/**
 * Streams (issue 15): the page cancelling a body closes the connection to the
 * API for every body kind, re-wrapped by the monitor (SSE, NDJSON) or passed
 * through as it came (JSON, octet-stream), checked where it counts: on the
 * gateway simulator's socket. A stream that stalls mid-body (no bytes for
 * longer than its endpoint's timeout) is one `stream_stalled` warning, written
 * at once, and the stream goes on uncut.
 *
 * Each case has a path of its own (`/v1/stream/<case>`), so its own Sentry issue.
 */
import type { Event } from '@sentry/core';
import type { Page } from '@playwright/test';
import { expectBackendEvent } from './expectEvent.js';
import { backendEvents, expect, test } from './fixtures.js';
import { streamEvent, STREAM_TYPES } from './servers/gatewaySimulator.js';

const ctxOf = (e: Event) => e.contexts?.backend_api as Record<string, unknown>;

/** Reads a body from the page to its end (or error), pausing `pauseMs` after the first chunk; counts bytes and tells when it ended. */
function readAll(page: Page, url: string, pauseMs = 0): Promise<{ status: number; type: string; bytes: number; text: string; error?: string; endedAt: number }> {
  return page.evaluate(
    async ([u, pause]) => {
      const res = await fetch(u);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let bytes = 0;
      let text = '';
      let error: string | undefined;
      try {
        for (let n = 0; ; n++) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          text += decoder.decode(value, { stream: true });
          if (n === 0 && pause > 0) await new Promise((r) => setTimeout(r, pause));
        }
      } catch (err) {
        error = (err as Error).name;
      }
      return { status: res.status, type: res.headers.get('content-type') ?? '', bytes, text, error, endedAt: Date.now() };
    },
    [url, pauseMs] as const,
  );
}

for (const type of Object.keys(STREAM_TYPES) as Array<keyof typeof STREAM_TYPES>) {
  const wrapped = type === 'sse' || type === 'ndjson';
  test(`cancelling a ${type} body (${wrapped ? 're-wrapped by the monitor' : 'passed through'}) closes the API connection, by reader.cancel() and by abort(); no event`, async ({ page, api, sentry, openApp }) => {
    await openApp();
    // 400 events, 50 ms apart: 20 s if nobody cancels. A connection the simulator sees closed before the end was closed by the cancel.
    const paths = { cancel: `/v1/stream/cancel-${type}?type=${type}&events=400&gapMs=50`, abort: `/v1/stream/abort-${type}?type=${type}&events=400&gapMs=50` };
    for (const [how, path] of Object.entries(paths)) {
      const seen = await page.evaluate(
        async ([url, how]) => {
          const controller = new AbortController();
          const res = await fetch(url, { signal: controller.signal });
          const reader = res.body!.getReader();
          const first = await reader.read();
          if (how === 'cancel') await reader.cancel();
          else controller.abort();
          return { status: res.status, type: res.headers.get('content-type'), firstBytes: first.value?.byteLength ?? 0 };
        },
        [api.origin + path, how] as const,
      );
      expect(seen).toEqual({ status: 200, type: STREAM_TYPES[type], firstBytes: expect.any(Number) });
      expect(seen.firstBytes).toBeGreaterThan(0);
      await expect.poll(() => api.closedEarly, { timeout: 10_000, message: `${how}: the API's connection for ${path} closed` }).toContain(`GET ${path}`);
    }
    // A cancel is the page's choice, not a failure.
    await page.evaluate(() => window.harness.flush());
    await page.waitForTimeout(1000);
    expect(backendEvents(sentry)).toHaveLength(0);
    expect(await page.evaluate(() => window.harness.stats())).toMatchObject({ observed: 2, failures: 0, internalErrors: 0 });
  });
}

test('an SSE stream that stalls past its endpoint timeout is one stream_stalled warning, stored at once, and the stream goes on uncut', async ({ page, api, sentry, openApp }) => {
  // The stall is judged against the endpoint's own timeout (1.5 s here), not timeoutMs.
  await openApp({ monitor: { timeouts: { '/v1/stream/*': 1500 } } });
  const path = '/v1/stream/stall-sse?events=6&gapMs=30&stallAfter=2&stallMs=5000&gateway=chat';
  const reading = readAll(page, api.origin + path);
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'stream_stalled');
  const arrivedAt = Date.now();
  const read = await reading;
  // Stored and delivered while the stream still stalled, not when it ended.
  expect(arrivedAt).toBeLessThan(read.endedAt);
  expectBackendEvent(event, {
    message: 'Backend API GET /v1/stream/stall-sse stream stalled: no data for 1500ms',
    level: 'warning',
    endpoint: '/v1/stream/stall-sse',
    status: '200',
    method: 'GET',
    gateway: 'chat',
    kind: 'stream_stalled',
    url: `${api.origin}${path}`,
    statusCode: 200,
    context: {
      timeout_ms: 1500,
      stream_events: 2,
      stream_bytes: Buffer.byteLength(streamEvent('sse', 0) + streamEvent('sse', 1)),
      content_type: 'text/event-stream',
      online: true,
    },
  });
  expect(ctxOf(event).duration_ms as number).toBeGreaterThanOrEqual(1500);
  expect(ctxOf(event)).not.toHaveProperty('error_message');

  // Not cut: the page read all six events, byte for byte as the API sent them.
  const expected = Array.from({ length: 6 }, (_, i) => streamEvent('sse', i)).join('');
  expect(read).toMatchObject({ status: 200, type: 'text/event-stream', text: expected, bytes: Buffer.byteLength(expected) });
  expect(read.error).toBeUndefined();

  // Once: a 5 s stall is still one report, and the stream's end adds none.
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('an NDJSON stream that stalls is a stream_stalled warning too, counting the lines that came before', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { timeouts: { '/v1/stream/stall-ndjson': 1500 } } });
  const path = '/v1/stream/stall-ndjson?type=ndjson&events=5&gapMs=30&stallAfter=3&stallMs=2500';
  const read = await readAll(page, api.origin + path);
  const expected = Array.from({ length: 5 }, (_, i) => streamEvent('ndjson', i)).join('');
  expect(read).toMatchObject({ status: 200, type: 'application/x-ndjson', text: expected });
  expect(read.error).toBeUndefined();
  const event = await sentry.waitForEvent((e) => e.tags?.failure_kind === 'stream_stalled');
  expectBackendEvent(event, {
    message: 'Backend API GET /v1/stream/stall-ndjson stream stalled: no data for 1500ms',
    level: 'warning',
    endpoint: '/v1/stream/stall-ndjson',
    status: '200',
    method: 'GET',
    gateway: 'all',
    kind: 'stream_stalled',
    url: `${api.origin}${path}`,
    statusCode: 200,
    context: { timeout_ms: 1500, stream_events: 3, stream_bytes: Buffer.byteLength([0, 1, 2].map((i) => streamEvent('ndjson', i)).join('')), content_type: 'application/x-ndjson' },
  });
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(1);
});

test('a page that stops reading is no stall: only time spent waiting on the API counts', async ({ page, api, sentry, openApp }) => {
  await openApp({ monitor: { timeouts: { '/v1/stream/*': 1500 } } });
  // 60 events of 64 KiB (about 4 MB, more than the browser buffers), read with a 3 s pause after the first chunk.
  const path = '/v1/stream/slow-reader?events=60&gapMs=10&pad=65536';
  const read = await readAll(page, api.origin + path, 3000);
  const expected = Array.from({ length: 60 }, (_, i) => streamEvent('sse', i, 65536)).join('');
  expect(read.bytes).toBe(Buffer.byteLength(expected));
  expect(read.text === expected).toBe(true);
  expect(read.error).toBeUndefined();
  await page.evaluate(() => window.harness.flush());
  await page.waitForTimeout(1000);
  expect(backendEvents(sentry)).toHaveLength(0);
  expect(await page.evaluate(() => window.harness.stats())).toMatchObject({ failures: 0, internalErrors: 0 });
});
