/**
 * Field-by-field comparison of one case run twice: with no worker ("bare")
 * and through the monitor ("worker"). On the API side: the requests that
 * arrived (preflights and redirect hops included), each one's method, URL,
 * headers, body bytes and cookies. On the page side: everything `runCases`
 * saw. Every difference is reported; which ones are accepted, and why, is
 * `knownDifferences.ts`.
 */
import { createHash } from 'node:crypto';
import type { DiffCase } from './generate.js';
import type { PageResult } from './runCases.js';
import { responseBody, type ReceivedRequest } from './server.js';

export interface Run {
  page: PageResult;
  api: ReceivedRequest[];
}

export interface Difference {
  id: string;
  seed: number;
  index: number;
  side: 'api' | 'page';
  field: string;
  bare: unknown;
  worker: unknown;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * A multipart boundary is random per request (Chromium's `----WebKitFormBoundary`
 * and 16 characters): the same form sent twice differs only there.
 */
const BOUNDARY = /----WebKitFormBoundary[0-9A-Za-z]{16}/g;
function withoutBoundary(r: ReceivedRequest): { headers: Array<[string, string]>; body: Buffer } {
  return {
    headers: r.headers.map(([n, v]) => [n, v.replace(BOUNDARY, '<boundary>')]),
    body: Buffer.from(r.body.toString('latin1').replace(BOUNDARY, '<boundary>'), 'latin1'),
  };
}

function headerMap(headers: Array<[string, string]>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [n, v] of headers) m.set(n, [...(m.get(n) ?? []), v]);
  return m;
}

const preview = (b: Buffer) => (b.length <= 120 ? b.toString('latin1') : `${b.subarray(0, 120).toString('latin1')}… (${b.length} bytes)`);

/**
 * Chromium sends a request again when the answer is 408 on a reused keep-alive
 * connection, as often as the connection pool decides: with no worker too. So a
 * run of the same request answered 408 counts once.
 */
function withoutRetries408(c: DiffCase, list: ReceivedRequest[]): ReceivedRequest[] {
  return list.filter((r, i) => {
    const prev = list[i - 1];
    return !(prev && c.hops[r.hop]?.status === 408 && prev.hop === r.hop && prev.method === r.method && prev.url === r.url && prev.server === r.server);
  });
}

function compareRequests(c: DiffCase, bareAll: ReceivedRequest[], workerAll: ReceivedRequest[], out: Difference[]): void {
  const bare = withoutRetries408(c, bareAll);
  const worker = withoutRetries408(c, workerAll);
  const diff = (field: string, b: unknown, w: unknown) => out.push({ id: c.id, seed: c.seed, index: c.index, side: 'api', field, bare: b, worker: w });
  const line = (r: ReceivedRequest) => `${r.server} ${r.method} ${r.url}`;
  if (bare.length !== worker.length) diff('requests', bare.map(line), worker.map(line));
  for (let i = 0; i < Math.min(bare.length, worker.length); i++) {
    const b = bare[i]!;
    const w = worker[i]!;
    const at = `request[${i}] (${b.method} h${b.hop})`;
    if (line(b) !== line(w)) diff(`${at}.line`, line(b), line(w));
    const nb = withoutBoundary(b);
    const nw = withoutBoundary(w);
    const hb = headerMap(nb.headers);
    const hw = headerMap(nw.headers);
    for (const name of new Set([...hb.keys(), ...hw.keys()])) {
      const vb = hb.get(name) ?? [];
      const vw = hw.get(name) ?? [];
      if (JSON.stringify(vb) === JSON.stringify(vw)) continue;
      diff(`${at}.headers.${name}`, vb, vw);
    }
    if (nb.body.length !== nw.body.length || sha(nb.body) !== sha(nw.body)) diff(`${at}.body`, preview(nb.body), preview(nw.body));
    if (JSON.stringify(b.cookies) !== JSON.stringify(w.cookies)) diff(`${at}.cookies`, b.cookies, w.cookies);
  }
}

/**
 * When a body breaks mid-way, how much of it the page read before the error
 * depends on timing, with no worker too (the same case gives 24003 bytes one
 * run and 32004 the next). So for a broken body what is compared is the error
 * and whether what arrived is the start of what the server sent, not its length.
 */
function brokenBodyPrefix(c: DiffCase, r: PageResult): boolean {
  const sent = responseBody(c, c.hops.length - 1);
  const got = r.response!.body;
  return got.bytes <= sent.length && sha(sent.subarray(0, got.bytes)) === got.sha256;
}

function comparePage(c: DiffCase, bare: PageResult, worker: PageResult, out: Difference[], prefix = ''): void {
  const diff = (field: string, b: unknown, w: unknown) => out.push({ id: c.id, seed: c.seed, index: c.index, side: 'page', field: prefix + field, bare: b, worker: w });
  const broken = !!bare.response?.body.error && !!worker.response?.body.error;
  const flat = (r: PageResult): Record<string, unknown> => {
    const res = r.response;
    const body = broken
      ? { 'body.startOfWhatWasSent': brokenBodyPrefix(c, r) }
      : { 'body.bytes': res?.body.bytes, 'body.sha256': res?.body.sha256 };
    return {
      refused: r.refused,
      error: r.error,
      status: res?.status,
      statusText: res?.statusText,
      ok: res?.ok,
      redirected: res?.redirected,
      type: res?.type,
      url: res?.url,
      ...Object.fromEntries((res?.headers ?? []).map(([n, v]) => [`headers.${n}`, v])),
      hasBody: res?.hasBody,
      ...body,
      'body.error': res?.body.error,
    };
  };
  const fb = flat(bare);
  const fw = flat(worker);
  for (const key of new Set([...Object.keys(fb), ...Object.keys(fw)])) {
    if (fb[key] !== fw[key]) diff(key, fb[key], fw[key]);
  }
  if (bare.again || worker.again) comparePage(c, bare.again ?? { id: c.id }, worker.again ?? { id: c.id }, out, `${prefix}again.`);
}

/** Every difference between the two runs of a case. */
export function compareCase(c: DiffCase, bare: Run, worker: Run): Difference[] {
  const out: Difference[] = [];
  comparePage(c, bare.page, worker.page, out);
  compareRequests(c, bare.api, worker.api, out);
  return out;
}
