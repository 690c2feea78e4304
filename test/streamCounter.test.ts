import { describe, expect, it } from 'vitest';
import { counter } from '../sw/observe/watchStream.js';

const bytes = (s: string) => new TextEncoder().encode(s);
/** Feeds the text to a counter cut at every given position; returns the events counted. */
function count(sse: boolean, text: string, cuts: number[] = []): number {
  const c = counter(sse);
  let n = 0;
  let from = 0;
  for (const at of [...cuts, text.length]) {
    n += c(bytes(text.slice(from, at)));
    from = at;
  }
  return n;
}

describe('stream event counting', () => {
  const sse = 'data: a\n\ndata: b\nid: 2\n\n: comment\n\n';
  const crlf = 'data: a\r\n\r\ndata: b\r\n\r\n';
  it('counts SSE events by their blank line, LF or CRLF, however the stream is cut', () => {
    expect(count(true, sse)).toBe(3);
    expect(count(true, crlf)).toBe(2);
    for (let cut = 1; cut < sse.length; cut++) expect(count(true, sse, [cut])).toBe(3);
    for (let cut = 1; cut < crlf.length; cut++) expect(count(true, crlf, [cut])).toBe(2);
    expect(count(true, crlf, [8, 9, 10])).toBe(2);
  });
  it('counts NDJSON lines', () => {
    const nd = '{"a":1}\n{"a":2}\n{"a":3}\n';
    expect(count(false, nd)).toBe(3);
    for (let cut = 1; cut < nd.length; cut++) expect(count(false, nd, [cut])).toBe(3);
  });
  it('a single line break is not an SSE event', () => {
    expect(count(true, 'data: a\ndata: b\n')).toBe(0);
  });
});
