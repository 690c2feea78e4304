/**
 * Scrubbing, done in the worker before a report is stored, so nothing secret
 * is ever written to IndexedDB or posted to a page.
 *
 * Anchors:
 * - Sentry's server-side data scrubbing defaults (relay's `@password` / default
 *   PII rules): a key matching password, secret, passwd, api_key, apikey, auth,
 *   credentials, mysql_pwd, privatekey, private_key, token or session has its
 *   value replaced by `[Filtered]`; bearer tokens, card numbers and emails in
 *   text are replaced too. https://docs.sentry.io/security-legal-pii/scrubbing/server-side-scrubbing/
 * - OpenTelemetry's `url.full` convention: credentials in the URL are redacted,
 *   and the values (not the names) of `AWSAccessKeyId`, `Signature`, `sig` and
 *   `X-Goog-Signature` query parameters are redacted.
 *   https://opentelemetry.io/docs/specs/semconv/attributes-registry/url/
 * We use Sentry's `[Filtered]` as the replacement, since that is where it lands.
 */

export const FILTERED = '[Filtered]';

/** Parameter names scrubbed when they match exactly (case-insensitive). */
const EXACT_PARAMS = new Set([
  'key', 'sig', 'signature', 'code', 'auth', 'jwt', 'awsaccesskeyid', 'x-goog-signature', 'x-goog-credential',
]);
/** ...or when they contain one of these (Sentry's default key patterns). */
const PARAM_PARTS = [
  'password', 'passwd', 'secret', 'api_key', 'apikey', 'api-key', 'token', 'auth', 'credential', 'private_key',
  'privatekey', 'session', 'mysql_pwd', 'signature', 'cookie',
];

export function isSensitiveParam(name: string, extra: readonly string[] = []): boolean {
  const n = name.toLowerCase();
  return (
    EXACT_PARAMS.has(n) ||
    n.startsWith('x-amz-') ||
    PARAM_PARTS.some((p) => n.includes(p)) ||
    extra.includes(n)
  );
}

/** Secrets recognised by their shape wherever they appear in text. */
const TEXT_RULES: Array<[RegExp, string | ((m: string, ...g: string[]) => string)]> = [
  // Authorization schemes with their credentials.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme) => `${scheme} ${FILTERED}`],
  // JSON Web Tokens (three base64url parts, the first a JSON header).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, FILTERED],
  // Provider API keys: OpenAI/Anthropic/OpenRouter/gatewayz/Stripe style `sk-...`, `sk_live_...`, `gw_...`; AWS; Google; GitHub; Slack.
  [/\b(?:sk|pk|rk|gw)[-_](?:[A-Za-z0-9]+[-_])*[A-Za-z0-9]{16,}\b/g, FILTERED],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, FILTERED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, FILTERED],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, FILTERED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, FILTERED],
  // `"password": "x"`, `api_key=x`, `token: x`: keep the name, drop the value.
  [
    /(["']?)([A-Za-z0-9_-]*(?:password|passwd|secret|api[_-]?key|token|auth|credential|private[_-]?key|session)[A-Za-z0-9_-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,&;}"']+)/gi,
    (m, q, name, sep, value) =>
      // `Authorization: Bearer [Filtered]` was already handled by the first rule.
      /^(?:Bearer|Basic|Token)$/i.test(value) || value.includes(FILTERED)
        ? m
        : `${q}${name}${q}${sep}${value.startsWith('"') ? `"${FILTERED}"` : FILTERED}`,
  ],
  // Emails.
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, FILTERED],
];

const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;

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

/** Scrubs free text: a response preview, an error message. */
export function scrubText(text: string): string {
  let out = text;
  for (const [re, replacement] of TEXT_RULES) {
    out = out.replace(re, replacement as string);
  }
  return out.replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? FILTERED : m));
}

/**
 * Scrubs a URL: credentials, the values of sensitive query parameters (names
 * kept), secrets and emails in path segments, and the fragment. Returns the
 * input scrubbed as text when it is not a URL.
 */
export function scrubUrl(raw: string, extraParams: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return scrubText(raw);
  }
  if (url.username) url.username = 'REDACTED';
  if (url.password) url.password = 'REDACTED';
  url.hash = '';
  url.pathname = url.pathname
    .split('/')
    .map((seg) => {
      let decoded = seg;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        /* keep raw */
      }
      return scrubText(decoded) === decoded ? seg : FILTERED;
    })
    .join('/');
  if (url.search) {
    // Rebuild by hand rather than URLSearchParams.toString(), which would
    // re-encode every untouched value (spaces to `+` and so on).
    url.search = url.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const rawName = eq === -1 ? pair : pair.slice(0, eq);
        let name = rawName;
        let value = eq === -1 ? '' : pair.slice(eq + 1);
        try {
          name = decodeURIComponent(rawName.replace(/\+/g, ' '));
          value = decodeURIComponent(value.replace(/\+/g, ' '));
        } catch {
          /* keep raw */
        }
        if (eq === -1) return pair;
        if (isSensitiveParam(name, extraParams)) return `${rawName}=${FILTERED}`;
        return scrubText(value) === value ? pair : `${rawName}=${encodeURIComponent(scrubText(value))}`;
      })
      .join('&');
  }
  return url.href;
}
