import { describe, expect, it } from 'vitest';
import { FILTERED, isSensitiveParam, scrubText, scrubUrl } from '../sw/report/scrub.js';

describe('scrubUrl', () => {
  it('keeps sensitive parameter names and drops their values', () => {
    const out = scrubUrl('https://api.gatewayz.ai/v1/models?gateway=openrouter&api_key=abc123&token=t0k&X-Amz-Signature=s1g&page=2');
    expect(out).toBe(`https://api.gatewayz.ai/v1/models?gateway=openrouter&api_key=${FILTERED}&token=${FILTERED}&X-Amz-Signature=${FILTERED}&page=2`);
  });

  it('redacts credentials and drops the fragment', () => {
    expect(scrubUrl('https://user:pa55@api.gatewayz.ai/v1/models#secret-part')).toBe('https://REDACTED:REDACTED@api.gatewayz.ai/v1/models');
  });

  it('replaces a path segment that is a secret or an email', () => {
    expect(scrubUrl('https://api.gatewayz.ai/v1/keys/sk-proj-abcdefghijklmnop1234/usage')).toBe(`https://api.gatewayz.ai/v1/keys/${FILTERED}/usage`);
    expect(scrubUrl('https://api.gatewayz.ai/v1/users/alice@example.com')).toBe(`https://api.gatewayz.ai/v1/users/${FILTERED}`);
  });

  it('honours extra parameter names, case-insensitively', () => {
    expect(scrubUrl('https://a.example/x?Tenant=acme&q=1', ['tenant'])).toBe(`https://a.example/x?Tenant=${FILTERED}&q=1`);
  });

  it('leaves untouched values byte for byte', () => {
    expect(scrubUrl('https://a.example/x?q=a%20b+c&gateway=all')).toBe('https://a.example/x?q=a%20b+c&gateway=all');
  });
});

describe('isSensitiveParam', () => {
  it.each(['api_key', 'apikey', 'key', 'token', 'access_token', 'refresh_token', 'auth', 'password', 'secret', 'signature', 'sig', 'X-Amz-Credential', 'X-Goog-Signature', 'client_secret', 'sessionid'])(
    '%s is sensitive',
    (name) => expect(isSensitiveParam(name)).toBe(true),
  );
  it.each(['gateway', 'page', 'limit', 'model', 'q'])('%s is not', (name) => expect(isSensitiveParam(name)).toBe(false));
});

describe('scrubText', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi_jkl123', `Authorization: Bearer ${FILTERED}`],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U here', `token ${FILTERED} here`],
    ['{"error":"Invalid API key sk-or-v1-0123456789abcdef0123"}', `{"error":"Invalid API key ${FILTERED}"}`],
    ['{"api_key":"abc123","ok":1}', `{"api_key":"${FILTERED}","ok":1}`],
    ['contact bob.smith+x@corp.example.org now', `contact ${FILTERED} now`],
    ['card 4111 1111 1111 1111 declined', `card ${FILTERED} declined`],
    ['aws AKIAIOSFODNN7EXAMPLE', `aws ${FILTERED}`],
  ])('%s', (input, output) => {
    expect(scrubText(input)).toBe(output);
  });

  it('keeps numbers that are not card numbers, and ordinary error text', () => {
    expect(scrubText('order 1234567890123 failed')).toBe('order 1234567890123 failed');
    expect(scrubText('{"error":"Service temporarily unavailable"}')).toBe('{"error":"Service temporarily unavailable"}');
  });
});
