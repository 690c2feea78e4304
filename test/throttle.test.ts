import { describe, expect, it } from 'vitest';
import { foldKey, RateLimiter } from '../sw/throttle.js';

describe('RateLimiter', () => {
  it('admits at most maxPerMinute in any 60 s, and frees slots as they age out', () => {
    const r = new RateLimiter(3);
    expect([0, 1000, 2000, 3000].map((t) => r.tryAdmit(t))).toEqual([true, true, true, false]);
    expect(r.nextSlotAt(3000)).toBe(60_000);
    expect(r.tryAdmit(59_999)).toBe(false);
    expect(r.tryAdmit(60_000)).toBe(true);
    expect(r.tryAdmit(60_500)).toBe(false);
    expect(r.tryAdmit(61_000)).toBe(true);
  });

  it('counts what it holds back and hands the count to one report', () => {
    const r = new RateLimiter(1);
    r.hold(5);
    r.hold(2);
    expect(r.takeHeldBack()).toBe(7);
    expect(r.takeHeldBack()).toBe(0);
  });
});

describe('foldKey', () => {
  it('is the fingerprint: method, endpoint template, status or kind', () => {
    expect(foldKey({ method: 'GET', endpoint: '/v1/models', kind: 'http_error', status: 503 })).toBe('GET /v1/models 503');
    expect(foldKey({ method: 'GET', endpoint: '/v1/models', kind: 'timeout', status: 0 })).toBe('GET /v1/models timeout');
    expect(foldKey({ method: 'POST', endpoint: '/v1/models', kind: 'http_error', status: 503 })).not.toBe(foldKey({ method: 'GET', endpoint: '/v1/models', kind: 'http_error', status: 503 }));
  });
});
