import { describe, expect, it } from 'vitest';
import { endpointTemplate, templateSegment } from '../sw/report/endpointTemplate.js';
import { looksRandom, NEAR_KEY_WORD } from '../sw/report/entropy.js';

describe('endpointTemplate', () => {
  it.each([
    ['/v1/models', '/v1/models'],
    ['/v1/models/3f2a9c0e1b7d4a6f', '/v1/models/{id}'],
    ['/v1/users/12345', '/v1/users/{id}'],
    ['/v1/chats/6f1c2a7e-8b3d-4c5f-9a0e-1d2b3c4d5e6f/messages', '/v1/chats/{id}/messages'],
    ['/v1/blobs/d41d8cd98f00b204e9800998ecf8427e', '/v1/blobs/{id}'],
    ['/v1/sessions/V1StGXR8_Z5jdHi6B-myT2x', '/v1/sessions/{id}'],
    ['/v1/users/alice%40example.com', '/v1/users/{id}'],
    ['/v1/sessions/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.abcdefSig', '/v1/sessions/{id}'],
    ['/v1/keys/sk-proj-abcdefghijklmnop1234/usage', '/v1/keys/{id}/usage'],
    ['/', '/'],
    ['', '/'],
    ['/v1/models/', '/v1/models/'],
  ])('%s → %s', (path, template) => {
    expect(endpointTemplate(path)).toBe(template);
  });

  it.each([
    '/v1/models/openai/gpt-4o',
    '/v1/models/meta-llama/llama-3.1-8b',
    '/v1/models/meta-llama-3-70b-instruct',
    '/v1/models/claude-3-5-sonnet-20241022',
    '/v1/models/gpt-4o-2024-08-06',
    '/v2/chat/completions',
    '/v1/models/deadbeef',
  ])(
    'keeps readable names: %s',
    (path) => {
      expect(endpointTemplate(path)).toBe(path);
    },
  );

  it("uses the scrubber's randomness test (entropy.ts), with the limits of a token after a key word", () => {
    for (const segment of ['V1StGXR8_Z5jdHi6B-myT2x', '3f2a9c0e1b7d4a6f', 'u8x9Ks2LmQ4r', 'Y2CbjGAEIrIrKuYhe']) {
      expect(looksRandom(segment, NEAR_KEY_WORD), segment).toBe(true);
      expect(templateSegment(segment), segment).toBe('{id}');
    }
    for (const segment of ['meta-llama-3-70b-instruct', 'Qwen2.5-72B-Instruct', 'chat', 'deadbeef']) {
      expect(looksRandom(segment, NEAR_KEY_WORD), segment).toBe(false);
      expect(templateSegment(segment), segment).toBe(segment);
    }
  });
});
