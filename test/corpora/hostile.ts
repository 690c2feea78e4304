/**
 * Bodies a hostile or broken upstream could send, up to the largest preview
 * the worker reads (previewChars at most 10,000, plus a 256-character margin).
 * The scrubber must never throw on them (test/scrub.test.ts) and stay fast
 * (`npm run bench:scrub` prints each one's time).
 */
import { KEY } from '../scrubFixtures.js';

const MAX = 10_256;

export const HOSTILE: Record<string, string> = {
  'a name: a=b=c=... chain': `x: ${Array.from({ length: 3000 }, (_, i) => `k${i}`).join('=')}`.slice(0, MAX),
  'a:a:a:...': 'a:'.repeat(MAX / 2),
  'a 10,000-character token with an @': `${'a'.repeat(9000)}@${'b'.repeat(1000)}`,
  'one 10,000-character random token': 'Zq9Xw7VbN2kLp4Wz'.repeat(640),
  'unbalanced quotes and colons': '"a":'.repeat(MAX / 4),
  'a Digest header of 1,400 parameters': `Authorization: Digest ${'a="b", '.repeat(1400)}`,
  'JSON quoted twelve strings deep': (() => {
    let body = `{"k":"${KEY}"}`;
    for (let i = 0; i < 12; i++) body = JSON.stringify({ e: body });
    return body.slice(0, MAX);
  })(),
  'URLs nested in query values': (() => {
    let u = 'x';
    for (let i = 0; i < 700; i++) u = `https://a.example/r?next=${u}`;
    return u.slice(0, MAX);
  })(),
  'brackets, backslashes, control characters and lone surrogates': `{[\\\\"\\u0000${'\\ud800'.repeat(100)}\u0000\u0001${String.fromCharCode(0xd800).repeat(50)}${'{['.repeat(2000)}`,
};
