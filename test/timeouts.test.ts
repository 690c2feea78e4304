/**
 * Per-endpoint timeouts: the `timeouts` option as the script tag (its string
 * form) and the worker URL (JSON) carry it, its validation, and which timeout each
 * endpoint template gets.
 */
import { describe, expect, it } from 'vitest';
import { configToQuery, DEFAULT_CONFIG, DEFAULT_TIMEOUTS, parseConfig, timeoutOf, timeoutsToString } from '../sw/config.js';
import { readOptions } from '../sw/options.js';
import { buildReport } from '../sw/report/buildReport.js';
import { workerQuery } from '../src/workerQuery.js';
import gatewayzMonitor from '../src/vite.js';

describe('the timeouts option', () => {
  it('reads "pattern:ms" pairs, a pattern with ":" of its own included', () => {
    const { values, errors } = readOptions({ timeouts: '/v1/chat/completions:90000, /v1/images/*:180000,/v1beta/models/{id}:generateContent:60000' }, 'tag');
    expect(errors).toEqual([]);
    expect(values).toEqual({ timeouts: { '/v1/chat/completions': 90000, '/v1/images/*': 180000, '/v1beta/models/{id}:generateContent': 60000 } });
  });

  it('defaults to none of yours; an empty value is none too', () => {
    expect(parseConfig(new URLSearchParams()).config.timeouts).toEqual({});
    expect(readOptions({ timeouts: '' }, 'tag').values).toEqual({ timeouts: {} });
  });

  const FIX = 'write endpoint:milliseconds pairs (1 to 600000), like "/v1/chat/completions:120000,/v1/images/*:180000".';
  it.each([
    ['v1/chat:1000', 'has "v1/chat:1000"'],
    ['/v1/chat', 'has "/v1/chat"'],
    [':1000', 'has ":1000"'],
    ['/v1/chat:', 'has "/v1/chat:"'],
    ['/v1/chat:abc', 'has "/v1/chat:abc"'],
    ['/v1/chat:0', 'has "/v1/chat:0"'],
    ['/v1/chat:-5', 'has "/v1/chat:-5"'],
    ['/v1/chat:1.5', 'has "/v1/chat:1.5"'],
    ['/v1/chat:600001', 'has "/v1/chat:600001"'],
    ['/v1/models:5000,/v1/chat:2h', 'has "/v1/chat:2h"'],
  ])('%s is an error naming the option, the value and the fix, and none of it is used', (raw, what) => {
    const { values, errors } = readOptions({ timeouts: raw }, 'tag');
    expect(errors).toEqual([`gatewayz-sw-monitor: option "timeouts" ${what}; ${FIX}`]);
    expect(values).toEqual({});
  });

  it('round-trips through configToQuery and workerQuery, written only when set', () => {
    expect(configToQuery(DEFAULT_CONFIG).has('timeouts')).toBe(false);
    const timeouts = { '/v1/chat/completions': 120000, '/v1/images/*': 180000 };
    expect(timeoutsToString(timeouts)).toBe('/v1/chat/completions:120000,/v1/images/*:180000');
    const q = configToQuery({ ...DEFAULT_CONFIG, timeouts });
    expect(q.get('timeouts')).toBe('{"/v1/chat/completions":120000,"/v1/images/*":180000}');
    expect(parseConfig(q).config.timeouts).toEqual(timeouts);
    // A page passes an object (the integration, the plugin) or the string (data-timeouts); both reach the worker the same.
    const fromObject = workerQuery({ origins: ['https://api.example'], timeouts });
    const fromString = workerQuery({ origins: ['https://api.example'], timeouts: '/v1/chat/completions:120000,/v1/images/*:180000' });
    expect(fromObject.errors).toEqual([]);
    expect(fromString.errors).toEqual([]);
    expect(fromObject.query.get('timeouts')).toBe('{"/v1/chat/completions":120000,"/v1/images/*":180000}');
    expect(fromString.query.toString()).toBe(fromObject.query.toString());
  });

  it('the Vite plugin writes it on the script tag as data-timeouts, and fails the build on a bad one', () => {
    const plugin = gatewayzMonitor({ origins: ['https://api.example'], timeouts: { '/v1/chat/completions': 90000, '/v1/images/*': 180000 } });
    const tags = (plugin.transformIndexHtml as unknown as () => Array<{ attrs: Record<string, unknown> }>)();
    expect(tags[0]!.attrs).toMatchObject({ 'data-origins': 'https://api.example', 'data-timeouts': '/v1/chat/completions:90000,/v1/images/*:180000' });
    expect(() => gatewayzMonitor({ timeouts: { '/v1/x': -1 } })).toThrow(`option "timeouts" has "/v1/x:-1"; ${FIX}`);
  });

  it('a bad entry from a page is the same clear error before anything is registered', () => {
    expect(workerQuery({ timeouts: { '/v1/chat/completions': 0 } }).errors).toEqual([`gatewayz-sw-monitor: option "timeouts" has "/v1/chat/completions:0"; ${FIX}`]);
    expect(workerQuery({ timeouts: { '/v1/chat': 'soon' as unknown as number } }).errors).toEqual([`gatewayz-sw-monitor: option "timeouts" has "/v1/chat:soon"; ${FIX}`]);
  });
});

describe('timeoutOf: which timeout an endpoint template gets', () => {
  it('the built-in defaults: minutes for generation, timeoutMs for the rest', () => {
    const of = timeoutOf(DEFAULT_CONFIG);
    expect(DEFAULT_TIMEOUTS).toEqual({
      '/v1/chat/completions': 120000,
      '/v1/completions': 120000,
      '/v1/messages': 120000,
      '/v1/responses': 120000,
      '/v1/audio/*': 120000,
      '/v1/images/*': 180000,
    });
    expect(of('/v1/chat/completions')).toBe(120000);
    expect(of('/v1/messages')).toBe(120000);
    expect(of('/v1/images/generations')).toBe(180000);
    expect(of('/v1/images/edits')).toBe(180000);
    expect(of('/v1/audio/transcriptions')).toBe(120000);
    expect(of('/v1/models')).toBe(30000);
    expect(of('/v1/models/{id}')).toBe(30000);
    // Exact patterns are exact: neither a longer path nor a prefix matches.
    expect(of('/v1/chat/completions/{id}')).toBe(30000);
    expect(of('/v1/chat')).toBe(30000);
    // "/v1/images/*" needs the slash: /v1/images itself is not an image generation.
    expect(of('/v1/images')).toBe(30000);
  });

  it('yours beat the built-in ones for the same pattern, and timeoutMs for the rest', () => {
    const of = timeoutOf({ timeoutMs: 10000, timeouts: { '/v1/chat/completions': 60000, '/v1/models': 3000 } });
    expect(of('/v1/chat/completions')).toBe(60000);
    expect(of('/v1/models')).toBe(3000);
    expect(of('/v1/images/generations')).toBe(180000);
    expect(of('/v1/keys')).toBe(10000);
  });

  it('the longest matching pattern wins, whatever order they were given in', () => {
    const timeouts = { '/v1/*': 5000, '/v1/generate/*': 40000, '/v1/generate/video': 300000 };
    for (const t of [timeouts, Object.fromEntries(Object.entries(timeouts).reverse())]) {
      const of = timeoutOf({ timeoutMs: 30000, timeouts: t });
      expect(of('/v1/generate/video')).toBe(300000);
      expect(of('/v1/generate/images')).toBe(40000);
      expect(of('/v1/generate/images/{id}')).toBe(40000);
      expect(of('/v1/keys')).toBe(5000);
      // The built-in chat entry is longer than "/v1/*": it still applies.
      expect(of('/v1/chat/completions')).toBe(120000);
      expect(of('/v2/keys')).toBe(30000);
    }
  });

  it('"*" at the end is the rest of the path; elsewhere, the rest of one segment', () => {
    const of = timeoutOf({ timeoutMs: 1, timeouts: { '/v2/*/completions': 2, '/v1/threads/{id}/runs*': 3, '/v1/files/f*/content': 4 } });
    expect(of('/v2/chat/completions')).toBe(2);
    expect(of('/v2/a/b/completions')).toBe(1);
    // Most specific first: the built-in exact "/v1/chat/completions" is longer than a "/v1/*/completions" of yours.
    expect(timeoutOf({ timeoutMs: 1, timeouts: { '/v1/*/completions': 2 } })('/v1/chat/completions')).toBe(120000);
    expect(of('/v1/threads/{id}/runs')).toBe(3);
    expect(of('/v1/threads/{id}/runs/{id}/steps')).toBe(3);
    expect(of('/v1/files/file-abc/content')).toBe(4);
    expect(of('/v1/files/x/content')).toBe(1);
  });

  it('other characters are literal: "." and "{id}" are not regex syntax', () => {
    const of = timeoutOf({ timeoutMs: 1, timeouts: { '/v1.5/models/{id}': 2, '/a+b/(x)': 3 } });
    expect(of('/v1.5/models/{id}')).toBe(2);
    expect(of('/v1x5/models/{id}')).toBe(1);
    expect(of('/v1.5/models/id')).toBe(1);
    expect(of('/a+b/(x)')).toBe(3);
    expect(of('/aab/x')).toBe(1);
  });
});

describe('the report of a timeout or a stall', () => {
  const base = {
    method: 'GET',
    url: 'https://api.gatewayz.ai/v1/chat/completions?gateway=openrouter',
    status: 0,
    statusText: '',
    startedAt: 1000,
    endedAt: 121_000,
    retryCount: 0,
    online: true,
  };
  it('carries the request own timeout, not timeoutMs', () => {
    const r = buildReport({ ...base, classification: { kind: 'timeout', level: 'error' }, timeoutMs: 120000 }, DEFAULT_CONFIG);
    expect(r).toMatchObject({ kind: 'timeout', timeoutMs: 120000, durationMs: 120000 });
    const s = buildReport({ ...base, status: 200, classification: { kind: 'stream_stalled', level: 'warning' }, timeoutMs: 1500 }, DEFAULT_CONFIG);
    expect(s).toMatchObject({ kind: 'stream_stalled', level: 'warning', timeoutMs: 1500, status: 200 });
    // Other kinds carry none.
    expect(buildReport({ ...base, status: 503, classification: { kind: 'http_error', level: 'error' }, timeoutMs: 1500 }, DEFAULT_CONFIG)).not.toHaveProperty('timeoutMs');
  });
});
