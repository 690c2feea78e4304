/**
 * Reads the start of an error body from a clone of the response, so the page's
 * copy is never delayed: at most `maxChars` characters, at most `maxChars * 4`
 * bytes (UTF-8's widest), and no longer than `deadlineMs`; then the clone is
 * cancelled, which leaves the page's branch of the tee untouched.
 */
const TEXTUAL = /^(text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded|problem\+json)|$)/i;

/** Whether a body of this content type is text worth previewing (binary bodies are not previewed). */
export function isTextual(contentType: string | null): boolean {
  return TEXTUAL.test((contentType ?? '').split(';')[0]!.trim());
}

export async function readPreview(response: Response, maxChars: number, deadlineMs: number): Promise<string | undefined> {
  if (maxChars <= 0 || !response.body) return undefined;
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  // Binary bodies are not previewed; the report's content_type says what they were.
  if (!TEXTUAL.test(contentType)) return undefined;
  const reader = response.clone().body!.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const maxBytes = maxChars * 4;
  let text = '';
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  try {
    while (bytes < maxBytes && text.length < maxChars) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === 'deadline' || next.done) break;
      bytes += next.value.byteLength;
      text += decoder.decode(next.value, { stream: true });
    }
    text += decoder.decode();
  } catch {
    // The body failed mid-read: keep what arrived.
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}
