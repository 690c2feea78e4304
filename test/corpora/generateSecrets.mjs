/**
 * Writes test/corpora/secrets.json: synthetic credentials in the publicly
 * documented shapes of secret-scanning rule sets (gitleaks' config/gitleaks.toml
 * rule ids, GitHub secret scanning's supported patterns) and providers' own
 * docs, each embedded in a realistic piece of an API error body.
 *
 * Every value is drawn from a seeded PRNG: random-looking, never a real key.
 * Run `node test/corpora/generateSecrets.mjs` to regenerate (deterministic);
 * the JSON is committed so the corpus is data a reviewer can read.
 */
import { writeFileSync } from 'node:fs';

// mulberry32: small, seeded, deterministic.
let seed = 0x5eed1e55;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = LOWER + UPPER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
const pick = (chars, n) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
const alnum = (n) => pick(ALNUM, n);
const hex = (n) => pick(HEX, n);
const HEXU = '0123456789ABCDEF';
const b64 = (n) => pick(B64, n);
const b64url = (n) => pick(B64URL, n);
const digits = (n) => pick('123456789', 1) + pick(DIGITS, n - 1);
const letters = (n) => pick(LOWER + UPPER, n);
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick('89ab', 1)}${hex(3)}-${hex(12)}`;
const b64json = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');
const jwt = () =>
  `${b64json({ alg: 'HS256', typ: 'JWT' })}.${b64json({ sub: `user_${alnum(10)}`, iat: 1721306096 + Math.floor(rand() * 1e6), scope: 'api' })}.${b64url(43)}`;
const pem = (label, lines) => `-----BEGIN ${label}-----\n${Array.from({ length: lines }, () => b64(64)).join('\n')}\n${b64(24)}==\n-----END ${label}-----`;
// Passwords a person would choose: they look like words, so only the key name
// (or the connection string's syntax) can give them away.
const PASSWORDS = ['Tr0ub4dor&3xYz', 'correct-horse-battery-staple', 'Summer2024!Gateway', 'p@ssW0rd-prod-eu', 'hunter2hunter2!', 'Winter#Deploy99', 'letmein-Acme-2025', 'Mango!Kiwi$Plum7'];
let pw = 0;
const password = () => PASSWORDS[pw++ % PASSWORDS.length] + pick(DIGITS, 2);

/**
 * Contexts: where a secret turns up in an error body. `{s}` is the secret.
 * Some name it (a key, a header), some don't: those only its shape can give away.
 */
const esc = (text) => JSON.stringify(text).slice(1, -1);
const CONTEXTS = {
  // OpenAI's documented 401 body, echoing the key.
  openaiMessage: (s) => `{"error":{"message":"Incorrect API key provided: ${s}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
  // No key word anywhere near: the shape alone.
  bareJson: (s) => `{"error":{"message":"Upstream returned 401 Unauthorized for ${s} (provider: Together)","type":"upstream_error","code":502}}`,
  bareText: (s) => `upstream rejected ${s} at 2024-07-18T12:34:56Z after 3 attempts`,
  logLine: (s) => `2025-03-02 09:14:07,441 ERROR [gateway.proxy] 403 from upstream for credential ${s} (region us-east-1)`,
  keyedJson: (s) => `{"error":"invalid_request","detail":"key rejected","api_key":"${s}","model":"gpt-4o-mini-2024-07-18"}`,
  camelKeyJson: (s) => `{"status":403,"config":{"region":"eu-west-1","accessKey":"${s}","endpoint":"https://bedrock-runtime.eu-west-1.amazonaws.com"}}`,
  // OpenRouter's shape: the upstream's own error, as a string holding JSON.
  escapedJson: (s) => `{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"${esc(`{"error":{"message":"Invalid token ${s}","type":"authentication_error"}}`)}","provider_name":"Fireworks"}}}`,
  doubleEscaped: (s) =>
    `{"error":{"message":"${esc(`upstream: ${JSON.stringify({ detail: JSON.stringify({ error: `bad key ${s}` }) })}`)}","code":"upstream_error"}}`,
  headerEchoJson: (s) => `{"error":"unauthorized","debug":{"request_headers":{"Authorization":"Bearer ${s}","Content-Type":"application/json","X-Request-Id":"req_4f1c9a2b"}}}`,
  headerEchoText: (s) => `401 Unauthorized\r\nRequest headers:\r\nHost: api.gatewayz.ai\r\nAuthorization: Token ${s}\r\nAccept: application/json\r\n`,
  apiKeyHeaderEcho: (s) => `{"message":"Forbidden","headers":{"x-api-key":"${s}","user-agent":"openai-python/1.40.0"}}`,
  urlQuery: (s) => `Request to https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent?key=${s}&alt=sse failed with 400`,
  urlPath: (s) => `{"error":"not_found","url":"https://api.provider.example/v1/keys/${s}/usage"}`,
  envLine: (s) => `Startup check failed: PROVIDER_SECRET=${s} is not valid for this project`,
  pythonRepr: (s) => `ValueError: bad client config {'model': 'claude-3-5-sonnet-20241022', 'token': '${s}', 'timeout': 30}`,
  formBody: (s) => `invalid_client: grant_type=client_credentials&client_id=gatewayz-prod&client_secret=${s}&scope=read`,
  sse: (s) => `event: error\ndata: {"error":{"message":"stream auth failed","session_token":"${s}"}}\n\n`,
  html: (s) => `<html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1><p>The key ${s} has been revoked.</p><hr><address>nginx/1.25.3</address></body></html>`,
  yaml: (s) => `error: config rejected\nprovider:\n  name: anthropic\n  secret: ${s}\n  retries: 3\n`,
  quotedInText: (s) => `Upstream said: "Invalid authentication '${s}'" (status 401)`,
  slackWebhookText: (s) => `upstream rejected https://hooks.slack.com/services/T${pick(UPPER + DIGITS, 10)}/B${pick(UPPER + DIGITS, 10)}/${s} at 2024-07-18T12:34:56Z`,
  slackWebhookJson: (s) => `{"error":{"message":"Provider returned error","metadata":{"raw":"${esc(`{"error":"webhook https://hooks.slack.com/services/T${pick(UPPER + DIGITS, 10)}/B${pick(UPPER + DIGITS, 10)}/${s} returned 410"}`)}"}}}`,
  stack: (s) => `Error: Request failed with status code 401\n    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)\n    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:589:11)\n    config.headers.Authorization = "Bearer ${s}"`,
};
const GENERAL = Object.keys(CONTEXTS).filter((c) => !c.startsWith('slack'));
// Contexts where a low-entropy password can only be told by its key name.
const KEYED = ['keyedJson', 'camelKeyJson', 'headerEchoJson', 'apiKeyHeaderEcho', 'envLine', 'pythonRepr', 'formBody', 'sse', 'yaml'];

const CONNECTION = {
  postgresText: (scheme, user, s) => `psycopg2.OperationalError: could not connect to server ${scheme}://${user}:${s}@db-primary.internal:5432/gateway?sslmode=require`,
  mongoJson: (scheme, user, s) => `{"error":"MongoServerSelectionError","message":"connect failed","uri":"${scheme}://${user}:${s}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority"}`,
  escapedConn: (scheme, user, s) => `{"error":{"message":"${esc(`{"detail":"cannot reach ${scheme}://${user}:${s}@cache.internal:6379/0"}`)}"}}`,
};

/** [format name, source, value generator, allowed contexts (default: all general ones)] */
const FORMATS = [
  // AI model providers: the keys an AI gateway's users paste.
  ['openai-project-key', 'gitleaks:openai-api-key', () => `sk-proj-${b64url(58)}T3BlbkFJ${b64url(58)}`],
  ['openai-legacy-key', 'gitleaks:openai-api-key', () => `sk-${alnum(20)}T3BlbkFJ${alnum(20)}`],
  ['openai-service-account-key', 'gitleaks:openai-api-key', () => `sk-svcacct-${b64url(74)}T3BlbkFJ${b64url(74)}`],
  ['openai-admin-key', 'gitleaks:openai-api-key', () => `sk-admin-${b64url(58)}T3BlbkFJ${b64url(58)}`],
  ['anthropic-api-key', 'gitleaks:anthropic-api-key', () => `sk-ant-api03-${b64url(93)}AA`],
  ['anthropic-admin-key', 'gitleaks:anthropic-admin-api-key', () => `sk-ant-admin01-${b64url(93)}AA`],
  ['openrouter-key', 'OpenRouter docs (sk-or-v1-)', () => `sk-or-v1-${hex(64)}`],
  ['groq-key', 'GitHub secret scanning: Groq API key (gsk_)', () => `gsk_${alnum(52)}`],
  ['xai-key', 'xAI docs (xai-)', () => `xai-${alnum(80)}`],
  ['perplexity-key', 'gitleaks:perplexity-api-key', () => `pplx-${alnum(48)}`],
  ['huggingface-token', 'gitleaks:huggingface-access-token', () => `hf_${letters(34)}`],
  ['huggingface-org-token', 'gitleaks:huggingface-organization-api-token', () => `api_org_${letters(34)}`],
  ['replicate-token', 'GitHub secret scanning: Replicate API token (r8_)', () => `r8_${alnum(37)}`],
  ['google-api-key', 'gitleaks:gcp-api-key', () => `AIza${b64url(35)}`],
  ['cohere-key', 'gitleaks:cohere-api-token (40 alphanumerics, no prefix)', () => alnum(40)],
  ['mistral-key', 'Mistral console (32 alphanumerics, no prefix)', () => alnum(32)],
  ['deepseek-key', 'DeepSeek docs (sk- + 32 hex)', () => `sk-${hex(32)}`],
  ['nvidia-nim-key', 'NVIDIA API catalog (nvapi-)', () => `nvapi-${b64url(64)}`],
  ['langsmith-key', 'LangSmith docs (lsv2_pt_)', () => `lsv2_pt_${hex(32)}_${hex(10)}`],
  ['azure-openai-key', 'Azure OpenAI (32 hex, no prefix)', () => hex(32)],
  ['aws-bedrock-api-key', 'gitleaks:aws-amazon-bedrock-api-key-long-lived', () => `ABSK${b64(120)}=`],
  ['elevenlabs-key', 'ElevenLabs (sk_ + 48 hex)', () => `sk_${hex(48)}`],
  ['deepgram-key', 'Deepgram (40 hex, no prefix)', () => hex(40)],
  ['gatewayz-key', 'gatewayz (gw_live_)', () => `gw_live_${alnum(40)}`],
  // Clouds and developer platforms.
  ['aws-access-key-id', 'gitleaks:aws-access-token', () => `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`],
  ['aws-secret-access-key', 'AWS docs (40 base64 characters)', () => b64(40)],
  ['aws-session-token', 'AWS STS (FwoGZXIvYXdz...)', () => `FwoGZXIvYXdzE${b64(180)}`],
  ['gcp-service-account-private-key', 'gitleaks:private-key (PKCS#8)', () => pem('PRIVATE KEY', 6), ['keyedJson', 'escapedJson', 'bareText', 'yaml']],
  ['rsa-private-key', 'gitleaks:private-key (PKCS#1)', () => pem('RSA PRIVATE KEY', 5), ['bareJson', 'doubleEscaped', 'html']],
  ['openssh-private-key', 'gitleaks:private-key (OpenSSH)', () => pem('OPENSSH PRIVATE KEY', 4), ['sse', 'logLine']],
  ['azure-ad-client-secret', 'gitleaks:azure-ad-client-secret', () => `${alnum(3)}${pick(DIGITS, 1)}Q~${pick(ALNUM + '_~.-', 34)}`],
  ['azure-storage-account-key', 'Azure Storage connection string (AccountKey, 88 base64)', () => `${b64(86)}==`],
  ['github-pat', 'gitleaks:github-pat', () => `ghp_${alnum(36)}`],
  ['github-oauth-token', 'gitleaks:github-oauth', () => `gho_${alnum(36)}`],
  ['github-app-token', 'gitleaks:github-app-token', () => `ghs_${alnum(36)}`],
  ['github-refresh-token', 'gitleaks:github-refresh-token', () => `ghr_${alnum(36)}`],
  ['github-fine-grained-pat', 'gitleaks:github-fine-grained-pat', () => `github_pat_${alnum(22)}_${alnum(59)}`],
  ['gitlab-pat', 'gitleaks:gitlab-pat', () => `glpat-${b64url(20)}`],
  ['gitlab-runner-token', 'gitleaks:gitlab-runner-authentication-token', () => `glrt-${b64url(20)}`],
  ['slack-bot-token', 'gitleaks:slack-bot-token', () => `xoxb-${digits(12)}-${digits(13)}-${alnum(24)}`],
  ['slack-user-token', 'gitleaks:slack-user-token', () => `xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${hex(32)}`],
  // The webhook's last segment is its credential; T... and B... are the workspace's and channel's ids.
  ['slack-webhook-url', 'gitleaks:slack-webhook-url', () => alnum(24), ['slackWebhookText', 'slackWebhookJson']],
  ['stripe-secret-key', 'gitleaks:stripe-access-token', () => `sk_live_${alnum(99)}`],
  ['stripe-restricted-key', 'gitleaks:stripe-access-token', () => `rk_live_${alnum(24)}`],
  ['stripe-webhook-secret', 'Stripe docs (whsec_)', () => `whsec_${b64(32)}`],
  ['twilio-api-key', 'gitleaks:twilio-api-key', () => `SK${hex(32)}`],
  ['sendgrid-api-key', 'gitleaks:sendgrid-api-token', () => `SG.${b64url(22)}.${b64url(43)}`],
  ['mailgun-private-key', 'gitleaks:mailgun-private-api-token', () => `key-${hex(32)}`],
  ['mailchimp-api-key', 'gitleaks:mailchimp-api-key', () => `${hex(32)}-us${pick(DIGITS, 2)}`],
  ['npm-token', 'gitleaks:npm-access-token', () => `npm_${alnum(36)}`],
  ['pypi-token', 'gitleaks:pypi-upload-token', () => `pypi-AgEIcHlwaS5vcmc${b64url(70)}`],
  ['shopify-access-token', 'gitleaks:shopify-access-token', () => `shpat_${hex(32)}`],
  ['discord-bot-token', 'GitHub secret scanning: Discord bot token', () => `${pick('MN', 1)}${alnum(23)}.${b64url(6)}.${b64url(27)}`],
  ['telegram-bot-token', 'gitleaks:telegram-bot-api-token', () => `${digits(10)}:AA${b64url(33)}`],
  ['jwt', 'gitleaks:jwt', jwt],
  ['databricks-token', 'gitleaks:databricks-api-token', () => `dapi${hex(32)}`],
  ['digitalocean-pat', 'gitleaks:digitalocean-pat', () => `dop_v1_${hex(64)}`],
  ['doppler-token', 'gitleaks:doppler-api-token', () => `dp.pt.${alnum(43)}`],
  ['dynatrace-token', 'gitleaks:dynatrace-api-token', () => `dt0c01.${pick(UPPER + DIGITS, 24)}.${pick(UPPER + DIGITS, 64)}`],
  ['grafana-service-account-token', 'gitleaks:grafana-service-account-token', () => `glsa_${alnum(32)}_${hex(8)}`],
  ['vault-service-token', 'gitleaks:vault-service-token', () => `hvs.${b64url(95)}`],
  ['terraform-cloud-token', 'gitleaks:hashicorp-tf-api-token', () => `${alnum(14)}.atlasv1.${b64url(67)}`],
  ['linear-api-key', 'gitleaks:linear-api-key', () => `lin_api_${alnum(40)}`],
  ['notion-token', 'gitleaks:notion-api-token', () => `ntn_${pick(DIGITS, 11)}${alnum(35)}`],
  ['newrelic-user-key', 'gitleaks:new-relic-user-api-key', () => `NRAK-${pick(UPPER + DIGITS, 27)}`],
  ['sentry-user-token', 'gitleaks:sentry-user-token', () => `sntryu_${hex(64)}`],
  ['postman-api-key', 'gitleaks:postman-api-token', () => `PMAK-${hex(24)}-${hex(34)}`],
  ['heroku-api-key-v2', 'gitleaks:heroku-api-key-v2', () => `HRKU-AA${b64url(58)}`],
  ['planetscale-token', 'gitleaks:planetscale-api-token', () => `pscale_tkn_${b64url(43)}`],
  ['square-access-token', 'gitleaks:square-access-token', () => `EAAA${b64url(60)}`],
  ['facebook-page-token', 'gitleaks:facebook-page-access-token', () => `EAAC${alnum(120)}`],
  ['age-secret-key', 'gitleaks:age-secret-key', () => `AGE-SECRET-KEY-1${pick('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`],
  ['1password-secret-key', 'gitleaks:1password-secret-key', () => `A3-${pick(UPPER + DIGITS, 6)}-${pick(UPPER + DIGITS, 11)}-${pick(UPPER + DIGITS, 5)}-${pick(UPPER + DIGITS, 5)}-${pick(UPPER + DIGITS, 5)}`],
  ['cloudflare-api-token', 'gitleaks:cloudflare-api-key (40, no prefix)', () => b64url(40)],
  ['okta-token', 'gitleaks:okta-access-token', () => `00${b64url(40)}`],
  ['clickhouse-cloud-key', 'gitleaks:clickhouse-cloud-api-secret-key', () => `4b1d${alnum(38)}`],
  ['google-oauth-client-secret', 'GitHub secret scanning: Google OAuth client secret (GOCSPX-)', () => `GOCSPX-${b64url(28)}`],
  ['google-oauth-access-token', 'GitHub secret scanning: Google OAuth access token (ya29.)', () => `ya29.${b64url(150)}`],
  ['google-oauth-refresh-token', 'GitHub secret scanning: Google OAuth refresh token (1//)', () => `1//0${b64url(100)}`],
  ['atlassian-api-token', 'gitleaks:atlassian-api-token (ATATT3)', () => `ATATT3xFfGF0${b64url(180)}=${hexu(8)}`],
  ['pinecone-key', 'Pinecone (pcsk_)', () => `pcsk_${alnum(5)}_${alnum(64)}`],
  ['firecrawl-key', 'Firecrawl (fc- + 32 hex)', () => `fc-${hex(32)}`],
  ['weights-biases-key', 'Weights & Biases (40 hex, no prefix)', () => hex(40)],
  ['basic-auth-credential', 'RFC 7617 Basic credential (base64 user:password)', () => Buffer.from(`svc-gateway:${alnum(18)}`).toString('base64'), ['headerEchoText', 'headerEchoJson', 'stack']],
  ['session-cookie', 'Express connect.sid signed cookie', () => `s%3A${b64url(32)}.${b64(43)}`, ['keyedJson', 'sse', 'headerEchoJson']],
  ['oauth-client-secret', 'OAuth 2.0 client_secret (RFC 6749)', () => b64url(40), ['formBody', 'keyedJson', 'yaml']],
  ['otp-code', 'one-time password (key context)', () => pick(DIGITS, 8), ['keyedJson', 'formBody', 'pythonRepr']],
  ['password', 'a chosen password (key context)', password, KEYED],
];
function hexu(n) {
  return pick(HEXU, n);
}

const samples = [];
let next = 0;
const context = (allowed) => {
  const list = allowed ?? GENERAL;
  return list[next++ % list.length];
};

for (const [format, source, make, allowed] of FORMATS) {
  const n = allowed === KEYED ? 8 : 3;
  for (let i = 0; i < n; i++) {
    const secret = make();
    const ctx = context(allowed);
    let text = CONTEXTS[ctx](secret);
    // Keyed contexts name the key themselves; OTPs and passwords need one that says what they are.
    if (format === 'otp-code') text = text.replace(/api_key|token|client_secret/, 'otp');
    if (format === 'password') text = text.replace(/api_key|accessKey|session_token|client_secret|secret|token/, (k) => ({ api_key: 'password', accessKey: 'dbPassword', session_token: 'passwd', client_secret: 'password', secret: 'pwd', token: 'password' })[k] ?? 'password');
    if (format === 'password' && ctx === 'headerEchoJson') text = text.replace(`Bearer ${secret}`, secret).replace('"Authorization"', '"Proxy-Authorization-Password"');
    if (format === 'password' && ctx === 'apiKeyHeaderEcho') text = text.replace('x-api-key', 'x-db-password');
    if (format === 'password' && ctx === 'envLine') text = text.replace('PROVIDER_SECRET', 'DB_PASSWORD');
    samples.push({ format, source, context: ctx, secret, text });
  }
}
// Connection strings: the password is the secret; user and host stay.
const CONN_SCHEMES = [
  ['postgres-url-password', 'postgres', 'gateway_app'],
  ['postgresql-url-password', 'postgresql', 'analytics'],
  ['mysql-url-password', 'mysql', 'root'],
  ['mongodb-srv-password', 'mongodb+srv', 'svc-gateway'],
  ['redis-url-password', 'redis', 'default'],
  ['rediss-url-password', 'rediss', 'cache'],
  ['amqp-url-password', 'amqp', 'worker'],
  ['mssql-url-password', 'mssql', 'sa'],
];
const connContexts = Object.keys(CONNECTION);
for (const [format, scheme, user] of CONN_SCHEMES) {
  for (let i = 0; i < 2; i++) {
    const secret = i === 0 ? password() : alnum(24);
    const ctx = connContexts[next++ % connContexts.length];
    samples.push({ format, source: `${scheme}:// URL userinfo (RFC 3986)`, context: ctx, secret, text: CONNECTION[ctx](scheme, user, secret) });
  }
}
// Semicolon connection strings (ADO.NET, Azure Storage): the password or key after its name.
for (let i = 0; i < 3; i++) {
  const secret = i === 2 ? `${b64(86)}==` : password();
  const text =
    i === 2
      ? `{"error":"StorageError","connection":"DefaultEndpointsProtocol=https;AccountName=gatewaylogs;AccountKey=${secret};EndpointSuffix=core.windows.net"}`
      : `SqlException: Login failed. Connection string: Server=tcp:gw-sql.database.windows.net,1433;Database=gateway;User ID=gw_app;Password=${secret};Encrypt=True;`;
  samples.push({ format: i === 2 ? 'azure-storage-connection-string' : 'ado-net-connection-string', source: i === 2 ? 'Azure Storage connection string' : 'ADO.NET connection string', context: 'connectionString', secret, text });
}
// Credentials after scheme words other than Bearer.
const SCHEMES = [
  ['digest-auth-response', 'RFC 7616 Digest', (s) => `Authorization: Digest username="gw", realm="api", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/v1/models", response="${s}"`, () => hex(32)],
  ['apikey-scheme-credential', 'Authorization: ApiKey (Elastic)', (s) => `{"error":"security_exception","reason":"unable to authenticate with provided credentials","header":"Authorization: ApiKey ${s}"}`, () => Buffer.from(`${alnum(20)}:${alnum(22)}`).toString('base64')],
  ['ssws-scheme-credential', 'Authorization: SSWS (Okta)', (s) => `Authorization: SSWS ${s}\nerrorCode: E0000011`, () => `00${b64url(40)}`],
  ['aws-sigv4-signature', 'AWS Signature Version 4', (s) => `{"message":"The request signature we calculated does not match","authorization":"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEID/20250302/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${s}"}`, () => hex(64)],
];
for (const [format, source, ctxFn, make] of SCHEMES) {
  for (let i = 0; i < 2; i++) {
    const secret = make();
    samples.push({ format, source, context: 'authorizationScheme', secret, text: ctxFn(secret) });
  }
}

const formats = new Set(samples.map((s) => s.format));
writeFileSync(
  new URL('./secrets.json', import.meta.url),
  `${JSON.stringify({ description: 'Synthetic credentials (seeded random values, never real keys) in publicly documented formats, each in a realistic error-body context. Generated by generateSecrets.mjs.', formats: formats.size, samples }, null, 1)}\n`,
);
console.log(`secrets.json: ${samples.length} samples, ${formats.size} formats`);
