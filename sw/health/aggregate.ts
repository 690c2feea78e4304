/**
 * Backend health, aggregated in the worker: per origin, endpoint template and
 * gateway, the requests, the failures by kind, and a latency histogram with
 * fixed log-scale buckets (four per doubling, from 1 ms to about 65 s), so
 * histograms from many windows and many users merge by adding counts, and
 * percentiles come out of the merged counts. Pure.
 */
import type { FailureKind, HealthFailure, HealthReport, HealthSeries } from '../protocol.js';

// The window's shape is part of the worker ↔ page protocol; the page imports it from here too.
export type { HealthFailure, HealthReport, HealthSeries };

export const BUCKETS = 64;

/** The bucket of a duration: 0 holds ≤ 1 ms; bucket i holds (2^((i-1)/4), 2^(i/4)] ms. */
export function bucketOf(ms: number): number {
  return ms <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms) * 4));
}

/** The upper bound of a bucket, in ms: what a percentile that falls in it reports. */
export function bucketUpper(i: number): number {
  return 2 ** (i / 4);
}

/** The p-th percentile (0–100) of a histogram, as its bucket's upper bound; NaN when empty. */
export function percentile(buckets: Record<number, number>, p: number): number {
  const entries = Object.entries(buckets).map(([i, n]) => [Number(i), n] as const).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [i, n] of entries) {
    seen += n;
    if (seen >= rank) return bucketUpper(i);
  }
  return bucketUpper(entries[entries.length - 1]![0]);
}

/** Adds series b's counts and histogram into a (the same origin, endpoint and gateway): windows add up. */
export function addSeries(a: HealthSeries, b: HealthSeries): void {
  a.requests += b.requests;
  for (const [k, n] of Object.entries(b.failures) as Array<[FailureKind, number]>) a.failures[k] = (a.failures[k] ?? 0) + n;
  if (b.late) a.late = (a.late ?? 0) + b.late;
  mergeBuckets(a.buckets, b.buckets);
}

/** Adds histogram b into a. */
export function mergeBuckets(a: Record<number, number>, b: Record<number, number>): Record<number, number> {
  for (const [i, n] of Object.entries(b)) a[Number(i)] = (a[Number(i)] ?? 0) + n;
  return a;
}

export class HealthAggregator {
  series = new Map<string, HealthSeries>();
  from: number;

  constructor(now: number) {
    this.from = now;
  }

  /** The window's series for a scope, made when it has none yet. */
  #series(origin: string, endpoint: string, gateway: string): HealthSeries {
    const key = `${origin} ${endpoint} ${gateway}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { origin, endpoint, gateway, requests: 0, failures: {}, buckets: {} }));
    return s;
  }

  record(origin: string, endpoint: string, gateway: string, durationMs: number, failure: FailureKind | undefined): void {
    const s = this.#series(origin, endpoint, gateway);
    s.requests++;
    if (failure) s.failures[failure] = (s.failures[failure] ?? 0) + 1;
    const b = bucketOf(durationMs);
    s.buckets[b] = (s.buckets[b] ?? 0) + 1;
  }

  /**
   * A failure found after the request was counted (a stream that broke or
   * stalled after its headers), in this window even when the request was
   * counted in an earlier one (a stream may outlast a window).
   */
  fail(origin: string, endpoint: string, gateway: string, failure: HealthFailure): void {
    const s = this.#series(origin, endpoint, gateway);
    s.failures[failure] = (s.failures[failure] ?? 0) + 1;
  }

  /** A timed-out request answered after all (its timeout was recorded already, perhaps in an earlier window). */
  late(origin: string, endpoint: string, gateway: string): void {
    const s = this.#series(origin, endpoint, gateway);
    s.late = (s.late ?? 0) + 1;
  }

  /** The window so far, and a fresh window from `now`; undefined when nothing was recorded. */
  drain(now: number, eventId: string): HealthReport | undefined {
    if (this.series.size === 0) return undefined;
    const report: HealthReport = { kind: 'health', eventId, from: this.from, to: now, series: [...this.series.values()] };
    this.series.clear();
    this.from = now;
    return report;
  }
}

/** Adds window b into window a: counts and histograms add up. */
export function mergeWindows(a: HealthReport, b: HealthReport): void {
  a.from = Math.min(a.from, b.from);
  a.to = Math.max(a.to, b.to);
  const byKey = new Map(a.series.map((s) => [`${s.origin} ${s.endpoint} ${s.gateway}`, s]));
  for (const s of b.series) {
    const mine = byKey.get(`${s.origin} ${s.endpoint} ${s.gateway}`);
    if (mine) addSeries(mine, s);
    else a.series.push(s);
  }
}
