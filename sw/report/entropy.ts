/**
 * Tells a random token (a key, a token, a password hash) from the readable or
 * structured identifiers an API error is full of, by its shape alone: the
 * scrubber's answer for credential formats no rule knows.
 *
 * The way detect-secrets' Base64HighEntropyString (limit 4.5) and
 * HexHighEntropyString (limit 3.0) work: a token long enough, mixing character
 * classes, with a high Shannon entropy. Two changes, both measured on
 * test/corpora (`npm run bench:scrub` prints the sweep):
 * - a fixed 4.5 bits can only be reached by 23+ distinct characters, so a
 *   20-character key never would; the limit scales with the length instead
 *   (`ratio` of the most a string that long can have, capped at `b64`);
 * - before any entropy, the token is cut at its separators and the readable
 *   parts (words, numbers, versions: `meta-llama/Llama-3.1-8B-Instruct`,
 *   `gpt-4o-mini-2024-07-18`) are set aside: only what is left, joined, can
 *   be random.
 */

export interface EntropyLimits {
  /** Fewest random-looking characters (outside readable parts) for a base64-like token. */
  minLen: number;
  /** Fewest for an all-hex token (trace ids and hashes are shorter than most hex keys). */
  hexMinLen: number;
  /** Bits per character a hex token needs (detect-secrets: 3.0). */
  hex: number;
  /** Cap on the bits per character a base64-like token needs (detect-secrets: 4.5). */
  b64: number;
  /** Below the cap: this share of log2(length), the most a string that long can have. */
  ratio: number;
}

/**
 * A token on its own. Chosen by the sweep in bench/scrub.ts: recall is flat
 * for `ratio` 0.5 to 0.7 and `minLen` 12 to 20, and falls past them; false
 * positives fall as `minLen` rises; so the most conservative point of the
 * flat region. Hex: `hexMinLen` 20 to 32 and detect-secrets' 3.0 cost nothing;
 * 40 (a git hash) or 3.5 loses keys.
 */
export const STRICT: EntropyLimits = { minLen: 20, hexMinLen: 24, hex: 3, b64: 4.5, ratio: 0.7 };
/** A token a few words after a key word ("API key provided: ..."), as gitleaks' generic rule weighs it (it asks 3.5 bits there). */
export const NEAR_KEY_WORD: EntropyLimits = { minLen: 10, hexMinLen: 12, hex: 2.5, b64: 3.5, ratio: 0.6 };

/** Shannon entropy in bits per character. */
export function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Separators inside identifiers and keys. */
const SEPARATORS = /[-_./:+=~@%]+/;
const NUMBERISH = /^(?:\d+|\d+(?:\.\d+)*[a-z]{0,2}|v\d+(?:p\d+)*)$/i;
/** A short letters-and-digits chunk: `v1`, `h100`, `gpt4`, `e5`, `x86`. */
const SHORT_MIXED = /^(?:[a-z]{1,6}\d{1,4})+[a-z]{0,2}$/i;
/** Humps of a camel-case or snake word: `Instruct`, `OpenAI`, `HuggingFace`, `ECONNRESET`. */
const HUMPS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g;
const VOWELS = /[aeiouy]/gi;

/**
 * A part a person wrote: up to three characters (too short to judge), a
 * number or version, a short chunk like `v1` or `h100`, or a word or a few
 * camel-cased words. Camel humps average 4+ letters (`HuggingFace`,
 * `DeploymentNotFound`, `XMLHttpRequest`); random mixed case averages about
 * two; and a long lowercase run needs vowels.
 */
export function isReadablePart(part: string): boolean {
  if (part.length <= 3 || NUMBERISH.test(part)) return true;
  if (part.length <= 8 && SHORT_MIXED.test(part)) return true;
  if (!/^[A-Za-z]+$/.test(part)) return false;
  const humps = part.match(HUMPS) ?? [];
  if (part.length / humps.length < 4) return false;
  return humps.every((h) => h.length < 8 || (h.match(VOWELS)?.length ?? 0) / h.length >= 0.25);
}

/** What is left of a token once its readable parts are set aside. */
export function randomPart(token: string): string {
  let rest = '';
  for (const part of token.split(SEPARATORS)) if (!isReadablePart(part)) rest += part;
  return rest;
}

/**
 * True when the token looks random enough to be a credential. Pure shape:
 * the caller has already let known ids and allowlisted shapes through.
 */
export function looksRandom(token: string, limits: EntropyLimits = STRICT): boolean {
  const rest = randomPart(token);
  const hex = /^[0-9a-f]+$/i.test(rest);
  if (rest.length < (hex ? limits.hexMinLen : limits.minLen)) return false;
  // Mixed classes: digits and letters, or both cases.
  const classes = +/\d/.test(rest) + +/[a-z]/.test(rest) + +/[A-Z]/.test(rest);
  if (classes < 2) return false;
  const h = shannon(rest);
  return hex ? h >= limits.hex : h >= Math.min(limits.b64, limits.ratio * Math.log2(rest.length));
}
