import { describe, expect, it } from 'vitest';
import { configToQuery, DEFAULT_CONFIG, parseConfig } from '../sw/config.js';
import { readOptions } from '../sw/options.js';

/** Options as the script tag's attributes carry them: their string forms. */
const asAttributes = (query: string) => Object.fromEntries(new URLSearchParams(query));

describe('reading options in their string forms (data- attributes)', () => {
  it('reads every option', () => {
    const { values, errors } = readOptions(
      asAttributes('origins=https://a.example/x,http://127.0.0.1:8787&timeoutMs=5000&previewChars=100&failedStatus=429,500-599&batchMs=0&batchSize=5&enabled=false&debug=true&scrubParams=Tenant,org'),
      'tag',
    );
    expect(errors).toEqual([]);
    expect(values).toEqual({
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
    const { values, errors } = readOptions(asAttributes(query), 'tag');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    // A bad value never leaks into what was read.
    expect(values).toEqual({});
  });
});

describe("the worker's URL (parseConfig)", () => {
  it('gives the defaults for an empty query', () => {
    expect(parseConfig(new URLSearchParams())).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    expect(DEFAULT_CONFIG.origins).toEqual(['https://api.gatewayz.ai']);
    expect(DEFAULT_CONFIG.timeoutMs).toBe(30000);
  });

  it('holds each option that differs from its default as JSON, and reads it back to the same config', () => {
    const { values } = readOptions(asAttributes('origins=https://x.example&failedStatus=500-599,429&timeoutMs=30000'), 'tag');
    const config = { ...DEFAULT_CONFIG, ...values };
    const q = configToQuery(config);
    expect([...q]).toEqual([
      ['origins', '["https://x.example"]'],
      ['failedStatus', '[[500,599],[429,429]]'],
    ]);
    expect(parseConfig(q)).toEqual({ config, errors: [] });
  });

  it.each([
    ['origins=not-a-url', 'option "origins" is invalid: "not-a-url"'],
    ['timeoutMs=-5', 'option "timeoutMs" is invalid: "-5"'],
    ['timeoutMs=1.5', 'option "timeoutMs" is invalid: "1.5"'],
    ['timeoutMs="5000"', 'option "timeoutMs" is invalid: "\\"5000\\""'],
    ['origins="https://a.example"', 'option "origins" is invalid'],
    ['enabled=maybe', 'option "enabled" is invalid: "maybe"'],
    ['enabled=null', 'option "enabled" is invalid: "null"'],
    ['timeouts=[]', 'option "timeouts" is invalid: "[]"'],
    ['colour=blue', 'unknown option "colour"'],
  ])("a URL written by hand: %s is an error naming the option, and none of it is used", (query, message) => {
    const { config, errors } = parseConfig(new URLSearchParams(query));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(errors[0]).toContain("in the worker's URL; it holds each option as JSON");
    expect(config).toEqual(DEFAULT_CONFIG);
  });
});
