import { describe, expect, it } from 'vitest';
import { anyOf, median, paired, pairs, quantileSorted, rng, rotation, verdict } from '../bench/stats.js';

describe('bench statistics', () => {
  it('median skips what is not a number', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 5, Infinity, 1])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('quantiles interpolate between sorted values', () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4, 5], 1)).toBe(5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('the PRNG is seeded: the same seed, the same numbers, all in [0, 1)', () => {
    const a = rng(7);
    const b = rng(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(rng(8)()).not.toBe(rng(7)());
    // Roughly uniform.
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.05);
  });

  it('pairs keep positions, drop a pair with a failed side, stop at the shorter', () => {
    expect(pairs([1, NaN, 3, 4], [5, 6, NaN, 8, 9])).toEqual([
      [1, 5],
      [4, 8],
    ]);
  });

  it('paired: the median difference, the ratio of medians, intervals around them', () => {
    const y = Array.from({ length: 200 }, (_, i) => 2 + (i % 10) / 10);
    const x = y.map((v) => v + 0.5);
    const p = paired(x, y);
    expect(p.n).toBe(200);
    // Every difference is 0.5: the interval cannot be anything else.
    expect(p.diff).toEqual({ value: 0.5, lo: 0.5, hi: 0.5 });
    expect(p.ratio.value).toBeCloseTo(median(x) / median(y), 12);
    expect(p.ratio.lo).toBeLessThanOrEqual(p.ratio.value);
    expect(p.ratio.hi).toBeGreaterThanOrEqual(p.ratio.value);
  });

  it('paired differences cancel what both shared (a slow spell falls on both)', () => {
    const r = rng(3);
    const noise = Array.from({ length: 400 }, (_, i) => (i > 200 && i < 300 ? 20 : 0) + r() * 5);
    const y = noise.map((n) => 3 + n);
    const x = noise.map((n, i) => 3.2 + n + (i % 2 ? 0.05 : -0.05));
    const p = paired(x, y);
    expect(p.diff.value).toBeCloseTo(0.2, 6);
    expect(p.diff.lo).toBeGreaterThan(0.14);
    expect(p.diff.hi).toBeLessThan(0.26);
  });

  it('is deterministic for a seed, and the interval narrows with more pairs', () => {
    const r = rng(11);
    const y = Array.from({ length: 1000 }, () => 3 + r());
    const x = y.map((v) => v * 1.02 + (r() - 0.5) * 0.4);
    expect(paired(x, y, { seed: 5 })).toEqual(paired(x, y, { seed: 5 }));
    const few = paired(x.slice(0, 30), y.slice(0, 30));
    const many = paired(x, y);
    expect(many.diff.hi - many.diff.lo).toBeLessThan(few.diff.hi - few.diff.lo);
    expect(many.ratio.lo).toBeLessThan(1.02 + 0.02);
    expect(many.ratio.hi).toBeGreaterThan(1.02 - 0.02);
  });

  it('a 95% interval of the median difference covers the truth about 95% of the time', () => {
    const r = rng(99);
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      // Differences from a symmetric distribution around 1.
      const y = Array.from({ length: 60 }, () => 5 + r());
      const x = y.map((v) => v + 1 + (r() - 0.5) * 2);
      const p = paired(x, y, { resamples: 500, seed: t + 1 });
      if (p.diff.lo <= 1 && 1 <= p.diff.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('no pairs: NaN, not a throw', () => {
    const p = paired([], [1, 2]);
    expect(p.n).toBe(0);
    expect(p.diff.value).toBeNaN();
    expect(verdict(p.ratio, { max: 1.05 })).toBe('undecided');
  });

  it('rotation: each setup leads equally often', () => {
    const s = ['a', 'b', 'c'];
    expect(rotation(s, 0)).toEqual(['a', 'b', 'c']);
    expect(rotation(s, 1)).toEqual(['b', 'c', 'a']);
    expect(rotation(s, 2, 2)).toEqual(['b', 'c', 'a']);
    expect(rotation(s, -1)).toEqual(['c', 'a', 'b']);
    const firsts = Array.from({ length: 30 }, (_, i) => rotation(s, i)[0]);
    for (const x of s) expect(firsts.filter((f) => f === x)).toHaveLength(10);
  });

  it('a target is met only when its whole interval is inside the bound', () => {
    expect(verdict({ value: 1.01, lo: 0.99, hi: 1.04 }, { max: 1.05 })).toBe('met');
    expect(verdict({ value: 1.01, lo: 0.99, hi: 1.06 }, { max: 1.05 })).toBe('undecided');
    expect(verdict({ value: 1.1, lo: 1.06, hi: 1.2 }, { max: 1.05 })).toBe('missed');
    expect(verdict({ value: 0.99, lo: 0.975, hi: 1.0 }, { min: 0.97 })).toBe('met');
    expect(verdict({ value: 0.99, lo: 0.96, hi: 1.0 }, { min: 0.97 })).toBe('undecided');
    expect(verdict({ value: 0.9, lo: 0.85, hi: 0.95 }, { min: 0.97 })).toBe('missed');
    // "≤ 1.05 or at most +1 ms": either way meets it.
    expect(anyOf(['missed', 'met'])).toBe('met');
    expect(anyOf(['missed', 'undecided'])).toBe('undecided');
    expect(anyOf(['missed', 'missed'])).toBe('missed');
  });
});
