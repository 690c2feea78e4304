/**
 * Watches a streamed response body on its way to the page: every chunk is
 * forwarded the moment the page asks for it, bytes and events are counted
 * (server-sent events end with a blank line, NDJSON lines with a newline;
 * found with `indexOf` on each chunk, no per-byte loop), and an error of the
 * body (the connection cut mid-stream) is reported, and stored, before the
 * page's read fails. The page cancelling its read is not a failure, and the
 * cancel goes upstream, closing the connection to the API.
 *
 * A stall (a read waiting longer than `stallMs` for the API's next bytes) is
 * reported once, and the stream goes on. Only time spent waiting on the API
 * counts: a page that stops reading stops the reads, so it is never a stall.
 *
 * The page gets a constructed Response with the same status, status text and
 * headers. A constructed response cannot keep `redirected` (nor the final URL
 * of a redirect), so redirected responses are never wrapped.
 */
export interface StreamOutcome {
  bytes: number;
  events: number;
  /** Since the headers arrived. */
  ms: number;
  /** The body's error; undefined for a stall. */
  error?: unknown;
  stalled?: true;
}

const STREAMED = /^(text\/event-stream|application\/(x-ndjson|stream\+json|jsonl))\b/i;

/** Statuses whose response may not have a body: a constructed Response with one throws (and the original's body would already be locked). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Wrapped only when a constructed Response can carry it: not a null-body
 * status, and not 600-999, which HTTP allows and Chromium passes to pages,
 * but `new Response` refuses (found by the differential fuzz, seed 1515).
 */
export function isStreamed(response: Response): boolean {
  return !!response.body && !response.redirected && response.status < 600 && !NULL_BODY.has(response.status) && STREAMED.test(response.headers.get('content-type') ?? '');
}

/** Counts events in a chunk: SSE blank lines, or NDJSON lines; a delimiter may straddle two chunks. */
export function counter(sse: boolean): (chunk: Uint8Array) => number {
  // SSE: an event ends with a blank line, "\n\n" ("\r\n\r\n" too: one "\r" before a "\n" is skipped).
  // `prev` is the last byte before this chunk other than "\r", for a blank line split across chunks.
  let prev = 0;
  return (chunk) => {
    let n = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      let j = i - 1;
      if (chunk[j] === 13) j--;
      if (!sse || (j < 0 ? prev : chunk[j]) === 10) n++;
    }
    for (let k = chunk.length - 1; k >= 0; k--) {
      if (chunk[k] !== 13) {
        prev = chunk[k]!;
        break;
      }
    }
    return n;
  };
}

export function watchStream(response: Response, stallMs: number, report: (outcome: StreamOutcome) => Promise<unknown>): Response {
  const started = Date.now();
  const reader = response.body!.getReader();
  const count = counter(/^text\/event-stream/i.test(response.headers.get('content-type') ?? ''));
  let bytes = 0;
  let events = 0;
  let stalled = false;
  const outcome = (o: { error: unknown } | { stalled: true }): StreamOutcome => ({ bytes, events, ms: Date.now() - started, ...o });
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        // Armed only while a read waits on the API (a cancel ends the read, and so the timer).
        const timer = stalled
          ? undefined
          : setTimeout(() => {
              stalled = true;
              report(outcome({ stalled: true })).catch(() => {});
            }, stallMs);
        try {
          next = await reader.read();
        } catch (error) {
          await report(outcome({ error })).catch(() => {});
          controller.error(error);
          return;
        } finally {
          clearTimeout(timer);
        }
        if (next.done) return controller.close();
        const chunk = next.value;
        bytes += chunk.byteLength;
        events += count(chunk);
        controller.enqueue(chunk);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  try {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (err) {
    // Whatever else the constructor refuses: the original goes to the page unlocked, as it came.
    reader.releaseLock();
    throw err;
  }
}
