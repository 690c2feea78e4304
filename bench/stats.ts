/**
 * The bench's statistics, pure: medians, paired differences and seeded
 * bootstrap intervals, the interleaving order, and the rule that says whether
 * a target is met. Tested in test/benchStats.test.ts.
 *
 * A pair is one measurement of setup x and one of setup y taken back to back
 * (one request each, or one round of a workload), the order rotating, so slow
 * spells on the machine fall on both. The paired difference x − y per pair
 * cancels what the two shared; its median, with a percentile bootstrap
 * interval over the pairs, is what a row reports, beside the ratio of the two
 * medians with its own interval from the same resamples.
 */

/** The median of the finite values; NaN when there are none. */
import { mulberry32 } from '../e2e/servers/fuzzResponse.js';
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median of values sorted ascending, all finite (a typed array sorts numerically, and fast). */
function sortedMedian(s: ArrayLike<number>): number {
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values, linearly interpolated. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** A small seeded PRNG (mulberry32, the one the differential fuzz uses): the same seed gives the same intervals. */
export const rng = mulberry32;

/** Pairs (x[i], y[i]) where both are finite; unequal lengths pair up to the shorter. */
export function pairs(x: readonly number[], y: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) out.push([x[i]!, y[i]!]);
  }
  return out;
}

export interface Interval {
  /** The statistic on the data as measured. */
  value: number;
  lo: number;
  hi: number;
}

export interface Paired {
  /** How many pairs. */
  n: number;
  /** Median of x and of y over the pairs. */
  x: number;
  y: number;
  /** Median of the paired differences x − y. */
  diff: Interval;
  /** median(x) / median(y). */
  ratio: Interval;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided level, 0.95 by default. */
  level?: number;
}

/**
 * Paired comparison of x against y: the median paired difference and the
 * ratio of medians, each with a percentile bootstrap interval (pairs resampled
 * with replacement, `resamples` times, from a seeded PRNG).
 */
export function paired(x: readonly number[], y: readonly number[], o: BootstrapOptions = {}): Paired {
  const ps = pairs(x, y);
  const n = ps.length;
  const nan = { value: NaN, lo: NaN, hi: NaN };
  if (n === 0) return { n, x: NaN, y: NaN, diff: nan, ratio: nan };
  const resamples = o.resamples ?? 2000;
  const alpha = (1 - (o.level ?? 0.95)) / 2;
  const xs = ps.map((p) => p[0]);
  const ys = ps.map((p) => p[1]);
  const ds = ps.map((p) => p[0] - p[1]);
  const mx = median(xs);
  const my = median(ys);
  const rand = rng(o.seed ?? 1);
  const diffs = new Float64Array(resamples);
  const ratios: number[] = [];
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const bd = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * n);
      bx[i] = xs[k]!;
      by[i] = ys[k]!;
      bd[i] = ds[k]!;
    }
    diffs[r] = sortedMedian(bd.sort());
    const ratio = sortedMedian(bx.sort()) / sortedMedian(by.sort());
    // A resample whose y median is 0 says nothing about the ratio.
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  diffs.sort();
  ratios.sort((a, b) => a - b);
  return {
    n,
    x: mx,
    y: my,
    diff: { value: median(ds), lo: quantileSorted(diffs, alpha), hi: quantileSorted(diffs, 1 - alpha) },
    ratio: { value: mx / my, lo: quantileSorted(ratios, alpha), hi: quantileSorted(ratios, 1 - alpha) },
  };
}

/**
 * The order in which the setups take round `i`: rotated by one each round
 * (and by `offset`, the run), so each setup goes first, second, ... equally
 * often and no setup always follows the same one.
 */
export function rotation<T>(items: readonly T[], i: number, offset = 0): T[] {
  const n = items.length;
  const k = (((i + offset) % n) + n) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * A target's verdict from an interval. Met only when the whole interval is
 * inside the bound; missed when the whole interval is outside it; otherwise
 * undecided (the data cannot tell at this noise), which does not count as met.
 */
export type Verdict = 'met' | 'missed' | 'undecided';
export function verdict(iv: Interval, bound: { max?: number; min?: number }): Verdict {
  if (!Number.isFinite(iv.lo) || !Number.isFinite(iv.hi)) return 'undecided';
  if (bound.max !== undefined) return iv.hi <= bound.max ? 'met' : iv.lo > bound.max ? 'missed' : 'undecided';
  if (bound.min !== undefined) return iv.lo >= bound.min ? 'met' : iv.hi < bound.min ? 'missed' : 'undecided';
  return 'undecided';
}

/** Of several ways to meet a target ("≤ 1.05 or at most +1 ms"): met if any is met, missed only if all are missed. */
export function anyOf(vs: readonly Verdict[]): Verdict {
  return vs.includes('met') ? 'met' : vs.length > 0 && vs.every((v) => v === 'missed') ? 'missed' : 'undecided';
}
