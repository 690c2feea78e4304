/**
 * Watches a streamed response body on its way to the page: every chunk is
 * forwarded the moment the page asks for it, bytes and server-sent events are
 * counted, and an error of the body (the connection cut mid-stream) is
 * reported. The page cancelling its read is not a failure.
 *
 * The page gets a constructed Response with the same status, status text and
 * headers. A constructed response cannot keep `redirected` (nor the final URL
 * of a redirect), so redirected responses are never wrapped.
 */
export interface StreamOutcome {
  bytes: number;
  events: number;
  ms: number;
  error: unknown;
}

const STREAMED = /^(text\/event-stream|application\/(x-ndjson|stream\+json|jsonl))\b/i;

export function isStreamed(response: Response): boolean {
  return !!response.body && !response.redirected && STREAMED.test(response.headers.get('content-type') ?? '');
}

export function watchStream(response: Response, onError: (outcome: StreamOutcome) => void): Response {
  const started = Date.now();
  const reader = response.body!.getReader();
  let bytes = 0;
  let events = 0;
  let lastByte = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          onError({ bytes, events, ms: Date.now() - started, error });
          controller.error(error);
          return;
        }
        if (next.done) return controller.close();
        const chunk = next.value;
        bytes += chunk.byteLength;
        // An SSE event ends with a blank line: count "\n\n" across chunk boundaries.
        for (const b of chunk) {
          if (b === 10 && lastByte === 10) events++;
          if (b !== 13) lastByte = b;
        }
        controller.enqueue(chunk);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
