/**
 * The gateway simulator: a real HTTP server on loopback that stands in for the
 * gatewayz API, with CORS, and fault injection. Faults are rules matched by
 * path prefix (and method); each can answer any status, body and headers, delay
 * its headers, reset the connection, hang, or cut a stream.
 *
 * Control it in-process (`sim.fault(...)`) or over HTTP (`POST /__sim/faults`
 * with a rule as JSON, `DELETE /__sim/faults`), which the demo's buttons use.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fuzzCase, writeFuzzResponse, BODY_KINDS, type BodyKind } from './fuzzResponse.js';
import { listenOnLoopback } from '../../src/playwright/listen.js';

export interface FaultRule {
  /** Path prefix the rule applies to, e.g. `/v1/models`. */
  path: string;
  method?: string;
  /** Only requests with this `gateway` query parameter. */
  gateway?: string;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
  /** What happens: answer (the default), reset the connection, or never answer. */
  action?: 'respond' | 'reset' | 'hang';
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before sending headers. */
  delayMs?: number;
  /** Send the headers and the body's first 20 bytes at once, the rest this much later. */
  bodyDelayMs?: number;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': 'x-request-id, retry-after, cf-ray, content-type',
  'access-control-max-age': '600',
};

/** The body kinds `/v1/stream?type=` serves, by content type: the first two take the monitor's re-wrapped path, the others pass through. */
export const STREAM_TYPES = {
  sse: 'text/event-stream',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
  octet: 'application/octet-stream',
} as const;

/** Event `i` of a `/v1/stream` body of the given type; `pad` characters more in each (`pad=N`), for streams big enough to fill the browser's buffers. */
export function streamEvent(type: keyof typeof STREAM_TYPES, i: number, pad = 0): string {
  const data = JSON.stringify(pad > 0 ? { n: i, pad: 'x'.repeat(pad) } : { n: i });
  if (type === 'ndjson') return `${data}\n`;
  if (type === 'json') return `${i === 0 ? '[' : ','}${data}`;
  if (type === 'octet') return `${String(i).padStart(8, '0')}`;
  return `id: ${i}\ndata: ${data}\n\n`;
}

export const MODELS = ['openai/gpt-4o', 'anthropic/claude-sonnet-4', 'meta-llama/llama-3.1-8b'];

/** Deterministic bytes for `/v1/blob?size=N&seed=S`: the same for every fetch, so hashes can be compared. */
export function blobBytes(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface GatewaySimulator {
  origin: string;
  port: number;
  /** Requests seen, by `METHOD path?query`. */
  requests: string[];
  /** The trace headers each request came with (sentry-trace, baggage, traceparent), in the same order as `requests`. */
  traceHeaders: Array<Record<string, string>>;
  /** Requests whose connection closed before their response was complete (the client cancelled, or a fault cut it), by `METHOD path?query`. */
  closedEarly: string[];
  fault(rule: FaultRule): void;
  clear(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startGatewaySimulator(options: { port?: number; host?: string } = {}): Promise<GatewaySimulator> {
  let rules: Array<FaultRule & { used: number }> = [];
  const requests: string[] = [];
  const traceHeaders: Array<Record<string, string>> = [];
  const closedEarly: string[] = [];

  const normal = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const gateway = url.searchParams.get('gateway') ?? 'all';
    if (url.pathname === '/v1/blob') {
      const size = Math.min(Number(url.searchParams.get('size') ?? 1024), 50 * 1024 * 1024);
      const body = blobBytes(size, Number(url.searchParams.get('seed') ?? 1));
      res.writeHead(200, { ...CORS, 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    // `/v1/stream/<anything>` too, so each test's streams have an endpoint (a Sentry issue) of their own.
    if (url.pathname === '/v1/stream' || url.pathname.startsWith('/v1/stream/')) {
      const count = Number(url.searchParams.get('events') ?? 3);
      // `type`: the body kind, framed as an app would read it: sse (the default), ndjson, json (one array, written element by element) or octet.
      const type = (url.searchParams.get('type') ?? 'sse') as keyof typeof STREAM_TYPES;
      res.writeHead(200, { ...CORS, 'content-type': STREAM_TYPES[type] ?? STREAM_TYPES.sse, 'cache-control': 'no-store' });
      let i = 0;
      // `cut=N`: after N events the connection drops mid-stream, as a proxy or a crash would.
      const cut = url.searchParams.has('cut') ? Number(url.searchParams.get('cut')) : Infinity;
      let flushed = Promise.resolve();
      // `stallAfter=N&stallMs=M`: after N events, nothing for M ms, then the stream goes on, as a stuck upstream model would.
      const stallAfter = Number(url.searchParams.get('stallAfter') ?? -1);
      let resumeAt = 0;
      const tick = setInterval(() => {
        if (Date.now() < resumeAt) return;
        if (i >= cut) {
          clearInterval(tick);
          // Only once what was written has reached the socket, and a moment after: a loaded machine must not cut before
          // the first events left (a reset that reaches the browser first can take unread data with it).
          void flushed.then(() => setTimeout(() => req.socket.destroy(), 100));
          return;
        }
        // `perTick=K`: K events each tick (a steady 1,000 events/s is `gapMs=10&perTick=10`).
        for (let k = Number(url.searchParams.get('perTick') ?? 1); k > 0 && i < count && i < cut; k--) {
          const chunk = streamEvent(type, i, Number(url.searchParams.get('pad') ?? 0));
          flushed = new Promise<void>((resolve) => res.write(chunk, () => resolve()));
          if (i + 1 === stallAfter) resumeAt = Date.now() + Number(url.searchParams.get('stallMs') ?? 0);
          i++;
          if (Date.now() < resumeAt) break;
        }
        if (i >= count) {
          if (type === 'json') res.write(']');
          clearInterval(tick);
          res.end();
        }
      }, Number(url.searchParams.get('gapMs') ?? 20));
      req.on('close', () => clearInterval(tick));
      return;
    }
    if (url.pathname === '/v1/fuzz') {
      const kind = url.searchParams.get('kind') as BodyKind | null;
      writeFuzzResponse(fuzzCase(Number(url.searchParams.get('seed') ?? 0), kind && BODY_KINDS.includes(kind) ? kind : undefined), res, CORS);
      return;
    }
    if (url.pathname.startsWith('/v1/')) {
      const body = JSON.stringify({ data: MODELS.map((id) => ({ id, gateway })), gateway, method: req.method });
      res.writeHead(200, { ...CORS, 'content-type': 'application/json', 'x-request-id': `req-${requests.length}` });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(404, { ...CORS, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Not Found', path: url.pathname }));
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    if (url.pathname === '/__sim/faults') {
      if (req.method === 'POST') {
        try {
          sim.fault(JSON.parse(await readBody(req)) as FaultRule);
          res.writeHead(204, CORS).end();
        } catch (err) {
          res.writeHead(400, { ...CORS, 'content-type': 'text/plain' }).end(`bad fault rule: ${String(err)}`);
        }
      } else {
        sim.clear();
        res.writeHead(204, CORS).end();
      }
      return;
    }
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    traceHeaders.push(Object.fromEntries(['sentry-trace', 'baggage', 'traceparent'].flatMap((h) => (typeof req.headers[h] === 'string' ? [[h, req.headers[h] as string]] : []))));
    res.on('close', () => {
      if (!res.writableFinished) closedEarly.push(`${req.method} ${url.pathname}${url.search}`);
    });
    // Drain the request body so a POST never stalls.
    if (req.method !== 'GET' && req.method !== 'HEAD') await readBody(req);
    const rule = rules.find(
      (r) =>
        url.pathname.startsWith(r.path) &&
        (!r.method || r.method === req.method) &&
        (!r.gateway || r.gateway === url.searchParams.get('gateway')) &&
        (r.times === undefined || r.used < r.times),
    );
    if (!rule) return normal(req, res, url);
    rule.used++;
    if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
    if (rule.action === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (rule.action === 'hang') return; // never answers; the socket closes with the server
    if (!rule.status) return normal(req, res, url);
    res.writeHead(rule.status, { ...CORS, 'content-type': 'application/json', ...rule.headers });
    if (rule.bodyDelayMs && req.method !== 'HEAD') {
      const body = rule.body ?? '';
      res.write(body.slice(0, 20));
      setTimeout(() => res.end(body.slice(20)), rule.bodyDelayMs);
      return;
    }
    res.end(req.method === 'HEAD' ? undefined : (rule.body ?? ''));
  });

  const host = options.host ?? '127.0.0.1';
  const { port, close } = await listenOnLoopback(server, options.port ?? 0, host);
  const sim: GatewaySimulator = {
    origin: `http://${host}:${port}`,
    port,
    requests,
    traceHeaders,
    closedEarly,
    fault(rule) {
      if (typeof rule?.path !== 'string' || !rule.path.startsWith('/')) throw new Error('a fault rule needs "path", starting with "/"');
      rules.unshift({ ...rule, used: 0 });
    },
    clear() {
      rules = [];
      requests.length = 0;
      traceHeaders.length = 0;
      closedEarly.length = 0;
    },
    close,
  };
  return sim;
}
