/**
 * The app's own network errors name their request: the page's matcher
 * (src/networkErrors.ts: which errors, which failures, the moment, ambiguity,
 * waiting) and the messages' guards (sw/protocol.ts). The worker's half:
 * test/networkErrorsWorker.test.ts.
 */
import type { Event, EventHint } from '@sentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addFailures,
  createFailureLog,
  MATCH_WINDOW_MS,
  MAX_CANDIDATES,
  MAX_WAIT_MS,
  networkErrorProcessor,
  rejectionKind,
  rejectionOf,
  SETTLE_MS,
  type FailureLog,
} from '../src/networkErrors.js';
import { pageMessage, parsePageMessage, parseWorkerMessage, workerMessage, type FailureNotice } from '../sw/protocol.js';
import { makeNotice } from './fixtures/report.js';

const ID_A = 'a'.repeat(32);
const ID_B = 'b'.repeat(32);
const APP_ID = 'c'.repeat(32);

/** A fetch rejection's TypeError as an engine makes it; `stack: false` as WebKit leaves it, with none. */
function typeError(message: string, { stack = true, sentrySaw = false } = {}): TypeError {
  const e = new TypeError(message);
  if (!stack) Object.defineProperty(e, 'stack', { value: undefined });
  // What Sentry's client marks on an exception it captures (checkOrSetAlreadyCaught), before any event processor runs.
  if (sentrySaw) Object.defineProperty(e, '__sentry_captured__', { value: true, enumerable: false });
  return e;
}


describe('which app errors a failed request explains', () => {
  it.each([
    ['Chromium', 'Failed to fetch'],
    ['Chromium, with the host', 'Failed to fetch (api.example.com)'],
    ['Firefox', 'NetworkError when attempting to fetch resource.'],
    ['Safari 16', 'The Internet connection appears to be offline.'],
  ])('%s: TypeError "%s" is a network error', (_engine, message) => {
    expect(rejectionKind(typeError(message))).toBe('network');
  });

  it.each([
    ['Chromium', 'Failed to fetch (api.example.com)'],
    ['Firefox', 'NetworkError when attempting to fetch resource. (api.example.com)'],
    ['WebKit', 'Load failed (api.example.com)'],
  ])("%s, as Sentry's fetch instrumentation rewrites it (enhanceFetchErrorMessages, its default): a network error to that host", (_engine, message) => {
    expect(rejectionOf(typeError(message, { sentrySaw: true }))).toEqual({ kind: 'network', host: 'api.example.com' });
  });

  it("with enhanceFetchErrorMessages 'report-only' Sentry keeps the host aside, and it is read there", () => {
    const e = typeError('NetworkError when attempting to fetch resource.', { sentrySaw: true });
    Object.defineProperty(e, '__sentry_fetch_url_host__', { value: 'api.example.com:8443' });
    expect(rejectionOf(e)).toEqual({ kind: 'network', host: 'api.example.com:8443' });
  });

  it("WebKit, for a request through a service worker whose answer is a network error (the monitor's): a network error", () => {
    expect(rejectionOf(typeError('Response served by service worker is an error', { sentrySaw: true }))).toEqual({ kind: 'network' });
  });

  it('a host suffix on any other TypeError does not make it one', () => {
    expect(rejectionOf(typeError('Cannot read properties of undefined (reading)', { sentrySaw: true }))).toBeUndefined();
    expect(rejectionOf(typeError('Something failed (api.example.com)', { sentrySaw: true }))).toBeUndefined();
  });

  it('WebKit: "Load failed" is a network error with no stack, or once Sentry captured it (it adds a stack of its own)', () => {
    expect(rejectionKind(typeError('Load failed', { stack: false }))).toBe('network');
    expect(rejectionKind(typeError('Load failed', { sentrySaw: true }))).toBe('network');
    expect(rejectionKind(typeError('Load failed (api.example.com)', { sentrySaw: true }))).toBe('network');
    // A TypeError of the app's own that happens to say so, with its own stack and never captured, is not.
    expect(rejectionKind(typeError('Load failed'))).toBeUndefined();
  });

  it("the app's own abort or AbortSignal.timeout is an abort, in every engine's wording", () => {
    expect(rejectionKind(new DOMException('signal is aborted without reason', 'AbortError'))).toBe('abort');
    expect(rejectionKind(new DOMException('The operation was aborted. ', 'AbortError'))).toBe('abort');
    expect(rejectionKind(new DOMException('Fetch is aborted', 'AbortError'))).toBe('abort');
    expect(rejectionKind(new DOMException('signal timed out', 'TimeoutError'))).toBe('abort');
  });

  it('anything else is not explained by a request', () => {
    expect(rejectionKind(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    expect(rejectionKind(new Error('Failed to fetch'))).toBeUndefined();
    expect(rejectionKind('Failed to fetch')).toBeUndefined();
    expect(rejectionKind(undefined)).toBeUndefined();
    expect(rejectionKind(null)).toBeUndefined();
    expect(rejectionKind({ message: 'Failed to fetch', name: 'TypeError' })).toBeUndefined();
  });
});

describe('the failure log: the moment, ambiguity and waiting', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs match() to its end on fake time; returns what it found and how long it took. */
  async function matchOn(log: FailureLog, kind: 'network' | 'abort', during?: (ms: number) => void) {
    const start = Date.now();
    let result: FailureNotice[] | undefined;
    void log.match(start, kind).then((r) => (result = r));
    for (let ms = 0; result === undefined && ms < 5000; ms += 10) {
      during?.(ms);
      await vi.advanceTimersByTimeAsync(10);
    }
    return { found: result!, tookMs: Date.now() - start };
  }

  it('a failure told just before the event: that one, after the settle time (no other failing at the same moment)', async () => {
    const log = createFailureLog();
    log.add(makeNotice({ at: Date.now() - 20 }));
    const { found, tookMs } = await matchOn(log, 'network');
    expect(found).toEqual([makeNotice({ at: Date.now() - tookMs - 20 })]);
    expect(tookMs).toBeGreaterThanOrEqual(SETTLE_MS);
    expect(tookMs).toBeLessThan(SETTLE_MS + 20);
  });

  it('the window: a failure told within MATCH_WINDOW_MS before the event counts, one told earlier does not', async () => {
    const log = createFailureLog();
    const now = Date.now();
    log.add(makeNotice({ eventId: ID_B, at: now - MATCH_WINDOW_MS - 100, url: 'https://api.example.com/v1/old' }));
    log.add(makeNotice({ eventId: ID_A, at: now - MATCH_WINDOW_MS + 100 }));
    const { found } = await matchOn(log, 'network');
    expect(found.map((n) => n.eventId)).toEqual([ID_A]);
  });

  it('a failure told more than SETTLE_MS after the event is another moment, not a candidate', async () => {
    const log = createFailureLog();
    log.add(makeNotice({ eventId: ID_A, at: Date.now() - 5 }));
    const event = Date.now();
    // Told 400 ms after the event: arrives while nothing waits for it any more.
    const { found } = await matchOn(log, 'network', (ms) => ms === 100 && log.add(makeNotice({ eventId: ID_B, at: event + 400 })));
    expect(found.map((n) => n.eventId)).toEqual([ID_A]);
  });

  it('two failures at the same moment, the second told just after the event: both, for the event to say it is ambiguous', async () => {
    const log = createFailureLog();
    const event = Date.now();
    log.add(makeNotice({ eventId: ID_A, at: event - 3 }));
    const { found } = await matchOn(log, 'network', (ms) => ms === 60 && log.add(makeNotice({ eventId: ID_B, url: 'https://api.example.com/v1/images', endpoint: '/v1/images', at: event + 40 })));
    expect(found.map((n) => n.eventId)).toEqual([ID_A, ID_B]);
  });

  it('nothing told yet: waits for the worker, and takes a failure that arrives within MAX_WAIT_MS', async () => {
    const log = createFailureLog();
    const event = Date.now();
    // The worker told it before the rejection, but its message arrives 120 ms after the event.
    const { found, tookMs } = await matchOn(log, 'network', (ms) => ms === 120 && log.add(makeNotice({ at: event - 1 })));
    expect(found).toHaveLength(1);
    // Once found, it still listens until SETTLE_MS after the event, not MAX_WAIT_MS.
    expect(tookMs).toBeLessThan(MAX_WAIT_MS);
    expect(tookMs).toBeGreaterThanOrEqual(SETTLE_MS);
  });

  it('nothing told at all: gives up after MAX_WAIT_MS with nothing', async () => {
    const log = createFailureLog();
    const { found, tookMs } = await matchOn(log, 'network');
    expect(found).toEqual([]);
    expect(tookMs).toBeGreaterThanOrEqual(MAX_WAIT_MS);
    expect(tookMs).toBeLessThan(MAX_WAIT_MS + 20);
  });

  it("an abort matches only a timeout the worker had reported; a network error matches any kind it was told", async () => {
    const log = createFailureLog();
    log.add(makeNotice({ eventId: ID_A, kind: 'network_error', at: Date.now() - 10 }));
    log.add(makeNotice({ eventId: ID_B, kind: 'timeout', at: Date.now() - 10 }));
    expect((await matchOn(log, 'abort')).found.map((n) => n.eventId)).toEqual([ID_B]);
    const log2 = createFailureLog();
    log2.add(makeNotice({ eventId: ID_A, kind: 'offline', at: Date.now() - 10 }));
    log2.add(makeNotice({ eventId: ID_B, kind: 'timeout', at: Date.now() - 10 }));
    expect((await matchOn(log2, 'network')).found.map((n) => n.eventId)).toEqual([ID_A, ID_B]);
    const log3 = createFailureLog();
    log3.add(makeNotice({ kind: 'offline', at: Date.now() - 10 }));
    expect((await matchOn(log3, 'abort')).found).toEqual([]);
  });

  it("an error that names its request's host matches only failures to that host", async () => {
    const log = createFailureLog();
    log.add(makeNotice({ eventId: ID_A, url: 'https://api.example.com/v1/models', at: Date.now() - 10 }));
    log.add(makeNotice({ eventId: ID_B, url: 'https://other.example.com:8443/v1/models', at: Date.now() - 10 }));
    const matchHost = async (host: string) => {
      let result: FailureNotice[] | undefined;
      void log.match(Date.now(), 'network', host).then((r) => (result = r));
      await vi.advanceTimersByTimeAsync(MAX_WAIT_MS + 10);
      return result!.map((n) => n.eventId);
    };
    expect(await matchHost('other.example.com:8443')).toEqual([ID_B]);
    expect(await matchHost('api.example.com')).toEqual([ID_A]);
    // A failure of a request the worker does not watch (another host): nothing is named.
    expect(await matchHost('cdn.example.net')).toEqual([]);
  });

  it('keeps at most 100 notices, and none older than the window', async () => {
    const log = createFailureLog();
    for (let i = 0; i < 150; i++) log.add(makeNotice({ eventId: i.toString(16).padStart(32, '0'), at: Date.now() }));
    const { found } = await matchOn(log, 'network');
    expect(found).toHaveLength(100);
    expect(found[0]!.eventId).toBe((50).toString(16).padStart(32, '0'));
  });
});

describe("what the app's event gains", () => {
  const appEvent = (): Event => ({
    event_id: APP_ID,
    message: undefined,
    exception: { values: [{ type: 'TypeError', value: 'Failed to fetch', mechanism: { type: 'auto.browser.global_handlers.onunhandledrejection', handled: false } }] },
    level: 'error',
    tags: { app: 'shop' },
    contexts: { os: { name: 'Linux' } },
  });

  it('one failure: the backend_request context field by field, tags api_endpoint and failure_kind; message, exception, level and fingerprint untouched', () => {
    const before = appEvent();
    const event = addFailures(appEvent(), [makeNotice({ kind: 'offline', at: Date.UTC(2026, 0, 2, 3, 4, 5, 600) })]);
    expect(event.contexts?.backend_request).toEqual({
      method: 'GET',
      url: 'https://api.example.com/v1/models?gateway=openrouter',
      endpoint: '/v1/models',
      failure_kind: 'offline',
      monitor_event_id: ID_A,
      failed_at: '2026-01-02T03:04:05.600Z',
    });
    expect(event.tags).toEqual({ app: 'shop', api_endpoint: '/v1/models', failure_kind: 'offline' });
    expect(event.contexts?.os).toEqual({ name: 'Linux' });
    expect(event.exception).toEqual(before.exception);
    expect(event.message).toBe(before.message);
    expect(event.level).toBe('error');
    expect(event.fingerprint).toBeUndefined();
  });

  it('a failure folded into an earlier report (no event id of its own): the request, without monitor_event_id', () => {
    const event = addFailures(appEvent(), [makeNotice({ eventId: undefined })]);
    expect(event.contexts?.backend_request).not.toHaveProperty('monitor_event_id');
    expect(event.contexts?.backend_request).toMatchObject({ endpoint: '/v1/models', failure_kind: 'network_error' });
  });

  it('several: marked ambiguous with how many, each candidate a context of its own, and only the tags they agree on', () => {
    const event = addFailures(appEvent(), [
      makeNotice({ eventId: ID_A, at: Date.UTC(2026, 0, 1) }),
      makeNotice({ eventId: ID_B, endpoint: '/v1/images', url: 'https://api.example.com/v1/images', method: 'POST', at: Date.UTC(2026, 0, 1) }),
    ]);
    expect(event.contexts?.backend_request).toEqual({ ambiguous: true, candidates: 2 });
    expect(event.contexts?.backend_request_1).toEqual({ method: 'GET', url: 'https://api.example.com/v1/models?gateway=openrouter', endpoint: '/v1/models', failure_kind: 'network_error', monitor_event_id: ID_A, failed_at: '2026-01-01T00:00:00.000Z' });
    expect(event.contexts?.backend_request_2).toEqual({ method: 'POST', url: 'https://api.example.com/v1/images', endpoint: '/v1/images', failure_kind: 'network_error', monitor_event_id: ID_B, failed_at: '2026-01-01T00:00:00.000Z' });
    expect(event.tags).toEqual({ app: 'shop', failure_kind: 'network_error' });
  });

  it(`more than ${MAX_CANDIDATES} at once: the count says all, the latest ${MAX_CANDIDATES} are listed`, () => {
    const many = Array.from({ length: 7 }, (_, i) => makeNotice({ eventId: String(i).repeat(32), endpoint: `/v1/e${i}` }));
    const event = addFailures(appEvent(), many);
    expect(event.contexts?.backend_request).toEqual({ ambiguous: true, candidates: 7 });
    expect(event.contexts?.backend_request_1).toMatchObject({ endpoint: '/v1/e2' });
    expect(event.contexts?.backend_request_5).toMatchObject({ endpoint: '/v1/e6' });
    expect(event.contexts?.backend_request_6).toBeUndefined();
  });

  it("never replaces what the app set: its own tag or context of the same name stays", () => {
    const mine = { ...appEvent(), tags: { failure_kind: 'mine' }, contexts: { backend_request: { own: 1 } } };
    const event = addFailures(mine, [makeNotice()]);
    expect(event.tags).toEqual({ failure_kind: 'mine', api_endpoint: '/v1/models' });
    expect(event.contexts?.backend_request).toEqual({ own: 1 });
  });

  it('no failure: the event is as it was', () => {
    expect(addFailures(appEvent(), [])).toEqual(appEvent());
  });
});

describe("the app client's event processor", () => {
  const hint = (originalException: unknown): EventHint => ({ originalException });
  const typeErrorEvent = (): Event => ({ event_id: APP_ID, exception: { values: [{ type: 'TypeError', value: 'Failed to fetch' }] } });
  const logOf = (found: FailureNotice[]): FailureLog => ({ add() {}, match: async () => found });

  it('one failure with a report of its own: the event gains it, and the worker is told the app event for that report', async () => {
    const named: string[][] = [];
    const asked: unknown[][] = [];
    const log: FailureLog = { add() {}, match: async (...args) => (asked.push(args), [makeNotice()]) };
    const processor = networkErrorProcessor({ log, watched: () => true, named: (a, b) => named.push([a, b]), now: () => 1234 });
    const event = await processor(typeErrorEvent(), hint(typeError('Failed to fetch (api.example.com)')));
    // Asked at the event's moment, for a network error to the host Sentry's message names.
    expect(asked).toEqual([[1234, 'network', 'api.example.com']]);
    expect(event.contexts?.backend_request).toMatchObject({ monitor_event_id: ID_A });
    expect(named).toEqual([[ID_A, APP_ID]]);
  });

  it('ambiguous: the event lists them, and no report is told it is this event', async () => {
    const named: string[][] = [];
    const processor = networkErrorProcessor({ log: logOf([makeNotice(), makeNotice({ eventId: ID_B })]), watched: () => true, named: (a, b) => named.push([a, b]) });
    const event = await processor(typeErrorEvent(), hint(typeError('Failed to fetch')));
    expect(event.contexts?.backend_request).toEqual({ ambiguous: true, candidates: 2 });
    expect(named).toEqual([]);
  });

  it('any other event goes on at once, untouched: not an error event, another exception, no worker in control', () => {
    const match = vi.fn(async () => [makeNotice()]);
    const log = { add() {}, match };
    const processor = networkErrorProcessor({ log, watched: () => true, named: () => {} });
    const transaction: Event = { type: 'transaction' };
    expect(processor(transaction, hint(typeError('Failed to fetch')))).toBe(transaction);
    const other = { exception: { values: [{ type: 'TypeError', value: 'x is not a function' }] } };
    expect(processor(other, hint(new TypeError('x is not a function')))).toBe(other);
    const monitorsOwn: Event = { event_id: ID_A, message: 'Backend API GET /v1/models failed: network error' };
    expect(processor(monitorsOwn, {})).toBe(monitorsOwn);
    const unwatched = networkErrorProcessor({ log, watched: () => false, named: () => {} });
    const e = typeErrorEvent();
    expect(unwatched(e, hint(typeError('Failed to fetch')))).toBe(e);
    expect(match).not.toHaveBeenCalled();
  });

  it('fails open: a matcher that throws or rejects, or a worker that cannot be told, never drops the event', async () => {
    const throwing = networkErrorProcessor({ log: { add() {}, match: () => { throw new Error('boom'); } }, watched: () => true, named: () => {} });
    const e1 = typeErrorEvent();
    expect(await throwing(e1, hint(typeError('Failed to fetch')))).toEqual(typeErrorEvent());
    const rejecting = networkErrorProcessor({ log: { add() {}, match: () => Promise.reject(new Error('boom')) }, watched: () => true, named: () => {} });
    expect(await rejecting(typeErrorEvent(), hint(typeError('Failed to fetch')))).toEqual(typeErrorEvent());
    const badWatch = networkErrorProcessor({ log: logOf([makeNotice()]), watched: () => { throw new Error('boom'); }, named: () => {} });
    expect(await badWatch(typeErrorEvent(), hint(typeError('Failed to fetch')))).toEqual(typeErrorEvent());
    const badTell = networkErrorProcessor({ log: logOf([makeNotice()]), watched: () => true, named: () => { throw new Error('no worker'); } });
    const told = await badTell(typeErrorEvent(), hint(typeError('Failed to fetch')));
    expect(told.contexts?.backend_request).toMatchObject({ monitor_event_id: ID_A });
    expect(told.exception).toEqual(typeErrorEvent().exception);
  });
});

describe('the messages', () => {
  it("'failed' (worker → page): accepted as the worker sends it, refused when a field is missing or wrong", () => {
    const sent = workerMessage('failed', makeNotice());
    expect(parseWorkerMessage(JSON.parse(JSON.stringify(sent)))).toEqual({ message: sent });
    const { eventId: _omit, ...folded } = makeNotice();
    expect(parseWorkerMessage(workerMessage('failed', folded))).toEqual({ message: workerMessage('failed', folded) });
    expect(parseWorkerMessage(workerMessage('failed', makeNotice({ kind: 'nope' as never })))).toBeNull();
    expect(parseWorkerMessage(workerMessage('failed', makeNotice({ eventId: 'not-an-id' })))).toBeNull();
    expect(parseWorkerMessage(workerMessage('failed', makeNotice({ at: Number.NaN })))).toBeNull();
    expect(parseWorkerMessage(workerMessage('failed', { ...makeNotice(), url: 42 as never }))).toBeNull();
  });

  it("'appEvent' (page → worker): two event ids, nothing else", () => {
    const sent = pageMessage('appEvent', { eventId: ID_A, appEventId: APP_ID });
    expect(parsePageMessage(sent)).toEqual(sent);
    expect(parsePageMessage(pageMessage('appEvent', { eventId: ID_A, appEventId: 'APP' }))).toBeNull();
    expect(parsePageMessage(pageMessage('appEvent', { eventId: ID_A } as never))).toBeNull();
  });
});
