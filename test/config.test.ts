import { describe, expect, it } from 'vitest';
import { configToQuery, DEFAULT_CONFIG, parseConfig } from '../sw/config.js';

describe('parseConfig', () => {
  it('gives the defaults for an empty query', () => {
    expect(parseConfig(new URLSearchParams())).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    expect(DEFAULT_CONFIG.origins).toEqual(['https://api.gatewayz.ai']);
    expect(DEFAULT_CONFIG.timeoutMs).toBe(30000);
  });

  it('reads every option', () => {
    const { config, errors } = parseConfig(
      new URLSearchParams('origins=https://a.example/x,http://127.0.0.1:8787&timeoutMs=5000&previewChars=100&failedStatus=429,500-599&batchMs=0&batchSize=5&enabled=false&debug=true&scrubParams=Tenant,org'),
    );
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      origins: ['https://a.example', 'http://127.0.0.1:8787'],
      timeoutMs: 5000,
      previewChars: 100,
      failedStatus: [[429, 429], [500, 599]],
      batchMs: 0,
      batchSize: 5,
      enabled: false,
      debug: true,
      scrubParams: ['tenant', 'org'],
    });
  });

  it.each([
    ['origins=not-a-url', 'option "origins" has "not-a-url", which is not an http(s) origin; write it like "https://api.gatewayz.ai".'],
    ['origins=ftp://x.example', 'option "origins" has "ftp://x.example"'],
    ['timeoutMs=-5', 'option "timeoutMs" is "-5"; it must be a whole number from 1 to 600000.'],
    ['timeoutMs=abc', 'option "timeoutMs" is "abc"'],
    ['failedStatus=600', 'option "failedStatus" has "600"'],
    ['enabled=maybe', 'option "enabled" is "maybe"; it must be "true" or "false".'],
    ['colour=blue', 'unknown option "colour"; known options are origins, timeoutMs'],
  ])('%s is a clear error naming the option and the fix', (query, message) => {
    const { config, errors } = parseConfig(new URLSearchParams(query));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    // A bad value never leaks into the config.
    expect(config.timeoutMs).toBe(DEFAULT_CONFIG.timeoutMs);
  });

  it('round-trips through configToQuery, writing only what differs from the defaults', () => {
    const { config } = parseConfig(new URLSearchParams('origins=https://x.example&failedStatus=500-599,429&timeoutMs=30000'));
    const q = configToQuery(config);
    expect(q.toString()).toBe('origins=https%3A%2F%2Fx.example&failedStatus=500-599%2C429');
    expect(parseConfig(q).config).toEqual(config);
  });
});
