/**
 * The scrubber, part by part (issue 11). The corpora test (scrubCorpora.test.ts)
 * measures it as a whole; these pin each behaviour a user relies on.
 */
import { describe, expect, it } from 'vitest';
import { reportToEvent } from '../src/reportToEvent.js';
import { buildReport } from '../sw/report/buildReport.js';
import { isReadablePart, looksRandom, shannon } from '../sw/report/entropy.js';
import { FILTERED, isSensitiveKey, isSensitiveParam, scrubPreview, scrubText, scrubUrl } from '../sw/report/scrub.js';
import { HOSTILE } from './corpora/hostile.js';
import { KEY, observation, RANDOM } from './scrubFixtures.js';

const HEX = '9f1c3e7a2b4d6f8091a3c5e7b9d1f2a4';

describe('scrubUrl: the request URL', () => {
  it('keeps sensitive parameter names and drops their values', () => {
    const out = scrubUrl('https://api.gatewayz.ai/v1/models?gateway=openrouter&api_key=abc123&token=t0k&X-Amz-Signature=s1g&page=2');
    expect(out).toBe(`https://api.gatewayz.ai/v1/models?gateway=openrouter&api_key=${FILTERED}&token=${FILTERED}&X-Amz-Signature=${FILTERED}&page=2`);
  });

  it('hides userinfo and drops the fragment', () => {
    expect(scrubUrl('https://user:pa55@api.gatewayz.ai/v1/models#secret-part')).toBe(`https://${FILTERED}@api.gatewayz.ai/v1/models`);
  });

  it('replaces a path segment that is a key, a random token, a JWT or an email', () => {
    expect(scrubUrl('https://api.gatewayz.ai/v1/keys/sk-proj-abcdefghijklmnop1234/usage')).toBe(`https://api.gatewayz.ai/v1/keys/${FILTERED}/usage`);
    expect(scrubUrl(`https://api.gatewayz.ai/v1/share/${RANDOM}/view`)).toBe(`https://api.gatewayz.ai/v1/share/${FILTERED}/view`);
    expect(scrubUrl('https://api.gatewayz.ai/v1/users/alice@example.com')).toBe(`https://api.gatewayz.ai/v1/users/${FILTERED}`);
  });

  it('keeps readable path segments, ids and model names', () => {
    for (const url of [
      'https://api.gatewayz.ai/v1/chats/6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f/messages',
      'https://router.huggingface.co/hf-inference/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions',
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20241022-v2:0/invoke',
      'https://api.gatewayz.ai/v1/users/12345/usage?from=2025-03-01&to=2025-03-31',
    ]) {
      expect(scrubUrl(url)).toBe(url);
    }
  });

  it('honours extra parameter names, case-insensitively', () => {
    expect(scrubUrl('https://a.example/x?Tenant=acme&q=1', ['tenant'])).toBe(`https://a.example/x?Tenant=${FILTERED}&q=1`);
  });

  it('leaves untouched values byte for byte', () => {
    expect(scrubUrl('https://a.example/x?q=a%20b+c&gateway=all')).toBe('https://a.example/x?q=a%20b+c&gateway=all');
  });

  it('scrubs a secret inside an ordinary parameter value, keeping the rest', () => {
    expect(scrubUrl(`https://a.example/x?q=${encodeURIComponent(`invalid ${KEY}`)}`)).toBe(`https://a.example/x?q=invalid%20${FILTERED}`);
  });
});

describe('URLs found in text, any scheme', () => {
  it.each([
    ['postgres://gateway_app:Winter#Deploy9912@db-primary.internal:5432/gateway', `postgres://${FILTERED}@db-primary.internal:5432/gateway`],
    ['mongodb+srv://svc:p@ssW0rd-prod@cluster0.ab1cd.mongodb.net/prod?retryWrites=true', `mongodb+srv://${FILTERED}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true`],
    ['redis://:Summer2024!Gateway@cache.internal:6379/0', `redis://${FILTERED}@cache.internal:6379/0`],
    ['amqp://worker:Mango!Kiwi$Plum7@mq.internal/vhost', `amqp://${FILTERED}@mq.internal/vhost`],
    ['jdbc:mysql://db.internal:3306/gw?user=gw&password=hunter2hunter2', `jdbc:mysql://db.internal:3306/gw?user=gw&password=${FILTERED}`],
    [`wss://api.example/v1/realtime?model=gpt-4o-realtime-preview&token=${RANDOM}`, `wss://api.example/v1/realtime?model=gpt-4o-realtime-preview&token=${FILTERED}`],
    [`https://app.example/callback#access_token=${RANDOM}&token_type=bearer`, `https://app.example/callback#access_token=${FILTERED}&token_type=bearer`],
    [`https://${KEY}@github.com/acme/repo.git`, `https://${FILTERED}@github.com/acme/repo.git`],
  ])('%s', (url, out) => {
    expect(scrubText(`could not connect to ${url} (timeout)`)).toBe(`could not connect to ${out} (timeout)`);
  });

  it('leaves a URL with nothing secret in it byte for byte, trailing slash and fragment included', () => {
    const text = 'See https://docs.anthropic.com/en/api/errors#http-errors and HTTPS://Example.COM for details.';
    expect(scrubText(text)).toBe(text);
  });
});

describe('Authorization schemes', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi_jkl123', `Authorization: Bearer ${FILTERED}`],
    [`authorization: bearer ${RANDOM}`, `authorization: bearer ${FILTERED}`],
    ['Authorization: Basic c3ZjLWdhdGV3YXk6czNjcjN0UGFzcw==', `Authorization: Basic ${FILTERED}`],
    [`Authorization: Token ${HEX}`, `Authorization: Token ${FILTERED}`],
    [`Authorization: ApiKey ${RANDOM}==`, `Authorization: ApiKey ${FILTERED}`],
    [`Authorization: SSWS 00${RANDOM}`, `Authorization: SSWS ${FILTERED}`],
    [`Authorization: Digest username="gw", realm="api", response="${HEX}"`, `Authorization: Digest ${FILTERED}`],
    [`Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250302/us-east-1/s3/aws4_request, Signature=${HEX}`, `Authorization: AWS4-HMAC-SHA256 ${FILTERED}`],
    // Any scheme word after "authorization:", even one no list knows.
    [`Proxy-Authorization: Custom-Scheme ${RANDOM}`, `Proxy-Authorization: Custom-Scheme ${FILTERED}`],
    // A scheme word anywhere, before a credential.
    [`retrying with Bearer ${RANDOM} failed`, `retrying with Bearer ${FILTERED} failed`],
    [`Basic c3ZjLWdhdGV3YXk6czNjcjN0 rejected`, `Basic ${FILTERED} rejected`],
  ])('%s', (input, output) => {
    expect(scrubText(input)).toBe(output);
  });

  it('keeps the words after a scheme word when they are words', () => {
    for (const text of ['Token expired', 'Bearer token required', 'Basic authentication is not supported', 'www-authenticate: Bearer realm="api", error="invalid_token"']) {
      expect(scrubText(text)).toBe(text);
    }
  });

  it('stops at the quote that closes a JSON string around the header line: the body stays JSON', () => {
    const body = `{"error":"security_exception","header":"Authorization: ApiKey ${RANDOM}==","status":401}`;
    const out = scrubText(body);
    expect(out).toBe(`{"error":"security_exception","header":"Authorization: ApiKey ${FILTERED}","status":401}`);
    expect(JSON.parse(out)).toMatchObject({ status: 401 });
  });

  it('keeps the scheme word of a JSON authorization value', () => {
    expect(scrubText(`{"authorization":"Bearer ${RANDOM}"}`)).toBe(`{"authorization":"Bearer ${FILTERED}"}`);
  });
});

describe('the key-name rule', () => {
  it.each([
    'key', 'api_key', 'apiKey', 'x-api-key', 'accessKey', 'AccountKey', 'private_key', 'token', 'access_token', 'session_token', 'secret', 'client_secret',
    'password', 'dbPassword', 'pwd', 'passwd', 'mysql_pwd', 'auth', 'Authorization', 'cookie', 'set-cookie', 'session', 'sessionid', 'credentials',
    'creds', 'signature', 'X-Amz-Signature', 'otp', 'totp', 'pin', 'private', 'xapikey', 'x-csrf-token',
  ])('%s names a secret', (name) => expect(isSensitiveKey(name)).toBe(true));

  it.each(['max_tokens', 'prompt_tokens', 'x-ratelimit-remaining-tokens', 'token_type', 'auth_url', 'authority', 'author', 'monkey', 'model', 'message', 'code', 'type', 'gateway', 'request_id', 'keyboard'])(
    '%s does not',
    (name) => expect(isSensitiveKey(name)).toBe(false),
  );

  it('applies to query parameters, with signed-URL parameters besides', () => {
    for (const name of ['api_key', 'sig', 'X-Amz-Credential', 'X-Goog-Signature', 'refresh_token', 'sessionid']) expect(isSensitiveParam(name)).toBe(true);
    for (const name of ['gateway', 'page', 'limit', 'model', 'q', 'api-version', 'alt', 'code']) expect(isSensitiveParam(name)).toBe(false);
  });

  it("judges every query value as if after a key word, whatever the parameter's name: OAuth's code goes, an error code stays", () => {
    expect(scrubUrl('https://app.example/cb?code=4%2F0AX4XfWhQz9Lp2Vb7Nk&state=a1')).toBe(`https://app.example/cb?code=${FILTERED}&state=a1`);
    expect(scrubUrl('https://docs.example/errors?code=rate_limit_exceeded&ref=api')).toBe('https://docs.example/errors?code=rate_limit_exceeded&ref=api');
    // 17 random characters: too short for a token in a sentence, not for a query value.
    expect(scrubUrl('https://api.example/v1/integrations?airtable=Y2CbjGAEIrIrKuYhe&region=us-east-1')).toBe(`https://api.example/v1/integrations?airtable=${FILTERED}&region=us-east-1`);
    expect(scrubText('upstream said Y2CbjGAEIrIrKuYhe')).toBe('upstream said Y2CbjGAEIrIrKuYhe');
    const kept = `https://api.example/v1/usage?workspace=6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f&model=gpt-4o-mini-2024-07-18&page=2&cursor=Zq9Xw7VbN2kLp4WzR8tYc1vH&since=2025-03-01T00%3A00%3A00Z`;
    expect(scrubUrl(kept)).toBe(kept);
  });

  it('judges every path segment as if after a key word, but keeps the one after an id label', () => {
    expect(scrubText('GET /v1/integrations/airtable/tJ5NALj58W7aYa1bi failed')).toBe(`GET /v1/integrations/airtable/${FILTERED} failed`);
    expect(scrubText('see https://github.com/acme/gw/commit/3f2a9c0e1b7d4a6f8e9d0c1b2a3f4e5d6c7b8a90')).toBe('see https://github.com/acme/gw/commit/3f2a9c0e1b7d4a6f8e9d0c1b2a3f4e5d6c7b8a90');
    expect(scrubText('/v1/threads/6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f/messages')).toBe('/v1/threads/6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f/messages');
  });

  it('takes a UUID or a long number after one of the vendor names gitleaks keys such credentials by, and nowhere else', () => {
    const id = '884a993e-ff1c-4d5f-9c65-a687ab7c3aff';
    expect(scrubUrl(`https://api.example/v1/x?heroku=${id}`)).toBe(`https://api.example/v1/x?heroku=${FILTERED}`);
    expect(scrubUrl(`https://api.example/v1/discord/912598304081663589/status`)).toBe(`https://api.example/v1/discord/${FILTERED}/status`);
    expect(scrubUrl(`https://api.example/v1/x?workspace=${id}`)).toBe(`https://api.example/v1/x?workspace=${id}`);
  });

  it.each([
    [`{"api_key":"abc123","ok":1}`, `{"api_key":"${FILTERED}","ok":1}`],
    [`{"config":{"accessKey":"short"}}`, `{"config":{"accessKey":"${FILTERED}"}}`],
    [`{"otp": 48291375, "max_tokens": 4096}`, `{"otp": "${FILTERED}", "max_tokens": 4096}`],
    [`{"credentials":{"username":"svc","password":"x"},"model":"gpt-4o"}`, `{"credentials":{"username":"${FILTERED}","password":"${FILTERED}"},"model":"gpt-4o"}`],
    [`{"api_keys":["a1","b2"],"count":2}`, `{"api_keys":["${FILTERED}","${FILTERED}"],"count":2}`],
    [`{"password_required":true,"token_type":"bearer"}`, `{"password_required":true,"token_type":"bearer"}`],
    [`DB_PASSWORD=correct-horse-battery-staple42 in .env`, `DB_PASSWORD=${FILTERED} in .env`],
    [`config {'model': 'gpt-4o', 'token': 'hunter2'}`, `config {'model': 'gpt-4o', 'token': '${FILTERED}'}`],
    [`Server=tcp:db,1433;User ID=gw_app;Password=Tr0ub4dor&3;Encrypt=True;`, `Server=tcp:db,1433;User ID=gw_app;Password=${FILTERED};Encrypt=True;`],
    [`grant_type=client_credentials&client_secret=${RANDOM}&scope=read`, `grant_type=client_credentials&client_secret=${FILTERED}&scope=read`],
    [`Startup check failed: PROVIDER_SECRET=whatever-it-is`, `Startup check failed: PROVIDER_SECRET=${FILTERED}`],
  ])('%s', (input, output) => {
    expect(scrubText(input)).toBe(output);
  });
});

describe('JSON, structure first', () => {
  it('unescapes a string that holds JSON, scrubs inside it, and re-escapes it: the preview stays valid JSON', () => {
    const inner = JSON.stringify({ error: { message: `Invalid token ${RANDOM}`, type: 'authentication_error' }, api_key: 'x1' });
    const body = JSON.stringify({ error: { message: 'Provider returned error', code: 401, metadata: { raw: inner, provider_name: 'Fireworks' } } });
    const out = scrubText(body);
    const parsed = JSON.parse(out) as { error: { metadata: { raw: string; provider_name: string } } };
    expect(JSON.parse(parsed.error.metadata.raw)).toEqual({ error: { message: `Invalid token ${FILTERED}`, type: 'authentication_error' }, api_key: FILTERED });
    expect(parsed.error.metadata.provider_name).toBe('Fireworks');
  });

  it('goes three strings deep, and still catches known formats deeper than it unescapes', () => {
    let body = `{"detail":"bad key ${KEY} and secret ${RANDOM}"}`;
    for (let i = 0; i < 6; i++) body = JSON.stringify({ error: body });
    const out = scrubText(body);
    expect(out).not.toContain(KEY.slice(8));
    expect(out).not.toContain(RANDOM.slice(0, 12));
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('keeps everything it does not change byte for byte: spacing, key order, escapes', () => {
    const body = '{ "error" : { "message" : "caf\\u00e9 \\/ overloaded",\n  "token": "t0k3n-v4lue" } }';
    expect(scrubText(body)).toBe(`{ "error" : { "message" : "caf\\u00e9 \\/ overloaded",\n  "token": "${FILTERED}" } }`);
  });

  it('scrubs JSON cut short, including a value under a sensitive key that never closes', () => {
    expect(scrubText(`{"error":{"message":"Invalid key ${KEY.slice(0, 20)}`)).toBe(`{"error":{"message":"Invalid key ${FILTERED}`);
    expect(scrubText('{"user":"bob","password":"hunter2hun')).toBe(`{"user":"bob","password":"${FILTERED}`);
  });

  it('scrubs SSE and NDJSON lines', () => {
    expect(scrubText(`data: {"error":"bad key","session_token":"${RANDOM}"}\n\n`)).toBe(`data: {"error":"bad key","session_token":"${FILTERED}"}\n\n`);
  });
});

describe('keys by shape: a vendor prefix, a separator, a random tail', () => {
  it.each([
    'sm_pat_HdMDxDPoSKq3hYwq', // 16 characters after the prefix: too short for a bare token
    'glpat-VOZJKLjUSHJ3m4GYvuJC',
    'acme_live_Zq9Xw7VbN2kL', // a vendor no list holds
    'FLWSECK_TEST-6b0bc15dca0e', // an environment word: 12 hex digits do
    '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',
  ])('%s is scrubbed in a sentence, and under an id label', (key) => {
    expect(scrubText(`upstream rejected ${key} (attempt 2)`)).toBe(`upstream rejected ${FILTERED} (attempt 2)`);
    expect(scrubText(`{"request_id":"${key}"}`)).toBe(`{"request_id":"${FILTERED}"}`);
    expect(scrubText(key, true)).toBe(FILTERED);
  });

  it.each([
    'gpt-4o-mini-2024-07-18',
    'claude-3-5-sonnet-20241022',
    'page-3f2a9c0e1b7d4a6f.js', // a build hash after a word: hex needs 20 digits here
    'i-0abc123def4567890',
    'chatcmpl-9xQ2aBcDeFgHiJkLmNoPqRsTuVwXy',
    'WWW-Authenticate',
    'com.amazon.bedrock#ModelNotReadyException',
  ])('%s is not a key', (text) => {
    expect(scrubText(`${text} failed`)).toBe(`${text} failed`);
  });

  it('catches AWS access key ids that read as a word in capitals (a narrow rule)', () => {
    expect(scrubText('for ASIAOGVUYYSKLQLZSPSM (attempt 2)')).toBe(`for ${FILTERED} (attempt 2)`);
  });

  it("catches a Facebook app token whole, app id and secret, though `|` separates elsewhere", () => {
    expect(scrubText('app 849479167036329|a8f0c2kq9vz3m1x7rt4yw6bn5de0hj2l0p rejected')).toBe(`app ${FILTERED} rejected`);
  });

  it('judges a base64 value that ends in padding as a value, not as NAME=value', () => {
    const b64 = 'ZXlKaGJHY2lPaUpJVXpJMU5pSXNJblI1Y0NJNklrcFhWQ0o5LmV5SnpkV0lpT2lK==';
    expect(scrubText(`X-Upstream-Echo: ${b64}`)).toBe(`X-Upstream-Echo: ${FILTERED}==`);
  });
});

describe('unknown formats by entropy', () => {
  it('scrubs random tokens with no known prefix, bare or near a key word', () => {
    expect(scrubText(`upstream rejected ${RANDOM} at 2024-07-18T12:34:56Z`)).toBe(`upstream rejected ${FILTERED} at 2024-07-18T12:34:56Z`);
    expect(scrubText(`Invalid key: ${HEX}`)).toBe(`Invalid key: ${FILTERED}`);
    // Shorter than a token on its own would need, but a few words after a key word.
    expect(scrubText('Incorrect API key provided: Qx7bN2kLp9Wz4.')).toBe(`Incorrect API key provided: ${FILTERED}.`);
  });

  it('keeps the allowlisted shapes: UUIDs, ULIDs, ISO timestamps, model ids, providers\' object ids, labelled ids', () => {
    for (const text of [
      'chat 6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f not found',
      'incident 01JMYB4ZRPNQZ0G2V1XBPS9T6N',
      'at 2025-03-02T09:14:07.441+01:00',
      'Model meta-llama/Llama-3.1-8B-Instruct is loading; try gpt-4o-mini-2024-07-18 or claude-3-5-sonnet-20241022',
      'models: mistralai/Mixtral-8x7B-Instruct-v0.1, anthropic.claude-3-5-sonnet-20241022-v2:0, NousResearch/Hermes-3-Llama-3.1-405B',
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}',
      'Tool call call_Xq7bN2kLp9WzR4tYc8vHd3Jm has no result; completion chatcmpl-9xQ2aBcDeFgHiJkLmNoPqRsTuVwXy',
      `x-request-id: ${RANDOM}`,
      `{"trace_id":"${HEX}"}`,
      `(Request ID: ${HEX})`,
      `commit ${HEX}a1b2c3d4`,
    ]) {
      expect(scrubText(text)).toBe(text);
    }
  });

  it('measures entropy as Shannon bits per character', () => {
    expect(shannon('aaaa')).toBe(0);
    expect(shannon('abcd')).toBe(2);
    expect(shannon('0123456789abcdef')).toBe(4);
  });

  it('sets readable parts aside before measuring', () => {
    for (const part of ['Llama', 'Instruct', 'HuggingFace', 'DeploymentNotFound', 'ECONNRESET', '8B', '3.1', 'v0', 'h100', 'generativelanguage']) expect(isReadablePart(part)).toBe(true);
    for (const part of ['eyOhmflEhjyUZbvzEBNKZm', 'Zq9Xw7VbN2kL', 'xqbnklpwzrtycvhdjm']) expect(isReadablePart(part)).toBe(false);
    expect(looksRandom('meta-llama/Llama-3.1-8B-Instruct')).toBe(false);
    expect(looksRandom(RANDOM)).toBe(true);
    expect(looksRandom(HEX)).toBe(true);
    // One character class only: no mix, no secret by shape.
    expect(looksRandom('ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBe(false);
  });
});

describe('scrubText: other PII and formats', () => {
  it.each([
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U here', `token ${FILTERED} here`],
    ['{"error":"Invalid API key sk-or-v1-0123456789abcdef0123"}', `{"error":"Invalid API key ${FILTERED}"}`],
    ['contact bob.smith+x@corp.example.org now', `contact ${FILTERED} now`],
    ['card 4111 1111 1111 1111 declined', `card ${FILTERED} declined`],
    ['aws AKIAIOSFODNN7EXAMPLE', `aws ${FILTERED}`],
    ['key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\nend', `key:\n${FILTERED}\nend`],
  ])('%s', (input, output) => {
    expect(scrubText(input)).toBe(output);
  });

  it('keeps numbers that are not card numbers (dates, timestamps, counts), and ordinary error text', () => {
    for (const text of ['order 1234567890123 failed', 'x-correlation-id: gw-2025-03-02-000184', 'created 1721306096789', '{"error":"Service temporarily unavailable"}']) {
      expect(scrubText(text)).toBe(text);
    }
  });
});

describe('scrub, then cut', () => {
  it('a secret across the cut is scrubbed whole, not left half', () => {
    // Twilio's API key format: SK and 32 hex digits. Cut after 13 of them, what is left matches no rule and is too short for entropy.
    const twilio = `SK${HEX}`;
    const body = `${'x'.repeat(484)} ${twilio} and more`;
    expect(scrubText(body.slice(0, 500))).toContain(twilio.slice(0, 15));
    const out = scrubPreview(body, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out).toBe(`${'x'.repeat(484)} ${FILTERED} and `);
  });

  it('never ends inside the marker', () => {
    const body = `${'x'.repeat(495)} ${RANDOM}`;
    expect(scrubPreview(body, 500)).toBe(`${'x'.repeat(495)} `);
    expect(scrubPreview(`${'x'.repeat(489)} ${RANDOM}`, 500)).toBe(`${'x'.repeat(489)} ${FILTERED}`);
  });
});

describe('buildReport: every field that carries text from the network', () => {
  it('scrubs the preview before cutting it to previewChars', () => {
    const preview = `{"error":{"message":"${'Upstream refused the request. '.repeat(16)}key ${RANDOM}"}}`;
    const r = buildReport(observation({ preview }), { timeoutMs: 30000, scrubParams: [], previewChars: 500 });
    expect(r.responsePreview!.length).toBeLessThanOrEqual(500);
    expect(r.responsePreview).not.toContain(RANDOM.slice(0, 8));
  });

  it('scrubs the status text, which the event message carries', () => {
    const r = buildReport(observation({ statusText: `Invalid key ${KEY}` }), { timeoutMs: 30000, scrubParams: [] });
    expect(r.statusText).toBe(`Invalid key ${FILTERED}`);
    expect(reportToEvent(r).message).toBe(`Backend API GET /v1/models failed: 401 Invalid key ${FILTERED}`);
  });

  it('keeps a request id from an allowlisted header even when it looks random, but not a key in it', () => {
    const headers = (id: string) => ({ get: (h: string) => (h === 'x-request-id' ? id : null) });
    expect(buildReport(observation({ headers: headers(RANDOM) }), { timeoutMs: 1, scrubParams: [] }).requestId).toBe(RANDOM);
    expect(buildReport(observation({ headers: headers(KEY) }), { timeoutMs: 1, scrubParams: [] }).requestId).toBe(FILTERED);
  });

  it('keeps a token in the path out of the endpoint context and the timeout message', () => {
    const url = `https://api.gatewayz.ai/v1/share/${RANDOM}/items?gateway=openrouter&api_key=${KEY}`;
    const r = buildReport(observation({ url, status: 0, statusText: '', classification: { kind: 'timeout', level: 'error' } }), { timeoutMs: 30000, scrubParams: [] });
    const event = JSON.stringify(reportToEvent(r));
    expect(event).not.toContain(RANDOM.slice(0, 8));
    expect(event).not.toContain(KEY.slice(8, 16));
    expect(reportToEvent(r).message).toBe(`Backend API timeout after 30000ms: /v1/share/${FILTERED}/items?gateway=openrouter&api_key=${FILTERED}`);
  });

  it('scrubs the error message, URLs in it included', () => {
    const r = buildReport(
      observation({ status: 0, classification: { kind: 'network_error', level: 'error' }, errorMessage: `TypeError: Failed to fetch https://u:${RANDOM}@api.example/x?token=${RANDOM}` }),
      { timeoutMs: 1, scrubParams: [] },
    );
    expect(r.errorMessage).toBe(`TypeError: Failed to fetch https://${FILTERED}@api.example/x?token=${FILTERED}`);
  });
});

describe('hostile input', () => {
  it.each(Object.entries(HOSTILE))('never throws: %s', (_name, body) => {
    expect(typeof scrubPreview(body, 10_000)).toBe('string');
  });

  it('never throws on seeded random text from an alphabet of JSON, URL and key punctuation', () => {
    const alphabet = ['"', '\\', '{', '}', '[', ']', ':', '=', '&', '?', '#', '@', '/', ' ', '\n', 'a', 'Z', '9', 'key', 'token', 'Bearer ', 'https://', 'sk-', '-----BEGIN PRIVATE KEY-----', "'", ';', ',', '%', '%5B'];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: 1 + Math.floor(next() * 400) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect(typeof scrubPreview(body, 500), body).toBe('string');
    }
  });
});
