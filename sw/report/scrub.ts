/**
 * Scrubbing, done in the worker before a report is stored, so nothing secret
 * is ever written to IndexedDB or posted to a page. Secrets are replaced by
 * Sentry's `[Filtered]`, since that is where they would land.
 *
 * Structure first, then shape:
 * 1. JSON: every string literal is visited (`scrubJson.ts`), and one that
 *    holds JSON itself (an upstream's error quoted by a gateway) is unescaped
 *    and visited in turn, up to MAX_DEPTH levels. A value whose key names a
 *    secret (`isSensitiveKey`) is replaced whatever it looks like.
 * 2. Text: URLs of any scheme (userinfo, sensitive query values, token-like
 *    path segments), `Authorization: <scheme> <credential>` and any scheme
 *    word before a credential, `name: value` / `name=value` pairs with the
 *    same name rule, PEM private keys, emails and card numbers (Luhn).
 * 3. Every other token: known credential prefixes (from gitleaks' rules and
 *    GitHub's secret scanning patterns), then, for formats no rule knows,
 *    entropy (`entropy.ts`), with an allowlist of the harmless random-looking
 *    shapes a backend engineer needs: UUIDs, ULIDs, ISO timestamps, model ids,
 *    providers' object ids (`req_`, `chatcmpl-`, `msg_`, `gen-`...) and
 *    anything labelled as an id (`request_id`, `x-request-id: `, `Ray ID: `).
 *
 * Measured on test/corpora (secrets.json, benign.json) by test/scrubCorpora.test.ts.
 * Anchors: Sentry's server-side scrubbing defaults and OpenTelemetry's
 * `url.full` redaction (credentials; `Signature`, `sig`, `X-Goog-Signature`).
 */
import { looksPrefixed, looksRandom, NEAR_KEY_WORD, randomPart, STRICT } from './entropy.js';
import { scrubJsonLiterals } from './scrubJson.js';

export const FILTERED = '[Filtered]';

/** How deep strings holding JSON are unescaped and visited. */
const MAX_DEPTH = 4;

/** A name's words, split at camel case and punctuation; memoised, since an error body repeats its key names. */
const wordCache = new Map<string, string[]>();
function words(name: string): string[] {
  let w = wordCache.get(name);
  if (!w) {
    w = name
      .replace(/([a-z\d])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z\d]+/)
      .filter(Boolean);
    if (wordCache.size > 500) wordCache.clear();
    wordCache.set(name, w);
  }
  return w;
}
const set = (s: string) => new Set(s.split(' '));

/** A word of a key name that names a secret. */
const SECRET_WORDS = set(
  'key keys apikey accesskey secretkey privatekey token secret secrets password passwd pwd pass passphrase passcode auth authorization authentication cookie cookies session sessionid sid credential credentials creds signature sig otp totp hotp mfa pin cvv cvc private jwt bearer csrf xsrf',
);
/** ...or, run together in one lowercase word (`dbpassword`, `xapikey`), one of these. */
const SECRET_PARTS = ['password', 'passwd', 'secret', 'apikey', 'accesskey', 'privatekey', 'credential', 'token', 'cookie', 'signature', 'sessionid'];
/** A word that says the value is about a secret, not the secret: `max_tokens`, `token_type`, `auth_url`. */
const NOT_SECRET_WORDS = set('max min count limit limits total used remaining reset prompt completion input output cached reasoning type types url uri endpoint path expires expiry expiration ttl length size usage per rate required missing tokens');
/** Words that label an identifier or a public value: its value is kept even when it looks random. */
const ID_WORDS = set('id ids uuid guid account accounts request trace traceparent tracestate span ray correlation etag hash hashed sha sha1 sha256 checksum commit revision version build fingerprint cursor nonce opaque');

/**
 * The name rule, for JSON keys, `name: value` pairs and query parameters:
 * true when a word of the name (split at camel case, `_`, `-`, `.`) names a
 * key, token, secret, password (`pwd`, `passwd`), auth, cookie, session,
 * credential, signature, OTP or private value, unless another word says the
 * value is a count, a type or a URL (`max_tokens`, `token_type`, `auth_url`).
 */
export function isSensitiveKey(name: string): boolean {
  const w = words(name);
  if (w.some((x) => NOT_SECRET_WORDS.has(x))) return false;
  if (w.some((x) => SECRET_WORDS.has(x))) return true;
  const run = w.join('');
  return SECRET_PARTS.some((p) => run.includes(p) && !run.includes(`${p}s`));
}

/**
 * The one place shape cannot decide: credentials that are a UUID or a long
 * number, which gitleaks finds only after its vendor's name (heroku-api-key,
 * hubspot-api-key, kucoin-secret-key, snyk-api-token, squarespace-access-token,
 * messagebird-client-id, sendbird-access-id: UUIDs; asana-client-id,
 * discord-client-id: numbers). Everywhere else a UUID or a number is an id,
 * and kept; as the value of a query parameter or the path segment after one
 * of these names, it goes (so does any other allowlisted id there).
 */
const VENDOR_ID = /^(?:heroku|hubspot|kucoin|snyk|squarespace|messagebird|sendbird|asana|discord)$/i;
function vendorId(name: string, value: string): boolean {
  return VENDOR_ID.test(name) && (HARMLESS.test(value) || /^\d{12,}$/.test(value));
}

function isIdKey(name: string): boolean {
  return words(name).some((x) => ID_WORDS.has(x));
}

/**
 * The name rule, plus every signed-URL `X-Amz-*` parameter and the user's own list (`scrubParams`).
 * OAuth's `code` needs no name: every query value is judged as after a key word, and a code is random
 * (`code=rate_limit_exceeded` is an error code, and stays).
 */
export function isSensitiveParam(name: string, extra: readonly string[] = []): boolean {
  const n = name.toLowerCase();
  return n.startsWith('x-amz-') || isSensitiveKey(name) || extra.includes(n);
}

/**
 * Random-looking shapes that are not secrets (the allowlist; see the README's Privacy section).
 * ISO timestamps need no entry: split at their separators they are numbers, and numbers are readable.
 */
const HARMLESS = new RegExp(
  `^(?:${[
    // UUIDs and ULIDs.
    '[\\da-f]{8}-[\\da-f]{4}-[\\da-f]{4}-[\\da-f]{4}-[\\da-f]{12}',
    '[0-7][\\dA-HJKMNP-TV-Z]{25}',
    // Content digests: `sha256:<hex>`, `image@sha256:<hex>`; a release, `name@<commit>`.
    '(?:[\\w.-]+@)?sha(?:1|256|384|512):[\\da-f]{40,128}',
    '[\\w.-]+@[\\da-f]{7,40}',
    // A Replicate model version: owner/model:sha256.
    '[\\w.-]+/[\\w.-]+:[\\da-f]{64}',
    // Providers' object ids: request, completion, message, generation, run, thread, file, batch, response, tool call, org, user, project, Stripe objects.
    '(?:req|request|chatcmpl|cmpl|msg|gen|run|thread|step|asst|file|batch|resp|call|toolu|org|user|proj|ftjob|vs|evt|cus|ch|pi|in|sub|prod|price|txn|job)[-_][\\w-]+',
  ].join('|')})$`,
  'i',
);

const EMAIL = /[\w.%+-]+@[A-Za-z\d.-]+\.[A-Za-z]{2,}/g;
/** Card numbers as printed: 14 to 19 digits, in groups of four (4-6-4/5 for Amex and Diners) or none, then Luhn-checked. */
const CARD = /\b\d{4}([ -]?)\d{4}\1\d{4}\1\d{2,7}\b|\b\d{4}([ -]?)\d{6}\2\d{4,5}\b/g;
/** Authorization schemes: the word that comes before a credential. */
const SCHEMES = 'Bearer|Basic|Token|Digest|Api-?Key|Key|SSWS|Bot|OAuth|JWT|MAC|Negotiate|NTLM|DPoP|AWS4-HMAC-SHA256';
const SCHEME_FIRST = new RegExp(`^(${SCHEMES})\\s+\\S`, 'i');

/** How a token is judged: on its own, a few words after a key word, or labelled as an id. */
const enum Near {
  None,
  KeyWord,
  Id,
}
/** Characters after a key word or an id label within which the next token counts as near it (gitleaks allows 20, then an operator). */
const NEAR_CHARS = 24;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Cheap test before splitting a token into words (a name holding one of these words holds it as text): most tokens of an error body are ordinary words. */
const LABEL_HINT = new RegExp([...SECRET_WORDS, ...ID_WORDS].join('|'), 'i');

function nearOf(name: string): Near {
  if (!LABEL_HINT.test(name)) return Near.None;
  if (isIdKey(name)) return Near.Id;
  const w = words(name);
  return w.some((x) => SECRET_WORDS.has(x)) && !w.some((x) => NOT_SECRET_WORDS.has(x)) ? Near.KeyWord : Near.None;
}

/** One token of text, with no spaces or quotes in it. */
function scrubToken(token: string, near: Near): string {
  // Too short for any rule, unless it is an email, a URL or a path.
  if (token.length < 9 && !/[@/]/.test(token)) return token;
  // Punctuation around a token is not part of it: `=` before a hash, `.` ending a sentence.
  const [, lead, core, trail] = /^([=:]*)(.*?)([.:!?,=]*)$/s.exec(token)!;
  if (!core) return token;
  // Cheap tests first: the searches below are unanchored, slow on a long token.
  const url = core.includes('://') ? core.search(/[A-Za-z][\w+.-]*:\/\//) : -1;
  if (url >= 0) return lead + core.slice(0, url) + scrubUrlText(core.slice(url)) + trail;
  if (core.includes('@') && core.length <= 320) {
    const out = core.replace(EMAIL, FILTERED);
    if (out !== core) return lead + out + trail;
  }
  // A path (`/v1/keys/...`, `host.example/...`) is judged segment by segment.
  if (/^\/|^[a-z\d-]+(?:\.[a-z\d-]+)+\//i.test(core)) return lead + scrubPath(core) + trail;
  const filtered = lead + FILTERED + trail;
  if (HARMLESS.test(core)) return token;
  // AWS access key ids: an id prefix and 16 base32 capitals, which can read as a word in capitals (`ASIAOGVUYYSKLQLZSPSM`).
  if (/^(?:A3T[A-Z\d]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/.test(core)) return filtered;
  // A vendor prefix and a random tail is a key even where an id is expected (`x-request-id: sk-...`).
  if (looksPrefixed(core)) return filtered;
  if (near === Near.Id) return token;
  return looksRandom(core, near === Near.KeyWord ? NEAR_KEY_WORD : STRICT) ? filtered : token;
}

/**
 * Path segments, each judged on its own, as if after a key word: a URL is where
 * tokens travel. One after an id label (`commits/`, `requests/`) is kept.
 */
function scrubPath(path: string): string {
  const segments = path.split('/');
  return segments
    .map((seg, i) => {
      const decoded = decodeComponent(seg);
      const before = i > 0 ? segments[i - 1]! : '';
      if (vendorId(before, decoded)) return FILTERED;
      return scrubToken(decoded, nearOf(before) === Near.Id ? Near.Id : Near.KeyWord) === decoded ? seg : FILTERED;
    })
    .join('/');
}

/** `a=1&b=2`: sensitive names keep their name and lose their value; other values are scrubbed as text, as near a key word. */
function scrubPairs(query: string, extra: readonly string[]): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const rawName = pair.slice(0, eq);
      const name = decodeComponent(rawName);
      const value = decodeComponent(pair.slice(eq + 1));
      if ((isSensitiveParam(name, extra) || vendorId(name, value)) && value) return `${rawName}=${FILTERED}`;
      // Any parameter's value is judged as if after a key word: `?ref=sm_pat_...`, `?airtable=...`.
      const out = scrub(value, 1, isIdKey(name) ? Near.Id : Near.KeyWord);
      if (out === value) return pair;
      return `${rawName}=${out === FILTERED ? out : encodeURIComponent(out).replace(/%5BFiltered%5D/g, FILTERED)}`;
    })
    .join('&');
}

/**
 * A URL of any scheme, as found in text: userinfo, sensitive query values,
 * token-like path segments and fragment values. Returned unchanged, byte for
 * byte, when nothing in it is secret.
 */
function scrubUrlText(u: string, extra: readonly string[] = []): string {
  const start = u.indexOf('://') + 3;
  let out = u.slice(0, start);
  let rest = u.slice(start);
  // Userinfo: up to the last `@` before the path. A password may hold `#`, `?` or `@` unencoded, so only `/` ends it here.
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  if (at > 0) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    const query = info.search(/[?#]/);
    if (colon >= 0 && (query < 0 || colon < query)) {
      out += FILTERED;
      rest = rest.slice(at);
    } else if (query < 0) {
      out += scrubToken(info, Near.KeyWord);
      rest = rest.slice(at);
    }
  }
  const tail = rest.search(/[?#]/);
  const hostAndPath = tail < 0 ? rest : rest.slice(0, tail);
  const hostEnd = hostAndPath.indexOf('/');
  out += hostEnd < 0 ? hostAndPath : hostAndPath.slice(0, hostEnd) + scrubPath(hostAndPath.slice(hostEnd));
  if (tail < 0) return out;
  const hash = rest.indexOf('#', tail);
  const query = hash < 0 ? rest.slice(tail) : rest.slice(tail, hash);
  if (query) out += `?${scrubPairs(query.slice(1), extra)}`;
  if (hash >= 0) {
    // OAuth's implicit flow puts tokens in the fragment: `#access_token=...`.
    const fragment = rest.slice(hash + 1);
    out += `#${fragment.includes('=') ? scrubPairs(fragment, extra) : scrubPath(fragment)}`;
  }
  return out;
}

const URL_SOURCE = String.raw`[A-Za-z][\w+.-]*://[^\s"'<>\x60\\]*`;
const PEM_SOURCE = String.raw`-----BEGIN[A-Z\d _-]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z\d _-]*-----|$)`;
/**
 * An `Authorization:` header line (echoed in a body, a log): the scheme word
 * stays, everything after it on the line goes, whatever the scheme (Digest's
 * quoted parameters, AWS SigV4's `Credential=..., Signature=...`). Runs before
 * the JSON walk, which would split the line at its quotes; so it takes quoted
 * parameters (`name="value",`) but stops at a quote that closes a JSON string
 * around the line. A JSON value under an `authorization` key is the key-name rule's.
 */
const AUTH_LINE = /(\b(?:proxy-)?authorization[ \t]*[:=][ \t]*)([A-Za-z][\w.+-]*)[ \t]+(?:[^\r\n"\\]|"[^"\r\n]*"(?=[ \t]*(?:[,;\r\n]|$)))+/gi;

/**
 * One pass over plain text; the first alternative that matches at a position wins:
 * a PEM private key; a URL; `name: value`
 * (not when the value is a scheme word, or one the header pass kept; a bare value runs through `&` unless a
 * `name=` follows, as in a form body); a scheme word and its credential; any other token.
 */
const SCAN = new RegExp(
  [
    PEM_SOURCE,
    URL_SOURCE,
    String.raw`([A-Za-z_][\w.-]*)(["']?[ \t]*(?:=>|:=|[:=])[ \t]*)(?!(?:${SCHEMES})[ \t]|[\w.+-]+[ \t]+\[Filtered\])(${PEM_SOURCE}|'[^'\r\n]*'|${URL_SOURCE}|(?:[^\s,;&<>()[\]{}"'\x60\\]|&(?![\w.-]+=))+)`,
    String.raw`\b(${SCHEMES})[ \t]+(?!-----)([\w.~+/=%-]+)`,
    // A Facebook app token, `<app id>|<secret>`, is one token; elsewhere `|` separates.
    String.raw`\d{15,16}\|[\w-]+|[^\s"'<>(){}[\],;\x60\\|&]+`,
  ].join('|'),
  'gi',
);

/** Plain text: no JSON literals in it (or past the depth limit). */
function scrubPlain(text: string, initial: Near): string {
  // The last key word or id label seen, and where it ended.
  let near = initial;
  let nearEnd = 0;
  const nearAt = (offset: number) => (offset - nearEnd <= NEAR_CHARS ? near : Near.None);
  const out = text.replace(
    SCAN,
    (m: string, name?: string, sep?: string, value?: string, word?: string, credential?: string, ...rest: unknown[]) => {
      const offset = rest[0] as number;
      if (m.startsWith('-----')) return FILTERED;
      if (name !== undefined) {
        const quoted = value![0] === "'" && value!.length > 1 && value!.endsWith("'");
        const inner = quoted ? value!.slice(1, -1) : value!;
        const wrap = (v: string) => (quoted ? `'${v}'` : v);
        if (isSensitiveKey(name) && inner) {
          near = Near.KeyWord;
          nearEnd = offset + m.length;
          return name + sep + wrap(FILTERED);
        }
        const label = nearOf(name);
        const nameNear = nearAt(offset);
        if (label !== Near.None) {
          near = label;
          nearEnd = offset + name.length + sep!.length;
        }
        const valueNear = label !== Near.None ? label : nameNear;
        // A value that is itself `NAME=value` (`failed: DB_PASSWORD=...`): its own name counts (one level, not a recursion a hostile `a=b=c=...` could deepen),
        // and is judged too (`<base64>==` reads as a name and a value).
        const inside = /^([A-Za-z_][\w.-]*)([=:])(?!\/\/)(.+)$/s.exec(inner);
        const v = quoted
          ? scrub(inner, 1, valueNear)
          : inner.startsWith('-----')
            ? FILTERED
            : inside
              ? scrubToken(inside[1]!, valueNear) + inside[2] + (isSensitiveKey(inside[1]!) ? FILTERED : scrubToken(inside[3]!, nearOf(inside[1]!) || valueNear))
              : scrubToken(inner, valueNear);
        return scrubToken(name, nameNear) + sep + wrap(v);
      }
      if (word) {
        near = Near.KeyWord;
        nearEnd = offset + m.length;
        // A credential is random or long and mixed; `Token expired`, `Bearer realm=` are words.
        const c = credential!;
        const secret = scrubToken(c, Near.KeyWord) !== c || randomPart(c) || (c.length >= 8 && /\d/.test(c) && /[a-z]/i.test(c));
        return secret ? `${word} ${FILTERED}` : m;
      }
      if (m.includes('://') && /^[A-Za-z]/.test(m)) return scrubUrlText(m);
      const result = scrubToken(m, nearAt(offset));
      const label = nearOf(m);
      if (label !== Near.None) {
        near = label;
        nearEnd = offset + m.length;
      }
      return result;
    },
  );
  return out.replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? FILTERED : m));
}

function scrub(text: string, depth: number, near: Near): string {
  text = text.replace(AUTH_LINE, (_m, head: string, scheme: string) => `${head}${scheme} ${FILTERED}`);
  if (!text.includes('"') || depth > MAX_DEPTH) return scrubPlain(text, near);
  return scrubJsonLiterals(text, {
    replacement: FILTERED,
    sensitive: isSensitiveKey,
    gap: (g) => scrubPlain(g, Near.None),
    value(content, key) {
      if (key !== undefined && isSensitiveKey(key)) {
        if (!content) return content;
        // `"authorization": "Bearer ..."`: the scheme says what it was.
        const scheme = SCHEME_FIRST.exec(content);
        return scheme ? `${scheme[1]} ${FILTERED}` : FILTERED;
      }
      return scrub(content, depth + 1, key !== undefined && isIdKey(key) ? Near.Id : near);
    },
  });
}

/**
 * Scrubs free text: a response preview, an error message, a status text.
 * `labelledId`: the whole text is an identifier from an allowlisted header
 * (`x-request-id`), so only known formats, URLs and named values are scrubbed, not entropy.
 */
export function scrubText(text: string, labelledId = false): string {
  return scrub(text, 0, labelledId ? Near.Id : Near.None);
}

/**
 * Scrub, then cut: the whole of what was read (previewChars plus a margin) is
 * scrubbed before it is cut to `maxChars`, so a secret across the cut is
 * still seen whole; and the cut never ends inside a `[Filtered]`.
 */
export function scrubPreview(text: string, maxChars: number): string {
  const out = scrubText(text);
  if (out.length <= maxChars) return out;
  const cut = out.slice(0, maxChars);
  const open = cut.lastIndexOf('[');
  return open >= 0 && cut.length - open < FILTERED.length && FILTERED.startsWith(cut.slice(open)) ? cut.slice(0, open) : cut;
}

/**
 * Scrubs a request URL: userinfo, the values of sensitive query parameters
 * (names kept), secrets and emails in path segments; the fragment is dropped.
 * Returns the input scrubbed as text when it is not a URL.
 */
export function scrubUrl(raw: string, extraParams: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return scrubText(raw);
  }
  url.hash = '';
  return scrubUrlText(url.href, extraParams.map((p) => p.toLowerCase()));
}
