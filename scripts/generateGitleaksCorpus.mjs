/**
 * Writes test/corpora/secrets-gitleaks.json: for every rule of gitleaks' default
 * config (test/corpora/gitleaks/gitleaks.toml, MIT, copied unchanged), synthetic
 * secrets drawn from the rule's own regex (randexp, seeded), each checked
 * against that regex and the rule's entropy floor the way gitleaks checks a
 * finding, then placed in the contexts where the worker meets them: a query
 * value, a path segment, a JSON error body, header-like text.
 *
 * Three kinds of rule:
 * - shape rules (a fixed prefix or structure: `ghp_...`, `AKIA...`, JWTs): the
 *   secret stands alone, under names no list holds (`?ref=`, `x-upstream-echo:`,
 *   a sentence with no key word), so only its shape can give it away;
 * - keyword rules (gitleaks' `<keyword> ... = <value>` frame: the value alone
 *   is not distinctive): the value under the rule's keyword as gitleaks finds
 *   it: `?<keyword>=`, `/<keyword>/<value>`, and in JSON and header text the
 *   names gitleaks' own sample generator gives (`<keyword>_token`,
 *   `<KEYWORD>_TOKEN`, cmd/generate/config/utils/generate.go);
 * - structure rules (a PEM block, a curl command, a Kubernetes Secret, a
 *   NuGet config, a webhook URL): the structure itself, in error-body text.
 *
 * Every value comes from a seeded PRNG: random-looking, never a real key.
 * Run `node scripts/generateGitleaksCorpus.mjs` to regenerate (deterministic).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import RandExp from 'randexp';

const TOML = new URL('../test/corpora/gitleaks/gitleaks.toml', import.meta.url);
const OUT = new URL('../test/corpora/secrets-gitleaks.json', import.meta.url);

// ---- Seeded randomness ----------------------------------------------------------

let seed = 0x9e3779b9;
function rand() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (a, b) => a + Math.floor(rand() * (b - a + 1));
const pick = (chars, n) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const HEX = '0123456789abcdef';
const uuid = () => `${pick(HEX, 8)}-${pick(HEX, 4)}-4${pick(HEX, 3)}-${pick('89ab', 1)}${pick(HEX, 3)}-${pick(HEX, 12)}`;

// ---- The rules ------------------------------------------------------------------

/** gitleaks.toml is generated and regular: `[[rules]]` tables of `key = value` lines; values are strings, '''literals''', numbers or arrays. */
function parseRules(text) {
  const rules = [];
  let rule;
  let inAllowlist = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '[[rules]]') {
      rule = { keywords: [] };
      rules.push(rule);
      inAllowlist = false;
      continue;
    }
    if (/^\[/.test(line)) {
      inAllowlist = true;
      continue;
    }
    if (!rule || inAllowlist) continue;
    const m = /^(\w+) = (.*)$/.exec(line);
    if (!m) continue;
    const [, key, raw] = m;
    if (raw.startsWith("'''")) rule[key] = raw.slice(3, raw.lastIndexOf("'''"));
    else if (raw.startsWith('"')) rule[key] = JSON.parse(raw);
    else if (raw.startsWith('[')) {
      let body = raw;
      while (!body.trimEnd().endsWith(']')) body += lines[++i];
      rule[key] = JSON.parse(body.replace(/,\s*]$/, ']'));
    } else rule[key] = Number(raw);
  }
  return rules;
}

/**
 * Go (RE2) syntax to JavaScript: POSIX classes, `\z`, `(?s:.)`, named groups,
 * and the `(?i)` / `(?i:...)` / `(?-i:...)` flags, which JavaScript (Node 20)
 * lacks: inside a case-insensitive scope, each character class gains the other
 * case (`[a-z0-9]` → `[a-zA-Z0-9]`), so generated secrets mix cases the way
 * real ones do; hex classes and literals keep the case gitleaks wrote them in.
 */
function toJs(source) {
  let s = source
    .replace(/\[\[:alnum:\]\]/g, '[a-zA-Z0-9]')
    .replace(/\\z/g, '$')
    .replace(/\(\?s:\.\)/g, '[\\s\\S]')
    .replace(/\(\?P<\w+>/g, '(?:');
  let out = '';
  const stack = [false];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      out += c + s[++i];
      continue;
    }
    if (s.startsWith('(?i)', i)) {
      stack[stack.length - 1] = true;
      i += 3;
      continue;
    }
    if (s.startsWith('(?i:', i) || s.startsWith('(?-i:', i)) {
      stack.push(s[i + 2] === 'i');
      out += '(?:';
      i += s[i + 2] === 'i' ? 3 : 4;
      continue;
    }
    if (c === '(') {
      stack.push(stack[stack.length - 1]);
      out += c;
      continue;
    }
    if (c === ')') {
      stack.pop();
      out += c;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (s[j] === '^') cls += s[j++];
      if (s[j] === ']') cls += s[j++];
      while (s[j] !== ']') {
        if (s[j] === '\\') cls += s[j++];
        cls += s[j++];
      }
      if (stack[stack.length - 1]) {
        const extra = [];
        // Whole-alphabet ranges only: a hex class (`[a-f0-9]`) stays one case, as real hex keys are written.
        cls.replace(/(\\.)|([aA])-([zZ])/g, (m, esc, from, to) => {
          if (from) extra.push(`${swap(from)}-${swap(to)}`);
          return m;
        });
        // Before the rest, so an extra range never follows a trailing `-`.
        cls = cls.startsWith('^') ? `^${extra.join('')}${cls.slice(1)}` : extra.join('') + cls;
      }
      out += `[${cls}]`;
      i = j;
      continue;
    }
    out += c;
  }
  return out;
}
const swap = (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase());

/** gitleaks' Shannon entropy of a finding's secret. */
function shannon(s) {
  const counts = new Map();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** The secret gitleaks reports for a match: `secretGroup`, else the first non-empty group, else the whole match. */
function secretOf(rule, m) {
  if (rule.secretGroup) return m[rule.secretGroup];
  for (let g = 1; g < m.length; g++) if (m[g]) return m[g];
  return m[0];
}

/** Characters randexp may draw for `.`, `\S` and negated classes: printable ASCII, no quotes, spaces, backslashes or angle brackets. */
function generator(source) {
  const r = new RandExp(lengthen(source));
  r.max = 12;
  r.randInt = randInt;
  for (const c of ' "\'\\`<>&%#?') r.defaultRange.subtract(c.charCodeAt(0));
  return r;
}

/**
 * For drawing only: an unbounded `+` or `*` becomes `{12,40}`, so `xapp-\\d-[A-Z0-9]+-...`
 * gives parts as long as real tokens have, not randexp's one-character draws.
 */
function lengthen(source) {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += c + source[++i];
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    out += !inClass && (c === '+' || c === '*') && source[i + 1] !== '?' ? '{12,40}' : c;
  }
  return out;
}

/** Draws a secret from a rule's regex: generated, matched by the rule, and over its entropy floor. */
function drawSecret(rule, js) {
  const re = new RegExp(js);
  const gen = generator(js);
  for (let attempt = 0; attempt < 200; attempt++) {
    const m = re.exec(gen.gen());
    if (!m) continue;
    const secret = secretOf(rule, m);
    if (!secret || (rule.entropy && shannon(secret) < rule.entropy)) continue;
    // `=` in these classes is base64 padding: drawn anywhere else it makes a token no issuer writes.
    if (/=[^=]/.test(secret)) continue;
    return secret;
  }
  throw new Error(`${rule.id}: no sample in 200 draws`);
}

// ---- Structure rules: the structure is written out, then checked against the rule --------------

const b64 = (n) => pick(B64, n);
const pem = (label) => `-----BEGIN ${label}-----\n${Array.from({ length: 5 }, () => b64(64)).join('\n')}\n${b64(22)}==\n-----END ${label}-----`;
const jwt = () => {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: `svc-${pick(ALNUM, 8)}`, iat: 1721306096 + randInt(0, 1e6) })}.${pick(B64URL, 43)}`;
};
const esc = (text) => JSON.stringify(text).slice(1, -1);

/**
 * [rule id] → () => ({ secret, match, contexts }): `match` is what the rule must
 * find (checked), `contexts` the texts it is placed in. `secret` is the part
 * that must not survive: the credential, not the public frame around it (a
 * webhook's host, a curl command, a YAML key).
 */
const STRUCTURES = {
  'private-key': () => {
    const secret = pem(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'][randInt(0, 4)]);
    return { secret, match: secret, contexts: keyContexts(secret, 'signing_key') };
  },
  'curl-auth-header': () => {
    const token = pick(B64URL, 40);
    const header = [`Authorization: Bearer ${token}`, `X-Api-Key: ${token}`, `Authorization: Token ${token}`][randInt(0, 2)];
    const cmd = `curl -sS https://api.upstream.example/v1/chat/completions -H "${header}" -d @body.json`;
    return { secret: token, match: cmd, contexts: commandContexts(cmd) };
  },
  'curl-auth-user': () => {
    const secret = pick(ALNUM, 24);
    const cmd = `curl -u deploy:${secret} https://registry.upstream.example/v2/_catalog`;
    return { secret, match: cmd, contexts: commandContexts(cmd) };
  },
  'kubernetes-secret-yaml': () => {
    const secret = Buffer.from(pick(ALNUM, 30)).toString('base64');
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: gateway-upstream\ndata:\n  provider-credentials: ${secret}\n`;
    return { secret, match: yaml, contexts: [['yaml-in-json', `{"error":"admission webhook denied the request","object":"${esc(yaml)}"}`], ['yaml-text', `error validating data: ${yaml}`]] };
  },
  'nuget-config-password': () => {
    const secret = pick(ALNUM, 20);
    const xml = `<add key="ClearTextPassword" value="${secret}" />`;
    return { secret, match: xml, contexts: [['xml-in-json', `{"error":"restore failed","config":"<packageSourceCredentials><feed>${esc(xml)}</feed></packageSourceCredentials>"}`], ['xml-text', `NU1301: Unable to load the service index. nuget.config: ${xml}`]] };
  },
  'freemius-secret-key': () => {
    const secret = `sk_${pick(`${ALNUM}!$()*+,-.:;=@[]^_{|}~`, 29)}`;
    const php = `'secret_key' => '${secret}'`;
    return { secret, match: php, contexts: [['php-in-json', `{"error":"Freemius SDK misconfigured","config":"array( ${esc(php)}, 'public_key' => 'pk_3f2a9c0e1b7d4a6f' )"}`], ['php-text', `PHP Warning: fs_dynamic_init(array('id' => '4821', ${php}))`]] };
  },
  'slack-webhook-url': () => {
    const secret = pick(ALNUM, 24);
    const url = `https://hooks.slack.com/services/T${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/B${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/${secret}`;
    return { secret, match: url, contexts: urlContexts(url) };
  },
  'microsoft-teams-webhook': () => {
    const secret = pick('0123456789abcdefghijklmnopqrstuvwxyz', 32);
    const url = `https://acme.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${secret}/${uuid()}`;
    return { secret, match: url, contexts: urlContexts(url) };
  },
  'sidekiq-sensitive-url': () => {
    const secret = `${pick(HEX, 8)}:${pick(HEX, 8)}`;
    const url = `https://${secret}@gems.contribsys.com/`;
    return { secret, match: url, contexts: urlContexts(url) };
  },
  'gitlab-session-cookie': () => {
    const secret = pick('0123456789abcdefghijklmnopqrstuvwxyz', 32);
    const cookie = `_gitlab_session=${secret}`;
    return { secret, match: cookie, contexts: [['cookie-header', `403 Forbidden\r\nRequest headers:\r\nCookie: ${cookie}; event_filter=all\r\n`], ['cookie-in-json', `{"error":"forbidden","request":{"cookie":"${cookie}"}}`]] };
  },
  'aws-amazon-bedrock-api-key-short-lived': () => {
    // The rule matches the token's fixed start (base64 of "bedrock.amazonaws.com"); the token goes on with a presigned URL's query, base64 too.
    const query = `/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}%2F20250701%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20250701T120000Z&X-Amz-Expires=43200&X-Amz-Security-Token=${encodeURIComponent(b64(120))}&X-Amz-Signature=${pick(HEX, 64)}&X-Amz-SignedHeaders=host&Version=1`;
    const secret = `bedrock-api-key-${Buffer.from(`bedrock.amazonaws.com${query}`).toString('base64')}`;
    return { secret, match: secret, contexts: shapeContexts(secret) };
  },
  'jwt-base64': () => {
    const secret = Buffer.from(jwt()).toString('base64');
    return { secret, match: secret, contexts: shapeContexts(secret) };
  },
  'pkcs12-file': null, // a path rule (*.p12, *.pfx files), no content regex: nothing an error body carries.
};

// ---- Contexts ---------------------------------------------------------------------

/** Neutral names: in no list of the scrubber's, so a value under them is judged by its shape. */
const NEUTRAL_PARAMS = ['ref', 'q', 'value', 'data', 'v', 'arg', 'input', 'src'];
const NEUTRAL_SEGMENTS = ['share', 'resources', 'lookup', 'links', 'objects', 'items'];
const NEUTRAL_HEADERS = ['X-Upstream-Echo', 'X-Forwarded-Value', 'X-Debug-Value', 'X-Original-Value'];
let turn = 0;
const next = (list) => list[turn++ % list.length];

/** A self-identifying secret on its own, its vendor named nowhere: a query value, a path segment, a sentence in a JSON error, a header line. */
function shapeContexts(s) {
  const u = encodeURIComponent(s);
  return [
    ['query', `GET https://api.gatewayz.ai/v1/proxy?${next(NEUTRAL_PARAMS)}=${u}&stream=false failed: 401 Unauthorized`],
    ['path', `{"error":"not_found","url":"https://api.gatewayz.ai/v1/${next(NEUTRAL_SEGMENTS)}/${u}/status"}`],
    ['json-message', `{"error":{"message":"Upstream returned 401 Unauthorized for ${esc(s)} (attempt 2 of 3)","type":"upstream_error","code":502}}`],
    ['header', `HTTP/1.1 401 Unauthorized\r\nRequest headers:\r\nHost: api.gatewayz.ai\r\n${next(NEUTRAL_HEADERS)}: ${s}\r\nAccept: application/json\r\n`],
  ];
}

/** A keyword rule's value as gitleaks finds it: after the keyword and an operator. */
function keywordContexts(s, keyword) {
  const u = encodeURIComponent(s);
  const camel = keyword.replace(/[-_.](\w)/g, (_m, c) => c.toUpperCase());
  const upper = keyword.toUpperCase().replace(/[-.]/g, '_');
  return [
    ['query', `GET https://api.gatewayz.ai/v1/integrations?${keyword}=${u}&region=us-east-1 failed: 403 Forbidden`],
    ['path', `{"error":"not_found","url":"https://api.gatewayz.ai/v1/integrations/${keyword}/${u}"}`],
    ['json-key', `{"error":{"message":"integration check failed","type":"invalid_request_error"},"config":{"${keyword}_token":"${esc(s)}","region":"us-east-1"}}`],
    turn++ % 2
      ? ['header', `Startup check failed (exit 1):\n${upper}_TOKEN=${s}\nPORT=8080\n`]
      : ['header', `HTTP/1.1 403 Forbidden\r\nRequest headers:\r\nX-${camel[0].toUpperCase()}${camel.slice(1)}-Token: ${s}\r\nAccept: application/json\r\n`],
  ];
}

/** A secret under a name that says so (PEM blocks, which carry their own frame). */
function keyContexts(s, name) {
  return [
    ['json-key', `{"error":"credentials rejected","${name}":"${esc(s)}"}`],
    ['json-message', `{"error":{"message":"could not parse ${esc(s)}","type":"invalid_request_error"}}`],
    ['text', `ValueError: invalid key material:\n${s}\n(check the service account file)`],
  ];
}

function commandContexts(cmd) {
  return [
    ['command-in-json', `{"error":{"message":"reproduce with: ${esc(cmd)}","type":"debug"}}`],
    ['command-text', `2025-03-02 09:14:07 ERROR healthcheck failed, ran: ${cmd}`],
  ];
}

function urlContexts(url) {
  return [
    ['url-in-json', `{"error":"delivery failed","webhook":"${esc(url)}","status":410}`],
    ['url-text', `POST ${url} failed after 3 attempts (ECONNRESET)`],
  ];
}

/** The name gitleaks' keyword frame wants: the rule's first keyword that reads as a name. */
function keywordOf(rule) {
  const frame = /^(?:\(\?i\))?\[\\w\.-\]\{0,50\}\?\(\?:([a-z][\w-]*)[|)]/i.exec(rule.regex);
  if (frame) return frame[1].toLowerCase();
  return rule.keywords.find((k) => /^[a-z][a-z0-9_-]*[a-z0-9]$/.test(k)) ?? rule.id.split('-')[0];
}

/** The family a rule belongs to in the report: its vendor, as the rule id starts. */
const TWO_WORD = ['new-relic', 'cisco-meraki', 'defined-networking', 'hashicorp-tf', 'microsoft-teams', 'private-key'];
function familyOf(id) {
  return TWO_WORD.find((p) => id.startsWith(p)) ?? id.split('-')[0];
}

// ---- Write ------------------------------------------------------------------------

const KEYWORD_FRAME = /\(\?:=\|>\|:\{1,3\}=\|\\\|\\\|\|:\|=>\|\\\?=\|,\)/;
const rules = parseRules(readFileSync(TOML, 'utf8'));
const samples = [];
const skipped = [];
for (const rule of rules) {
  if (rule.id in STRUCTURES) {
    const make = STRUCTURES[rule.id];
    if (!make) {
      skipped.push({ rule: rule.id, why: 'matches file paths only (no content regex)' });
      continue;
    }
    // Literals in a case-insensitive rule match in any case (`kind: Secret`).
    const re = new RegExp(toJs(rule.regex), rule.regex.startsWith('(?i)') ? 'i' : '');
    for (let i = 0; i < 2; i++) {
      const { secret, match, contexts } = make();
      if (!re.test(match)) throw new Error(`${rule.id}: the written structure does not match the rule: ${match}`);
      for (const [context, text] of contexts) samples.push({ rule: rule.id, family: familyOf(rule.id), kind: 'structure', context, secret, text });
    }
    continue;
  }
  if (!rule.regex) throw new Error(`${rule.id}: no regex, and no structure written for it`);
  const js = toJs(rule.regex);
  const kind = KEYWORD_FRAME.test(rule.regex) ? 'keyword' : 'shape';
  // One fresh secret per context, so a sample leaks or not on its own.
  for (let i = 0; i < 4; i++) {
    let secret = drawSecret(rule, js);
    // hashicorp-tf-password's group holds the quotes around the value.
    if (/^".*"$/.test(secret)) secret = secret.slice(1, -1);
    const contexts = kind === 'keyword' ? keywordContexts(secret, keywordOf(rule)) : shapeContexts(secret);
    const [context, text] = contexts[i];
    samples.push({ rule: rule.id, family: familyOf(rule.id), kind, context, secret, text });
  }
}

const ruleCount = new Set(samples.map((s) => s.rule)).size;
writeFileSync(
  OUT,
  `${JSON.stringify(
    {
      description:
        "Synthetic secrets (seeded random values, never real keys) drawn from every rule of gitleaks' default config (test/corpora/gitleaks/gitleaks.toml, MIT), each matched by its rule and over its entropy floor, in the contexts the worker meets them. Generated by scripts/generateGitleaksCorpus.mjs.",
      rules: ruleCount,
      skipped,
      samples,
    },
    null,
    1,
  )}\n`,
);
console.log(`secrets-gitleaks.json: ${samples.length} samples from ${ruleCount} rules (${skipped.length} skipped: ${skipped.map((s) => s.rule).join(', ')})`);
