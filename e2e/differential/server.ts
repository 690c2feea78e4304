/**
 * The differential fuzz's API: two loopback servers in one process, `api`
 * (http://localhost:A, the same site as the page, another origin) and `other`
 * (http://127.0.0.1:B, another site), both answering from registered cases.
 *
 * For each case (`/c/<id>/h<hop>/...`) it records what arrived: method, URL,
 * raw headers in order, body bytes and cookies, preflights included. It
 * answers with the hop's generated response: redirects, CORS (the exact
 * origin with credentials, or deliberately wrong), compressed, chunked or
 * sized bodies, slow headers, slow or cut bodies. `/__diff/login` sets the
 * session cookies that `credentials` decides about.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { listenOnLoopback } from '../../src/playwright/listen.js';
import { mulberry32 } from '../servers/fuzzResponse.js';
import type { DiffCase, ResponseSpec, ServerName } from './generate.js';

export interface ReceivedRequest {
  server: ServerName;
  hop: number;
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Raw header lines, names lower-cased, in arrival order. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** `name=value` pairs of the Cookie header, sorted. */
  cookies: string[];
}

export interface DifferentialServer {
  origins: Record<ServerName, string>;
  /** Cases the servers answer from, by id. */
  register(cases: DiffCase[]): void;
  /** What arrived for a case, in order, and forgets it (the next run of the same case starts empty). */
  take(id: string): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * The session cookies each server sets at `/__diff/login`: one per SameSite
 * value. `api` (same site as the page) gets all three; `other` (another site)
 * gets none in this Chromium, with or without a worker: a cross-site answer
 * may not set a Lax or Strict cookie, and the None one is not kept either.
 */
export const SESSION_COOKIES = ['diff_sid=fixed-session; Path=/; HttpOnly; SameSite=Lax', 'diff_strict=1; Path=/; SameSite=Strict', 'diff_none=1; Path=/; SameSite=None; Secure'];

const FIXED_DATE = 'Sun, 01 Nov 2026 12:00:00 GMT';
const CASE_PATH = /^\/c\/([^/]+)\/h(\d+)(?:\/|$)/;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function rawHeaders(req: IncomingMessage): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  // Node reads header values as Latin-1, so bytes outside ASCII (`café`) arrive as they were sent.
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
  return out;
}

function cookiesOf(req: IncomingMessage): string[] {
  return (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter(Boolean)
    .sort();
}

/** The body a hop sends, before encoding: deterministic for (case, hop). */
export function responseBody(c: DiffCase, hop: number): Buffer {
  const spec = c.hops[hop]!;
  const rand = mulberry32((c.seed * 31 + c.index * 7 + hop + 1) >>> 0);
  const { kind, size } = spec.body;
  if (kind === 'empty' || size === 0) return Buffer.alloc(0);
  if (kind === 'binary') {
    const b = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) b[i] = (rand() * 256) | 0;
    return b;
  }
  const pieces: string[] = [];
  for (let n = 0, length = 0; length < size; n++) {
    const word = ['tok', 'ünï', '😀', 'data', ' ', '"q"', '\\'][(rand() * 7) | 0]!;
    const piece =
      kind === 'sse' ? `id: ${n}\nevent: delta\ndata: ${JSON.stringify({ n, word })}\n\n`
      : kind === 'ndjson' ? `${JSON.stringify({ n, word })}\n`
      : kind === 'html' ? `<p>${word}</p>`
      : word;
    pieces.push(piece);
    length += Buffer.byteLength(piece);
  }
  const s = pieces.join('');
  return Buffer.from(kind === 'json' ? JSON.stringify({ id: c.id, hop, filler: s }) : s);
}

function encode(body: Buffer, encoding: ResponseSpec['encoding']): Buffer {
  if (encoding === 'gzip') return gzipSync(body);
  if (encoding === 'br') return brotliCompressSync(body);
  if (encoding === 'deflate') return deflateSync(body);
  return body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function corsHeaders(spec: ResponseSpec, origin: string | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (spec.cors === 'ok' && origin) out.push(['access-control-allow-origin', origin]);
  if (spec.cors === 'wildcard') out.push(['access-control-allow-origin', '*']);
  if (spec.cors === 'wrong-origin') out.push(['access-control-allow-origin', 'http://elsewhere.invalid']);
  if (spec.allowCredentials) out.push(['access-control-allow-credentials', 'true']);
  if (spec.expose) out.push(['access-control-expose-headers', spec.expose === '*' ? '*' : spec.expose.join(', ')]);
  return out;
}

export async function startDifferentialServer(): Promise<DifferentialServer> {
  const cases = new Map<string, DiffCase>();
  const received = new Map<string, ReceivedRequest[]>();
  const origins = {} as Record<ServerName, string>;

  const location = (c: DiffCase, hop: number, here: ServerName, spec: ResponseSpec, requestPath: string): string => {
    const to = spec.redirectTo!;
    const path = `/c/${c.id}/h${hop + 1}/next?from=h${hop}`;
    if (to.server !== here || to.form === 'absolute') return origins[to.server] + path;
    if (to.form === 'path') return path;
    // Relative to the request's directory: up to /c/<id>/, then down to the next hop.
    const depth = requestPath.split('?')[0]!.split('/').length - 4;
    return `${'../'.repeat(depth)}h${hop + 1}/next?from=h${hop}`;
  };

  const answer = async (name: ServerName, req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const origin = req.headers.origin;
    if (url === '/__diff/login' || url === '/__diff/whoami') {
      const cors: Array<[string, string]> = origin ? [['access-control-allow-origin', origin], ['access-control-allow-credentials', 'true']] : [];
      const headers = url === '/__diff/login' ? SESSION_COOKIES.map((c): [string, string] => ['set-cookie', c]) : [];
      res.writeHead(200, [...cors, ...headers, ['content-type', 'application/json']].flat());
      res.end(JSON.stringify({ cookies: cookiesOf(req) }));
      return;
    }
    const m = CASE_PATH.exec(url);
    const c = m ? cases.get(m[1]!) : undefined;
    const hop = m ? Number(m[2]) : -1;
    const spec = c?.hops[hop];
    if (!c || !spec) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such case: ${url}`);
      return;
    }
    const body = await readBody(req);
    const list = received.get(c.id) ?? [];
    list.push({ server: name, hop, method: req.method ?? '', url, headers: rawHeaders(req), body, cookies: cookiesOf(req) });
    received.set(c.id, list);

    if (req.method === 'OPTIONS') {
      if (spec.preflight === 'deny') {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('preflight denied');
        return;
      }
      const headers: Array<[string, string]> = [];
      if (origin) headers.push(['access-control-allow-origin', origin]);
      headers.push(['access-control-allow-credentials', 'true'], ['access-control-max-age', '0']);
      const method = req.headers['access-control-request-method'];
      const asked = req.headers['access-control-request-headers'];
      if (method) headers.push(['access-control-allow-methods', method]);
      if (asked) headers.push(['access-control-allow-headers', asked]);
      res.writeHead(204, headers.flat()).end();
      return;
    }

    if (spec.headersDelayMs) await sleep(spec.headersDelayMs);
    // A fixed Date: two runs a second apart must not differ by the clock.
    res.sendDate = false;
    const headers: Array<[string, string]> = [['date', FIXED_DATE], ...corsHeaders(spec, origin), ...spec.headers];
    if (spec.redirectTo) {
      headers.push(['location', location(c, hop, name, spec, url)], ['content-type', 'text/plain']);
      writeHead(res, spec, headers);
      res.end(`redirecting to hop ${hop + 1}`);
      return;
    }
    const encoded = encode(responseBody(c, hop), spec.encoding);
    if (spec.body.contentType) headers.push(['content-type', spec.body.contentType]);
    if (spec.encoding !== 'identity') headers.push(['content-encoding', spec.encoding]);
    if (spec.framing === 'length') headers.push(['content-length', String(encoded.length)]);
    writeHead(res, spec, headers);
    // Node sends no body for HEAD, 204 and 304 whatever is written; the announced length stays.
    const bodyless = req.method === 'HEAD' || spec.status === 204 || spec.status === 304 || encoded.length === 0;
    const cut = spec.cut && !bodyless && encoded.length >= 2;
    const parts = split(encoded, cut ? Math.max(2, spec.chunks) : spec.chunks);
    for (let i = 0; i < parts.length; i++) {
      if (cut && i === parts.length - 1) {
        // The connection drops before the last chunk, as a crashed upstream's would; only once
        // the browser has had time to read what came before, so it never retries the request
        // as it would a connection lost before any answer.
        await sleep(30);
        req.socket.destroy();
        return;
      }
      if (i > 0 && spec.chunkDelayMs) await sleep(spec.chunkDelayMs);
      if (res.destroyed) return;
      await new Promise<void>((resolve) => res.write(parts[i], () => resolve()));
    }
    res.end();
  };

  const make = (name: ServerName) =>
    createServer((req, res) => {
      answer(name, req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`differential server error: ${String(err)}`);
        else res.destroy();
      });
    });

  const api = await listenOnLoopback(make('api'), 0, '127.0.0.1');
  const other = await listenOnLoopback(make('other'), 0, '127.0.0.1');
  // `localhost` is the page's site (the site server is http://localhost:N): same-site, cross-origin.
  origins.api = `http://localhost:${api.port}`;
  origins.other = `http://127.0.0.1:${other.port}`;

  return {
    origins,
    register(list) {
      for (const c of list) cases.set(c.id, c);
    },
    take(id) {
      const list = received.get(id) ?? [];
      received.delete(id);
      return list;
    },
    close: async () => {
      await Promise.all([api.close(), other.close()]);
    },
  };
}

function writeHead(res: ServerResponse, spec: ResponseSpec, headers: Array<[string, string]>): void {
  // A flat [name, value, ...] list keeps order and repeated names (two set-cookie lines, two x-dup).
  if (spec.statusText !== undefined) res.writeHead(spec.status, spec.statusText, headers.flat());
  else res.writeHead(spec.status, headers.flat());
}

function split(body: Buffer, n: number): Buffer[] {
  if (body.length === 0) return [];
  const parts: Buffer[] = [];
  const size = Math.ceil(body.length / n);
  for (let i = 0; i < body.length; i += size) parts.push(body.subarray(i, i + size));
  return parts;
}
