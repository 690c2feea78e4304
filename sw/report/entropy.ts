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
/**
 * A token a few words after a key word ("API key provided: ..."), as gitleaks'
 * generic rule weighs it (it asks 3.5 bits there). Also a whole query value
 * or path segment, whatever its name (a URL's parameters are where tokens
 * travel), a token after a vendor prefix (`sm_pat_...`: the prefix says as
 * much as a key word), and an endpoint's path segment (`{id}`).
 */
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
const SEPARATORS = /[-_./:+=~@%#]+/;
const NUMBERISH = /^(?:\d+|\d+(?:\.\d+)*[a-z]{0,2}|v\d+(?:p\d+)*)$/i;
/** A short letters-and-digits chunk: `v1`, `h100`, `gpt4o`, `e5`, `x86`; in capitals or capitalised, one run of each (`SHA256`, `A100`, `Qwen2`; not `V1StGXR8`, `IW6KP9`). */
const SHORT_MIXED = /^(?:[a-z]{1,6}\d{1,4})+[a-z]{0,2}$|^(?:[A-Z][a-z]{0,5}|[A-Z]{1,6})\d{1,4}[A-Za-z]?$/;
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
 * The one randomness test, for the scrubber and for endpoint templates alike:
 * true when the token looks random enough to be a credential (or, for a
 * template, a generated id). Pure shape: the caller has already let known ids
 * and allowlisted shapes through.
 */
export function looksRandom(token: string, limits: EntropyLimits = STRICT): boolean {
  if (isRandom(randomPart(token), limits)) return true;
  // One part on its own: a hex run joined to a mixed one measures less than either (`pat<14>.<64 hex>`),
  // and a hex run after a few letters is hex (`dapi<32 hex>`, `SK<32 hex>`).
  for (const part of token.split(SEPARATORS)) {
    if (!isReadablePart(part) && (isRandom(part, limits) || isRandom(part.replace(/^[a-z]{1,6}(?=[\da-f]+$)/i, ''), limits))) return true;
  }
  return false;
}

function isRandom(rest: string, limits: EntropyLimits): boolean {
  // Hex is written in one case: mixed-case hex digits are as random as any base64.
  const hex = /^(?:[\da-f]+|[\dA-F]+)$/.test(rest);
  if (rest.length < (hex ? limits.hexMinLen : limits.minLen)) return false;
  // Mixed classes: digits and letters, or both cases.
  const classes = +/\d/.test(rest) + +/[a-z]/.test(rest) + +/[A-Z]/.test(rest);
  if (classes < 2) return false;
  const h = shannon(rest);
  return hex ? h >= limits.hex : h >= Math.min(limits.b64, limits.ratio * Math.log2(rest.length));
}

/**
 * After a vendor prefix: as near a key word, but a hex tail needs 20 digits, so
 * a build hash after a word (`page-3f2a9c0e1b7d4a6f.js`, `i-0abc123def4567890`)
 * is not a key.
 */
export const PREFIXED: EntropyLimits = { ...NEAR_KEY_WORD, minLen: 12, hexMinLen: 20, hex: 3 };

/**
 * A vendor prefix, then a random tail: `sm_pat_...`, `glpat-...`, `xkeysib-...`,
 * `dop_v1_...`, `sk-ant-api03-...`. The prefix is a short word in one case
 * before a separator (a mixed-case start is a random token's own `-` or `_`); what follows, its readable parts set aside, needs only the
 * entropy of a token after a key word. A prefix that names an environment
 * (`sk_live_`, `FLWSECK_TEST-`) says "key" outright: then 12 hex digits do.
 * Prefix lists (gitleaks' rules, GitHub's patterns) are this shape, one vendor
 * at a time.
 */
export function looksPrefixed(token: string): boolean {
  return /^(?:[a-z][a-z\d]{1,9}|[A-Z][A-Z\d]{1,9})[-_.][\w.~+/=-]{10}/.test(token) && looksRandom(token, /[-_.](?:test|live|prod)[-_.]/i.test(token) ? NEAR_KEY_WORD : PREFIXED);
}
