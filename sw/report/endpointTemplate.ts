/**
 * Turns a request path into a template so one endpoint is one Sentry issue:
 * `/v1/models/3f2a9c0e1b7d4a6f` → `/v1/models/{id}`. A segment becomes `{id}`
 * when it is a number, a UUID, a hex hash, a random-looking token (entropy.ts's
 * test, the scrubber's own, with the limits of a token near a key word: a
 * generated id is shorter than a key), or anything the scrubber would hide (a
 * key, a JWT, an email). Readable names (`gpt-4o`, `meta-llama-3-70b-instruct`) stay.
 */
import { looksRandom, NEAR_KEY_WORD } from './entropy.js';
import { scrubText } from './scrub.js';

/** A number; UUIDs and hex hashes need no pattern of their own: the randomness test finds them. */
const NUMBER = /^\d+$/;

export function templateSegment(segment: string): string {
  if (segment === '') return segment;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    /* keep the raw segment */
  }
  if (NUMBER.test(decoded) || looksRandom(decoded, NEAR_KEY_WORD)) return '{id}';
  // An email, a token or a key in a path is an identifier, and must not reach
  // the tag, the message or the fingerprint.
  if (decoded.includes('@') || scrubText(decoded) !== decoded) return '{id}';
  return segment;
}

export function endpointTemplate(pathname: string): string {
  return pathname.split('/').map(templateSegment).join('/') || '/';
}
