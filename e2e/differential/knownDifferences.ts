/**
 * Every difference the differential fuzz accepts, with its reason, and every
 * difference it found that the worker should not make (open bugs, kept
 * failing in their own test). The README's "What it changes" lists the same.
 *
 * Each accepted difference names its cause, and the fuzz checks the cause by
 * observation on every run: a `service-worker` difference must also appear
 * with the plain pass-through worker (`passThroughWorker.ts`), so it is the
 * browser's doing, not the monitor's; a `monitor` difference must not.
 */
import type { Difference } from './compare.js';
import type { DiffCase } from './generate.js';

export interface AcceptedDifference {
  id: string;
  cause: 'service-worker' | 'monitor';
  /** One line, as the README says it. */
  what: string;
  why: string;
  matches(d: Difference, c: DiffCase): boolean;
}

export interface OpenWorkerBug {
  id: string;
  /** What goes wrong, as a test title. */
  title: string;
  /** Where in `sw/`, and what to change. */
  where: string;
  /** Cases that show it for certain (the failing test runs these). */
  shows(c: DiffCase): boolean;
  /** This case's differences are this bug's. */
  explains(differences: Difference[], c: DiffCase): boolean;
  /** The worker's console line each occurrence writes. */
  logs?: RegExp;
}

const nonAscii = (s: unknown): boolean => typeof s === 'string' && /[^\x00-\x7f]/.test(s);
/** `bare` encoded as UTF-8 and read back as Latin-1 (`Ç` → `Ã\x87`): what the page gets through a worker. */
const mangled = (bare: unknown, worker: unknown): boolean => typeof bare === 'string' && nonAscii(bare) && worker === Buffer.from(bare, 'utf8').toString('latin1');

/** The worker's stream path (`sw/observe/watchStream.ts` `isStreamed`): these content types are re-wrapped. */
export const STREAMED_TYPE = /^(text\/event-stream|application\/(x-ndjson|stream\+json|jsonl))\b/i;
const finalHop = (c: DiffCase) => c.hops[c.hops.length - 1]!;

export const ACCEPTED: AcceptedDifference[] = [
  {
    id: 'request-header-latin1',
    cause: 'service-worker',
    what: 'A request header whose value has bytes outside ASCII (`café`, legal as Latin-1) reaches the API with an empty value.',
    why: "Chromium hands the request to the worker with header values decoded as UTF-8; a Latin-1 byte is not valid UTF-8, and the worker's fetch sends the value as empty. A plain `respondWith(fetch(event.request))` worker does the same; the worker never sees the original bytes.",
    matches: (d) =>
      d.side === 'api' && /\.headers\.[^.]+$/.test(d.field) && Array.isArray(d.bare) && Array.isArray(d.worker) && d.bare.some(nonAscii) && d.worker.every((v) => v === ''),
  },
  {
    id: 'status-text-latin1',
    cause: 'service-worker',
    what: "A status text with bytes outside ASCII (`Ça Marche`) reaches the page as mojibake (`Ãa Marche`).",
    why: 'Chromium passes the network response from the worker to the page with its reason phrase re-encoded as UTF-8 and read back as Latin-1. Any service worker that returns the network response does the same.',
    matches: (d) => d.side === 'page' && /^(again\.)?statusText$/.test(d.field) && mangled(d.bare, d.worker),
  },
  {
    id: 'response-header-latin1',
    cause: 'service-worker',
    what: 'A response header value with bytes outside ASCII (`café`) reaches the page as mojibake (`cafÃ©`).',
    why: 'As for the status text: Chromium re-encodes the header values of a response that crosses from a worker to the page. Any service worker that returns the network response does the same.',
    matches: (d) => d.side === 'page' && /^(again\.)?headers\./.test(d.field) && mangled(d.bare, d.worker),
  },
  {
    id: 'stream-type-basic',
    cause: 'monitor',
    what: '`response.type` is `"basic"` instead of `"cors"` for a streamed (SSE or NDJSON) answer from another origin.',
    why: "The worker watches a stream through a `Response` it constructs around the body (to count bytes and events and see it break), and a constructed response is never `cors`: Chromium gives it to the page as `basic`. Its status, status text, headers (the same CORS-exposed set), url and bytes are unchanged.",
    matches: (d, c) => d.side === 'page' && /^(again\.)?type$/.test(d.field) && d.bare === 'cors' && d.worker === 'basic' && STREAMED_TYPE.test(finalHop(c).body.contentType ?? ''),
  },
];

/**
 * A case whose request the browser builds and sends, answered once (no
 * redirect) with CORS that lets the page read the answer: one that shows a
 * worker bug for certain, rather than failing the same way on both sides.
 */
function plainExchange(c: DiffCase): boolean {
  const r = c.request;
  const h = c.hops[0]!;
  const bodyOnGet = r.body.kind !== 'none' && (r.method === 'GET' || r.method === 'HEAD');
  return c.hops.length === 1 && r.mode === 'cors' && r.cache !== 'only-if-cached' && r.body.kind !== 'stream' && !bodyOnGet && !r.keepalive && h.cors === 'ok' && h.allowCredentials && h.preflight === 'ok' && !h.cut;
}

const streamedAnswer = (c: DiffCase) => STREAMED_TYPE.test(finalHop(c).body.contentType ?? '');
const pageGotAnErrorInstead = (differences: Difference[]) => differences.some((d) => d.side === 'page' && /^(again\.)?error$/.test(d.field) && d.bare === undefined && typeof d.worker === 'string');

/**
 * Worker bugs the fuzz found and that are not fixed yet, each failing in its
 * own test until it is. Fixed so far, both in `isStreamed` (sw/observe/watchStream.ts):
 * null-body-stream (a 204, 205 or 304 with an SSE or NDJSON type was wrapped,
 * and reached the page as a network error) and status-outside-200-599-stream
 * (the same for statuses 600-999, which a constructed Response refuses);
 * only statuses 200-599 that may have a body are wrapped now.
 */
export const OPEN_WORKER_BUGS: OpenWorkerBug[] = [];

export interface Verdict {
  /** Differences nothing explains: failures. */
  unexplained: Difference[];
  /** Accepted differences, by id. */
  accepted: Map<string, number>;
  /** Accepted differences whose stated cause the control run contradicts: failures. */
  unverified: string[];
  /** The open bug this case's differences belong to. */
  bug?: OpenWorkerBug;
}

/**
 * Judges one case's differences (monitor vs no worker), using the control's
 * (plain pass-through worker vs no worker) to check each accepted one's cause.
 */
export function judge(c: DiffCase, monitor: Difference[], control: Difference[]): Verdict {
  const verdict: Verdict = { unexplained: [], accepted: new Map(), unverified: [] };
  if (monitor.length === 0) return verdict;
  const bug = OPEN_WORKER_BUGS.find((b) => b.explains(monitor, c));
  if (bug) return { ...verdict, bug };
  const same = (a: Difference, b: Difference) => a.field === b.field && JSON.stringify(a.bare) === JSON.stringify(b.bare) && JSON.stringify(a.worker) === JSON.stringify(b.worker);
  for (const d of monitor) {
    const a = ACCEPTED.find((x) => x.matches(d, c));
    if (!a) {
      verdict.unexplained.push(d);
      continue;
    }
    verdict.accepted.set(a.id, (verdict.accepted.get(a.id) ?? 0) + 1);
    const inControl = control.some((x) => same(x, d));
    const controlTouched = control.some((x) => x.field === d.field);
    if (a.cause === 'service-worker' && !inControl) verdict.unverified.push(`${c.id} ${d.side} ${d.field}: accepted as "${a.id}" (any service worker), but the plain pass-through worker did not change it`);
    if (a.cause === 'monitor' && controlTouched) verdict.unverified.push(`${c.id} ${d.side} ${d.field}: accepted as "${a.id}" (the monitor's own), but the plain pass-through worker changed it too`);
  }
  return verdict;
}
