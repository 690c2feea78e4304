/**
 * Turns a request path into a template so one endpoint is one Sentry issue:
 * `/v1/models/3f2a9c0e1b7d4a6f` → `/v1/models/{id}`. A segment becomes `{id}`
 * when it is a number, a UUID, a hex hash, a random-looking token, or anything
 * the scrubber would hide (a key, a JWT, an email). Readable names (`gpt-4o`,
 * `meta-llama-3-70b-instruct`) stay.
 */
import { scrubText } from './scrub.js';

const NUMBER = /^\d+$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)[0-9a-f]{12,}$/i;

/**
 * Random-looking: 16+ characters that switch between digits, lower and upper
 * case often (nanoid, base64url ids). Model names such as
 * `meta-llama-3-70b-instruct` switch rarely, so they stay.
 */
function looksRandom(s: string): boolean {
  if (s.length < 16) return false;
  const cls = (c: string) => (c >= '0' && c <= '9' ? 1 : c >= 'a' && c <= 'z' ? 2 : c >= 'A' && c <= 'Z' ? 3 : 0);
  let switches = 0;
  for (let i = 1; i < s.length; i++) {
    const a = cls(s[i - 1]!);
    const b = cls(s[i]!);
    if (a && b && a !== b) switches++;
  }
  return switches >= 5;
}

export function templateSegment(segment: string): string {
  if (segment === '') return segment;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    /* keep the raw segment */
  }
  if (NUMBER.test(decoded) || UUID.test(decoded) || HEX.test(decoded) || looksRandom(decoded)) return '{id}';
  // An email, a token or a key in a path is an identifier, and must not reach
  // the tag, the message or the fingerprint.
  if (decoded.includes('@') || scrubText(decoded) !== decoded) return '{id}';
  return segment;
}

export function endpointTemplate(pathname: string): string {
  return pathname.split('/').map(templateSegment).join('/') || '/';
}
