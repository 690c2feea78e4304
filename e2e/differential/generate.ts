/**
 * The differential fuzz's seeded generator: request/response pairs, the same
 * for the same (seed, index), so a failing case replays with `FUZZ_SEED=N`.
 *
 * A case is plain data (JSON): the page builds the request from it
 * (`runCases.ts`), the differential server answers from it (`server.ts`). A
 * case may redirect: `hops[0]` answers the request, each hop but the last is a
 * redirect to the next, on the same origin or the other one.
 *
 * Some generated requests are invalid on purpose (a GET with a body, no-cors
 * with PUT, `only-if-cached` across origins, keepalive with a stream): the
 * browser must refuse them the same way with and without the worker.
 */
import { mulberry32 } from '../servers/fuzzResponse.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ServerName = 'api' | 'other';

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'json'; json: string }
  | { kind: 'bytes'; base64: string }
  | { kind: 'blob'; base64: string; type: string }
  | { kind: 'form'; fields: Array<[string, string]>; file: { field: string; name: string; type: string; base64: string } }
  | { kind: 'params'; entries: Array<[string, string]> }
  | { kind: 'stream'; chunks: string[] };

export interface RequestSpec {
  /** Where the request starts: `api` is same-site with the page (cross-origin), `other` is cross-site. */
  server: ServerName;
  /** Path and query, `/c/<id>/h0/...`. A `#fragment` may follow; it is never sent. */
  path: string;
  method: Method;
  mode: 'cors' | 'no-cors';
  headers: Array<[string, string]>;
  body: BodySpec;
  credentials: RequestCredentials;
  redirect: RequestRedirect;
  cache: RequestCache;
  keepalive: boolean;
  referrerPolicy: ReferrerPolicy;
  priority: 'high' | 'low' | 'auto';
  /** How the page reads the body: all at once, chunk by chunk from its reader, or chunk by chunk with a pause after each (a slow consumer). */
  read: 'arrayBuffer' | 'reader' | 'slowReader';
  /** The page makes the same request again once it has read the first answer, so `cache` meets a stored response. */
  repeat: boolean;
}

export type ResponseBodyKind = 'empty' | 'text' | 'json' | 'binary' | 'html' | 'sse' | 'ndjson';

export interface ResponseSpec {
  status: number;
  /** Absent: Node's standard reason phrase for the status. */
  statusText?: string;
  /** How `Access-Control-Allow-Origin` is answered: the exact origin, none, `*`, or another origin. */
  cors: 'ok' | 'missing' | 'wildcard' | 'wrong-origin';
  allowCredentials: boolean;
  /** `Access-Control-Expose-Headers`: a list, `*`, or none. */
  expose: string[] | '*' | null;
  /** How a preflight for this hop is answered. */
  preflight: 'ok' | 'deny';
  /** Every other header, in order; names may repeat (`set-cookie`, a repeated `x-dup`). */
  headers: Array<[string, string]>;
  /** For a redirect hop: where `Location` points, and how it is written (another server's is always absolute). */
  redirectTo?: { server: ServerName; form: 'absolute' | 'path' | 'relative' };
  /** The body; a HEAD answer announces its length (with `framing: 'length'`) and sends none. */
  body: { kind: ResponseBodyKind; size: number; contentType: string | null };
  encoding: 'identity' | 'gzip' | 'br' | 'deflate';
  framing: 'length' | 'chunked';
  chunks: number;
  chunkDelayMs: number;
  headersDelayMs: number;
  /** The connection is cut before the body's last chunk. */
  cut: boolean;
}

export interface DiffCase {
  id: string;
  seed: number;
  index: number;
  request: RequestSpec;
  hops: ResponseSpec[];
}

export interface GenerateOptions {
  /** Share of cases that redirect, 0..1. Default 0.18. */
  redirectRate?: number;
}

type Rand = () => number;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[(rand() * items.length) | 0]!;
const chance = (rand: Rand, p: number): boolean => rand() < p;
const int = (rand: Rand, lo: number, hi: number): number => lo + ((rand() * (hi - lo + 1)) | 0);

/** Weighted pick: `[[weight, value], ...]`. */
function weighted<T>(rand: Rand, table: ReadonlyArray<readonly [number, T]>): T {
  const total = table.reduce((s, [w]) => s + w, 0);
  let r = rand() * total;
  for (const [w, v] of table) if ((r -= w) < 0) return v;
  return table[table.length - 1]![1];
}

function bytes(rand: Rand, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}

const base64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

const WORDS = ['alpha', 'beta', 'gamma', 'δέλτα', 'ünïcode', 'emoji😀', 'space d', 'a&b=c', 'quote"s', 'slash/x', '%41', '+plus', ''];

function text(rand: Rand, max: number): string {
  const n = int(rand, 0, max);
  let s = '';
  while (s.length < n) s += pick(rand, WORDS) + pick(rand, [' ', '\n', '\r\n', '\t', ',', '']);
  return s.slice(0, n);
}

const STATUSES: ReadonlyArray<readonly [number, number]> = [
  [30, 200], [3, 201], [2, 202], [1, 203], [5, 204], [1, 205], [2, 206], [1, 226], [1, 299],
  [1, 300], [4, 304], [1, 305], [1, 306],
  [3, 400], [3, 401], [2, 403], [4, 404], [1, 405], [1, 406], [1, 408], [1, 409], [1, 410], [1, 413], [1, 415], [1, 418], [2, 422], [3, 429], [1, 451], [1, 499],
  [4, 500], [1, 501], [3, 502], [3, 503], [2, 504], [1, 507], [1, 520], [1, 599], [1, 600], [1, 799], [1, 999],
];

// Reason phrases a server may send besides the standard one: none at all, a custom one,
// one with obs-text (a Latin-1 byte), one with a tab.
const REASONS = ['', 'Custom Reason', 'Ça Marche', 'Tab\tIn Reason', 'OK', 'lower case'];

const RESPONSE_CONTENT_TYPES: Record<ResponseBodyKind, Array<string | null>> = {
  empty: [null, 'text/plain'],
  text: ['text/plain', 'text/plain; charset=utf-8', 'text/plain; charset=iso-8859-1'],
  json: ['application/json', 'application/json; charset=utf-8', 'application/problem+json'],
  binary: ['application/octet-stream', 'image/png', null],
  html: ['text/html; charset=utf-8'],
  // Every spelling the worker's stream path matches.
  sse: ['text/event-stream', 'text/event-stream; charset=utf-8', 'Text/Event-Stream'],
  ndjson: ['application/x-ndjson', 'application/jsonl', 'application/stream+json', 'application/x-ndjson; charset=utf-8'],
};

const CUSTOM_RESPONSE_HEADERS = ['x-request-id', 'x-diff-a', 'x-diff-b', 'retry-after', 'x-ratelimit-remaining', 'cf-ray', 'server-timing'];

function responseSpec(rand: Rand, id: string, hopIndex: number, method: Method, redirect: boolean): ResponseSpec {
  const status = redirect ? pick(rand, [301, 302, 303, 307, 308]) : weighted(rand, STATUSES);
  const kind: ResponseBodyKind = weighted(rand, [
    [3, 'empty'], [4, 'text'], [6, 'json'], [3, 'binary'], [1, 'html'], [5, 'sse'], [4, 'ndjson'],
  ] as const);
  const headers: Array<[string, string]> = [];
  const custom = CUSTOM_RESPONSE_HEADERS.filter(() => chance(rand, 0.35));
  for (const name of custom) headers.push([name, name === 'retry-after' ? String(int(rand, 0, 120)) : `${name}-${id}-${int(rand, 0, 999)}`]);
  if (chance(rand, 0.15)) headers.push(['x-dup', 'one'], ['x-dup', 'two']);
  if (chance(rand, 0.1)) headers.push(['x-empty', '']);
  if (chance(rand, 0.1)) headers.push(['x-latin1', 'caf\u00e9']);
  // Safelisted response headers: always visible to the page.
  if (chance(rand, 0.35)) headers.push(['cache-control', pick(rand, ['no-store', 'max-age=60', 'max-age=60', 'no-cache', 'private, max-age=0', 'public, max-age=3600, immutable'])]);
  if (chance(rand, 0.15)) headers.push(['content-language', pick(rand, ['en', 'de-CH', 'en, fr'])]);
  if (chance(rand, 0.15)) headers.push(['expires', 'Thu, 01 Jan 2037 00:00:00 GMT']);
  if (chance(rand, 0.15)) headers.push(['last-modified', 'Wed, 21 Oct 2015 07:28:00 GMT']);
  if (chance(rand, 0.15)) headers.push(['pragma', 'no-cache']);
  if (chance(rand, 0.2)) headers.push(['etag', `"${id}-${hopIndex}"`]);
  if (chance(rand, 0.3)) headers.push(['vary', pick(rand, ['Origin', 'Accept-Encoding', 'Cookie', '*', 'X-Diff-Custom', 'Origin, Accept'])]);
  // Cookies scoped to this case's path, so concurrent cases never see each other's.
  const cookies = chance(rand, 0.3) ? int(rand, 1, 2) : 0;
  for (let i = 0; i < cookies; i++) {
    const attrs = pick(rand, ['', '; HttpOnly', '; SameSite=Strict', '; SameSite=Lax', '; SameSite=None; Secure', '; Max-Age=60']);
    headers.push(['set-cookie', `case_${hopIndex}_${i}=${id}-${i}; Path=/c/${id}/${attrs}`]);
  }
  const exposeRoll = rand();
  const expose: ResponseSpec['expose'] =
    exposeRoll < 0.35 ? null : exposeRoll < 0.5 ? '*' : [...custom.filter(() => chance(rand, 0.6)), ...(chance(rand, 0.3) ? ['x-dup', 'set-cookie', 'x-latin1', 'x-empty'] : []), ...(chance(rand, 0.2) ? ['content-encoding', 'content-length', 'vary', 'etag'] : [])];
  const cors = weighted(rand, [[94, 'ok'], [2, 'missing'], [2, 'wildcard'], [2, 'wrong-origin']] as const);
  const encoding = weighted(rand, [[6, 'identity'], [2, 'gzip'], [2, 'br'], [1, 'deflate']] as const);
  const size = kind === 'empty' ? 0 : weighted(rand, [[5, int(rand, 1, 300)], [4, int(rand, 300, 5000)], [1, int(rand, 5000, 120_000)]] as const);
  return {
    status,
    statusText: chance(rand, 0.2) ? pick(rand, REASONS) : undefined,
    cors,
    allowCredentials: chance(rand, 0.95),
    expose,
    preflight: chance(rand, 0.97) ? 'ok' : 'deny',
    headers,
    redirectTo: redirect ? { server: chance(rand, 0.5) ? 'api' : 'other', form: pick(rand, ['absolute', 'path', 'relative'] as const) } : undefined,
    body: { kind, size, contentType: pick(rand, RESPONSE_CONTENT_TYPES[kind]) },
    encoding,
    framing: chance(rand, 0.5) ? 'length' : 'chunked',
    chunks: int(rand, 1, 5),
    chunkDelayMs: chance(rand, 0.25) ? int(rand, 5, 60) : 0,
    headersDelayMs: chance(rand, 0.2) ? int(rand, 5, 120) : 0,
    cut: !redirect && method !== 'HEAD' && chance(rand, 0.03),
  };
}

const REQUEST_CONTENT_TYPES = [
  'application/json',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/octet-stream',
  'application/vnd.api+json; charset=utf-8',
  'Text/Plain',
];

function bodySpec(rand: Rand, method: Method, keepalive: boolean, streamAllowed: boolean): BodySpec {
  // GET and HEAD carry no body; 2% of them try anyway, which the browser refuses.
  if ((method === 'GET' || method === 'HEAD') && !chance(rand, 0.02)) return { kind: 'none' };
  const kind = weighted(rand, [[1, 'none'], [3, 'text'], [4, 'json'], [2, 'bytes'], [2, 'blob'], [2, 'form'], [2, 'params'], [streamAllowed ? 2 : 0, 'stream']] as const);
  // A keepalive body is small, or (now and then) over the 64 KiB keepalive limit, which
  // the browser refuses before any worker sees it; never near the limit, where the
  // in-flight total of concurrent cases would decide.
  const n = keepalive ? (chance(rand, 0.1) ? int(rand, 70_000, 90_000) : int(rand, 0, 2000)) : chance(rand, 0.1) ? int(rand, 20_000, 90_000) : int(rand, 0, 2000);
  switch (kind) {
    case 'none':
      return { kind };
    case 'text':
      return { kind, text: text(rand, n) };
    case 'json':
      return { kind, json: JSON.stringify({ model: pick(rand, ['openai/gpt-4o', 'meta-llama/llama-3.1-8b']), messages: [{ role: 'user', content: text(rand, n) }], stream: chance(rand, 0.5) }) };
    case 'bytes':
      return { kind, base64: base64(bytes(rand, n)) };
    case 'blob':
      return { kind, base64: base64(bytes(rand, n)), type: pick(rand, ['', 'application/octet-stream', 'image/png', 'text/plain;charset=utf-8']) };
    case 'form':
      return {
        kind,
        fields: Array.from({ length: int(rand, 0, 3) }, (_, i) => [pick(rand, ['name', 'näme', 'a b', `f${i}`]), text(rand, 50)] as [string, string]),
        file: { field: 'file', name: pick(rand, ['a.txt', 'ü n"i.bin', 'x.png', '']), type: pick(rand, ['', 'text/plain', 'image/png', 'application/octet-stream']), base64: base64(bytes(rand, Math.min(n, 30_000))) },
      };
    case 'params':
      return { kind, entries: Array.from({ length: int(rand, 0, 5) }, () => [text(rand, 12), text(rand, 40)] as [string, string]) };
    case 'stream':
      return { kind, chunks: Array.from({ length: int(rand, 1, 4) }, () => base64(bytes(rand, int(rand, 1, 500)))) };
  }
}

const QUERIES = ['', '?gateway=openrouter', '?a=1&a=2&b=%2F&c=%C3%BC', '?', '?token=secret-value&x=y', '?q=space%20d+plus'];
const TAILS = ['v1/models', 'v1/chat/completions', 'v1/images/generations', 'v1/%C3%BCber', 'v1/a%20b', 'v1/keys/sk-abc123'];

/** The case that (seed, index) stands for. */
export function generateCase(seed: number, index: number, options: GenerateOptions = {}): DiffCase {
  // Each case has its own stream of numbers: replaying case i needs no other case.
  const rand = mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const id = `s${seed}i${index}`;
  const method = weighted(rand, [[5, 'GET'], [2, 'HEAD'], [5, 'POST'], [2, 'PUT'], [2, 'PATCH'], [2, 'DELETE']] as const);
  const mode = chance(rand, 0.08) ? 'no-cors' : 'cors';
  const keepalive = chance(rand, 0.15);
  // Keepalive with a stream is refused by the browser; generated now and then, not often.
  const body = bodySpec(rand, method, keepalive, !keepalive || chance(rand, 0.1));

  const headers: Array<[string, string]> = [];
  if (chance(rand, 0.4)) headers.push(['x-diff-custom', text(rand, 30).replace(/[^\x20-\x7e]/g, '') || 'v']);
  if (chance(rand, 0.1)) headers.push(['x-diff-latin1', 'caf\u00e9 cr\u00e8me']);
  if (chance(rand, 0.3)) headers.push(['authorization', pick(rand, [`Bearer gw_live_${id}`, 'Basic dXNlcjpwYXNz', `Bearer ${'e'.repeat(40)}.x.y`])]);
  if (chance(rand, 0.3)) headers.push(['content-type', pick(rand, REQUEST_CONTENT_TYPES)]);
  if (chance(rand, 0.15)) headers.push(['accept', pick(rand, ['application/json', 'text/event-stream', '*/*', 'application/x-ndjson'])]);
  if (chance(rand, 0.08)) headers.push(['if-none-match', `"${id}-0"`]);
  if (chance(rand, 0.05)) headers.push(['if-modified-since', 'Wed, 21 Oct 2015 07:28:00 GMT']);
  if (chance(rand, 0.05)) headers.push(['range', pick(rand, ['bytes=0-99', 'bytes=10-'])]);
  if (chance(rand, 0.05)) headers.push(['x-request-id', `client-${id}`]);
  if (chance(rand, 0.05)) headers.push(['accept-language', 'de-CH, en;q=0.5']);

  const redirecting = chance(rand, options.redirectRate ?? 0.18);
  const hopCount = redirecting ? (chance(rand, 0.2) ? 3 : 2) : 1;
  const hops = Array.from({ length: hopCount }, (_, h) => responseSpec(rand, id, h, method, h < hopCount - 1));

  const tail = pick(rand, TAILS);
  const query = pick(rand, QUERIES);
  return {
    id,
    seed,
    index,
    request: {
      server: chance(rand, 0.8) ? 'api' : 'other',
      path: `/c/${id}/h0/${tail}${query}${chance(rand, 0.05) ? '#frag' : ''}`,
      method,
      mode,
      headers,
      body,
      credentials: weighted(rand, [[2, 'omit'], [3, 'same-origin'], [5, 'include']] as const),
      redirect: weighted(rand, [[6, 'follow'], [2, 'manual'], [2, 'error']] as const),
      cache: weighted(rand, [[8, 'default'], [2, 'no-store'], [2, 'reload'], [2, 'no-cache'], [2, 'force-cache'], [0.3, 'only-if-cached']] as const),
      keepalive,
      referrerPolicy: pick(rand, ['', 'no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url'] as const),
      priority: weighted(rand, [[8, 'auto'], [1, 'high'], [1, 'low']] as const),
      read: weighted(rand, [[5, 'arrayBuffer'], [4, 'reader'], [1, 'slowReader']] as const),
      repeat: chance(rand, 0.2),
    },
    hops,
  };
}

/** The request body's size in bytes, near enough to tell it from the 64 KiB keepalive limit. */
export function requestBodyBytes(body: BodySpec): number {
  const b64 = (s: string) => Buffer.from(s, 'base64').length;
  switch (body.kind) {
    case 'none':
      return 0;
    case 'text':
      return Buffer.byteLength(body.text);
    case 'json':
      return Buffer.byteLength(body.json);
    case 'bytes':
    case 'blob':
      return b64(body.base64);
    case 'form':
      return b64(body.file.base64) + body.fields.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 100, 200);
    case 'params':
      return Buffer.byteLength(new URLSearchParams(body.entries).toString());
    case 'stream':
      return body.chunks.reduce((n, c) => n + b64(c), 0);
  }
}

/**
 * Whether the browser hands the request to a service worker at all. Fetch
 * answers these with a network error first: a no-cors request that does not
 * follow redirects (https://fetch.spec.whatwg.org/#main-fetch), and a keepalive
 * request whose body passes 64 KiB (https://fetch.spec.whatwg.org/#fetch-method).
 */
export function reachesWorker(c: DiffCase): boolean {
  const r = c.request;
  if (r.mode === 'no-cors' && r.redirect !== 'follow') return false;
  if (r.keepalive && requestBodyBytes(r.body) > 64 * 1024) return false;
  return true;
}

/** Cases `from` .. `to - 1` of a seed. */
export function generateCases(seed: number, from: number, to: number, options?: GenerateOptions): DiffCase[] {
  const out: DiffCase[] = [];
  for (let i = from; i < to; i++) out.push(generateCase(seed, i, options));
  return out;
}

/** A short description of a case, for failure messages. */
export function describeCase(c: DiffCase): string {
  const r = c.request;
  const hops = c.hops
    .map((h) => `${h.status}${h.redirectTo ? `→${h.redirectTo.server}` : ` ${h.body.kind}/${h.body.contentType ?? 'none'} ${h.encoding} ${h.framing}${h.cut ? ' cut' : ''}`}`)
    .join(' ');
  return `${r.method} ${r.server}${r.path} mode=${r.mode} body=${r.body.kind} credentials=${r.credentials} redirect=${r.redirect} cache=${r.cache} keepalive=${r.keepalive} referrerPolicy=${r.referrerPolicy || '""'}${r.repeat ? ' repeat' : ''} | ${hops}`;
}
