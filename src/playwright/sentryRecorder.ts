/**
 * The Sentry recorder: a real HTTP server that a DSN points at. It accepts
 * envelopes the way Sentry's ingest does (`POST /api/<project>/envelope/`),
 * parses them with `@sentry/core`'s `parseEnvelope`, and keeps every event and
 * metric for the tests. It can be told to answer with failures (500, 429 +
 * Retry-After). Listens on loopback only.
 */
import { parseEnvelope, type Envelope, type Event } from '@sentry/core';
import { createServer } from 'node:http';
import { listenOnLoopback } from './listen.js';

export interface RecordedEvent {
  event: Event;
  receivedAt: number;
}

export interface PlannedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Answer this much later (the envelope is taken at once): a slow ingest, to hold a batch in flight. */
  delayMs?: number;
}

export interface SentryRecorder {
  dsn: string;
  port: number;
  /** Every event accepted (answered 2xx), in arrival order. */
  events: RecordedEvent[];
  /** Every metric item accepted (`trace_metric` envelope items), flattened. */
  metrics: Array<{ name: string; type: string; value: number; attributes?: Record<string, { value: unknown }> }>;
  /** Every envelope received, including the ones answered with a failure. */
  envelopes: Envelope[];
  /** Raw bodies of every envelope received, for byte searches. */
  raw: Buffer[];
  /** Takes an envelope body directly (what the Playwright kit does with intercepted ingest requests). */
  ingest(body: Buffer): PlannedAnswer & { body: string };
  /** Answers the next envelopes that carry an event with these, in order; then 200 again. */
  plan(answers: PlannedAnswer[]): void;
  waitForEvent(predicate: (e: Event) => boolean, timeoutMs?: number): Promise<Event>;
  waitForEvents(count: number, predicate?: (e: Event) => boolean, timeoutMs?: number): Promise<Event[]>;
  clear(): void;
  close(): Promise<void>;
}

/** Sentry's envelope endpoint, as in any DSN's ingest URL. */
export const ENVELOPE_PATH = /\/api\/\d+\/envelope\/?/;

export const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': 'x-sentry-rate-limits, retry-after',
};

export async function startSentryRecorder(options: { port?: number } = {}): Promise<SentryRecorder> {
  const events: RecordedEvent[] = [];
  const metrics: SentryRecorder['metrics'] = [];
  const envelopes: Envelope[] = [];
  const raw: Buffer[] = [];
  let planned: PlannedAnswer[] = [];
  const listeners = new Set<() => void>();

  /** Takes one envelope as Sentry's ingest would, and says how it answered. */
  const ingest = (body: Buffer): PlannedAnswer & { body: string } => {
    raw.push(body);
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(new Uint8Array(body));
    } catch (err) {
      return { status: 400, body: `unparseable envelope: ${String(err)}` };
    }
    envelopes.push(envelope);
    // Planned failures are for event envelopes; sessions and client reports always get a 200.
    const hasEvent = envelope[1].some(([h]) => h.type === 'event');
    const answer = (hasEvent && planned.shift()) || { status: 200 };
    if (answer.status >= 200 && answer.status < 300) {
      for (const [header, payload] of envelope[1]) {
        if (header.type === 'event') events.push({ event: payload as Event, receivedAt: Date.now() });
        if (header.type === 'trace_metric') metrics.push(...((payload as { items?: SentryRecorder['metrics'] }).items ?? []));
      }
      listeners.forEach((l) => l());
    }
    return { ...answer, body: answer.status < 300 ? JSON.stringify({ id: (envelope[0] as { event_id?: string }).event_id ?? null }) : '{}' };
  };

  const server = createServer(async (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    if (req.method !== 'POST' || !ENVELOPE_PATH.test(req.url ?? '')) {
      res.writeHead(404, CORS).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = ingest(Buffer.concat(chunks));
    res.writeHead(answer.status, { ...CORS, 'content-type': 'application/json', ...answer.headers }).end(answer.body);
  });

  const { port, close } = await listenOnLoopback(server, options.port ?? 0);

  const waitForEvents = (count: number, predicate: (e: Event) => boolean = () => true, timeoutMs = 15_000) =>
    new Promise<Event[]>((resolve, reject) => {
      const check = () => {
        const found = events.map((r) => r.event).filter(predicate);
        if (found.length >= count) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        const found = events.map((r) => r.event).filter(predicate);
        reject(new Error(`recorder: waited ${timeoutMs} ms for ${count} matching event(s), found ${found.length}; all messages: ${JSON.stringify(events.map((r) => r.event.message))}`));
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });

  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    port,
    events,
    metrics,
    envelopes,
    raw,
    ingest,
    plan(answers) {
      planned = [...answers];
    },
    waitForEvents,
    waitForEvent: async (predicate, timeoutMs) => (await waitForEvents(1, predicate, timeoutMs))[0]!,
    clear() {
      events.length = 0;
      metrics.length = 0;
      envelopes.length = 0;
      raw.length = 0;
      planned = [];
    },
    close,
  };
}
