import { describe, expect, it } from 'vitest';
import { statusTag } from '../sw/core/reportRules.js';
import { classify } from '../sw/report/classify.js';
import { DEFAULT_CONFIG } from '../sw/config.js';

const ranges = DEFAULT_CONFIG.failedStatus;

describe('classify', () => {
  it.each([
    [400, 'warning'], [401, 'warning'], [403, 'warning'], [404, 'warning'], [429, 'warning'], [499, 'warning'],
    [500, 'error'], [502, 'error'], [503, 'error'], [504, 'error'], [599, 'error'],
  ])('a %i response is an http_error at level %s', (status, level) => {
    expect(classify({ type: 'response', status, opaque: false }, ranges)).toEqual({ kind: 'http_error', level });
  });

  it.each([100, 200, 204, 301, 304, 399])('a %i response is not a failure', (status) => {
    expect(classify({ type: 'response', status, opaque: false }, ranges)).toBeNull();
  });

  it('an opaque (no-cors) response is not a failure, whatever it hides', () => {
    expect(classify({ type: 'response', status: 0, opaque: true }, ranges)).toBeNull();
  });

  it('failedStatus narrows what counts', () => {
    expect(classify({ type: 'response', status: 404, opaque: false }, [[500, 599]])).toBeNull();
    expect(classify({ type: 'response', status: 429, opaque: false }, [[429, 429], [500, 599]])).toEqual({ kind: 'http_error', level: 'warning' });
  });

  it('the worker timer is a timeout error', () => {
    expect(classify({ type: 'timeout' }, ranges)).toEqual({ kind: 'timeout', level: 'error' });
  });

  it('a rejection is offline (warning) when navigator.onLine is false, else network_error (error)', () => {
    expect(classify({ type: 'rejected', online: false }, ranges)).toEqual({ kind: 'offline', level: 'warning' });
    expect(classify({ type: 'rejected', online: true }, ranges)).toEqual({ kind: 'network_error', level: 'error' });
  });

  it('a broken stream is a stream_error', () => {
    expect(classify({ type: 'stream_error', status: 200 }, ranges)).toEqual({ kind: 'stream_error', level: 'error' });
  });
});

describe('statusTag', () => {
  it('is 408 for timeouts, 0 when nothing came back, else the status', () => {
    expect(statusTag('timeout', 0)).toBe('408');
    expect(statusTag('offline', 0)).toBe('0');
    expect(statusTag('network_error', 0)).toBe('0');
    expect(statusTag('http_error', 503)).toBe('503');
    expect(statusTag('stream_error', 200)).toBe('200');
  });
});
