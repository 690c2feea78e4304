/**
 * Seeded fault responses for the fuzz suite: random statuses, with bodies that
 * are binary, invalid UTF-8, 10 MB, gzip-encoded, empty, never-ending, chunked
 * with pauses, and headers that are odd but legal. The same seed always gives
 * the same response, so the page's view with and without the worker can be
 * compared byte for byte.
 */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BODY_KINDS = ['json', 'binary', 'invalid-utf8', 'large', 'gzip', 'empty', 'endless', 'chunked-pauses'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];
const STATUSES = [200, 201, 202, 206, 400, 401, 403, 404, 409, 410, 418, 422, 429, 451, 500, 501, 502, 503, 504, 599];

export interface FuzzCase {
  seed: number;
  status: number;
  body: BodyKind;
  headers: Record<string, string>;
}

function bytes(rand: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}

/** The case a seed stands for; `kind` forces a body kind so every kind is covered. */
export function fuzzCase(seed: number, kind?: BodyKind): FuzzCase {
  const rand = mulberry32(seed);
  const status = STATUSES[(rand() * STATUSES.length) | 0]!;
  const body = kind ?? BODY_KINDS[(rand() * BODY_KINDS.length) | 0]!;
  const headers: Record<string, string> = {};
  const odd = (rand() * 5) | 0;
  if (odd === 0) headers['x-long'] = 'v'.repeat(4096);
  if (odd === 1) for (let i = 0; i < 40; i++) headers[`x-many-${i}`] = String(i);
  if (odd === 2) headers['x-empty'] = '';
  if (odd === 3) headers["x-!#$%&'*+-.^_`|~"] = 'token-chars';
  if (odd === 4) headers['x-spaces'] = 'a  b\tc';
  return { seed, status, body, headers };
}

/** Writes the case's response. Never-ending bodies go on until the client disconnects. */
export function writeFuzzResponse(c: FuzzCase, res: ServerResponse, cors: Record<string, string>): void {
  const rand = mulberry32(c.seed * 7919 + 1);
  const base = { ...cors, ...c.headers };
  const bodyless = c.status === 204 || c.status === 304;
  switch (c.body) {
    case 'json': {
      const body = JSON.stringify({ error: 'fuzz', seed: c.seed, detail: 'x'.repeat((rand() * 2000) | 0) });
      res.writeHead(c.status, { ...base, 'content-type': 'application/json' }).end(bodyless ? undefined : body);
      return;
    }
    case 'binary':
      res.writeHead(c.status, { ...base, 'content-type': 'application/octet-stream' }).end(bytes(rand, (rand() * 65536) | 0));
      return;
    case 'invalid-utf8': {
      // Lone continuation bytes and truncated sequences, labelled as UTF-8 text.
      const b = bytes(rand, 2000).map((x) => 0x80 | (x & 0x3f));
      res.writeHead(c.status, { ...base, 'content-type': 'text/plain; charset=utf-8' }).end(Buffer.concat([Buffer.from('start '), b, Buffer.from([0xe2, 0x82])]));
      return;
    }
    case 'large':
      res.writeHead(c.status, { ...base, 'content-type': 'application/octet-stream', 'content-length': String(10 * 1024 * 1024) }).end(bytes(rand, 10 * 1024 * 1024));
      return;
    case 'gzip': {
      const body = gzipSync(Buffer.from(JSON.stringify({ error: 'compressed', seed: c.seed, filler: 'y'.repeat(5000) })));
      res.writeHead(c.status, { ...base, 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(body);
      return;
    }
    case 'empty':
      res.writeHead(c.status, { ...base, 'content-length': '0' }).end();
      return;
    case 'endless': {
      res.writeHead(c.status, { ...base, 'content-type': 'text/plain' });
      let n = 0;
      const tick = setInterval(() => {
        if (res.destroyed) return clearInterval(tick);
        res.write(`line ${n++} ${'z'.repeat(1000)}\n`);
      }, 1);
      res.on('close', () => clearInterval(tick));
      return;
    }
    case 'chunked-pauses': {
      res.writeHead(c.status, { ...base, 'content-type': 'text/plain' });
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i === 6) return void res.end('done\n');
        res.write(`chunk ${i++}\n`);
        setTimeout(next, 30 + ((rand() * 120) | 0));
      };
      next();
      return;
    }
  }
}
