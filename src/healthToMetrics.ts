import { metrics, type Scope } from '@sentry/core';
import { addSeries, bucketUpper, percentile, type HealthReport, type HealthSeries } from '../sw/health/aggregate.js';

export interface MetricPoint {
  type: 'count' | 'distribution' | 'gauge';
  name: string;
  value: number;
  unit?: 'millisecond';
  attributes: Record<string, string>;
}

/** Series sent per batch of windows, the busiest first; the rest are summed into one `(other)` series. */
export const MAX_SERIES = 20;
/** Latency samples per series, drawn from its histogram in proportion to the bucket counts. */
export const MAX_SAMPLES_PER_SERIES = 10;
/** Failure kinds a request can have (http_error, timeout, offline, network_error, stream_error, stream_stalled, and room for one more). */
const MAX_FAILURE_KINDS = 7;
/** Items one batch of windows can become, at most: (1 requests count + failure counts + 1 late count + samples + 3 gauges) per series. */
export const MAX_ITEMS_PER_BATCH = (MAX_SERIES + 1) * (1 + MAX_FAILURE_KINDS + 1 + MAX_SAMPLES_PER_SERIES + 3);
/** Metric items a page sends to Sentry in any 60 s, at most. */
export const MAX_ITEMS_PER_MINUTE = 500;
const MINUTE_MS = 60_000;

const OTHER = '(other)';

/** Windows summed per origin, endpoint and gateway; past `MAX_SERIES`, the quietest are summed into one `(other)` series. */
export function mergeSeries(windows: HealthReport[]): HealthSeries[] {
  const byKey = new Map<string, HealthSeries>();
  for (const w of windows) {
    for (const s of w.series) {
      const key = `${s.origin} ${s.endpoint} ${s.gateway}`;
      let m = byKey.get(key);
      if (!m) byKey.set(key, (m = { origin: s.origin, endpoint: s.endpoint, gateway: s.gateway, requests: 0, failures: {}, buckets: {} }));
      addSeries(m, s);
    }
  }
  const all = [...byKey.values()].sort((a, b) => b.requests - a.requests);
  if (all.length <= MAX_SERIES) return all;
  const other: HealthSeries = { origin: OTHER, endpoint: OTHER, gateway: OTHER, requests: 0, failures: {}, buckets: {} };
  for (const s of all.slice(MAX_SERIES)) addSeries(other, s);
  return [...all.slice(0, MAX_SERIES), other];
}

/** `total` samples spread over the buckets in proportion to their counts (largest remainder first), never more than the histogram holds. */
function samples(buckets: Record<number, number>, total: number): number[] {
  const entries = Object.entries(buckets).map(([i, n]) => [Number(i), n] as const).filter(([, n]) => n > 0);
  const count = entries.reduce((a, [, n]) => a + n, 0);
  const take = Math.min(total, count);
  if (take === 0) return [];
  const shares = entries.map(([i, n]) => ({ i, exact: (n * take) / count }));
  const out = shares.map((s) => ({ i: s.i, n: Math.floor(s.exact), rest: s.exact - Math.floor(s.exact) }));
  let left = take - out.reduce((a, s) => a + s.n, 0);
  for (const s of [...out].sort((a, b) => b.rest - a.rest)) {
    if (left-- <= 0) break;
    s.n++;
  }
  return out.flatMap((s) => Array.from({ length: s.n }, () => bucketUpper(s.i)));
}

/**
 * Turns health windows into Sentry metrics, pure and bounded (at most
 * `MAX_ITEMS_PER_BATCH` items however many windows and series): per origin,
 * endpoint and gateway, `backend_api.requests`, `backend_api.failures` (by
 * `failure_kind`) and `backend_api.late` (timed-out requests answered after all) counters, `backend_api.duration` as a distribution sampled
 * from the histogram, and `backend_api.duration.p50/p95/p99` gauges computed
 * from the whole histogram, so Sentry's dashboards and alerts can use them.
 */
export function healthToMetrics(windows: HealthReport[]): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const s of mergeSeries(windows)) {
    const attributes = { endpoint: s.endpoint, gateway: s.gateway, origin: s.origin };
    out.push({ type: 'count', name: 'backend_api.requests', value: s.requests, attributes });
    for (const [kind, n] of Object.entries(s.failures).slice(0, MAX_FAILURE_KINDS)) {
      if (n) out.push({ type: 'count', name: 'backend_api.failures', value: n, attributes: { ...attributes, failure_kind: kind } });
    }
    // Beside failures{failure_kind: timeout}: the timeouts answered after all (the rest never were).
    if (s.late) out.push({ type: 'count', name: 'backend_api.late', value: s.late, attributes });
    for (const value of samples(s.buckets, MAX_SAMPLES_PER_SERIES)) out.push({ type: 'distribution', name: 'backend_api.duration', value, unit: 'millisecond', attributes });
    for (const p of [50, 95, 99]) {
      const v = percentile(s.buckets, p);
      if (Number.isFinite(v)) out.push({ type: 'gauge', name: `backend_api.duration.p${p}`, value: v, unit: 'millisecond', attributes });
    }
  }
  return out;
}

/** Sends metric points through a scope's client (the current scope's when none is given). */
export function captureMetricPoints(points: MetricPoint[], scope?: Scope): void {
  for (const m of points) metrics[m.type](m.name, m.value, { unit: m.unit, attributes: m.attributes, scope });
}

export interface HealthMetricsSender {
  /** Sends the windows' metrics now if this minute's budget allows, else merged with what waits, when it does. */
  (windows: HealthReport[]): void;
}

/**
 * A page's health metrics sender: at most `MAX_ITEMS_PER_MINUTE` items in any
 * 60 s go to `send`. Windows that arrive faster (a short `healthIntervalMs`, a
 * backlog after an offline spell) wait in memory, summed, and go out together
 * when the budget allows, so counts stay exact; a tab closed meanwhile loses them.
 */
export function createHealthMetricsSender(send: (points: MetricPoint[]) => void, now: () => number = Date.now): HealthMetricsSender {
  const sent: Array<{ at: number; items: number }> = [];
  let waiting: HealthReport[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const trySend = () => {
    timer = undefined;
    if (waiting.length === 0) return;
    const t = now();
    while (sent.length > 0 && sent[0]!.at <= t - MINUTE_MS) sent.shift();
    const points = healthToMetrics(waiting);
    const used = sent.reduce((a, s) => a + s.items, 0);
    if (used + points.length > MAX_ITEMS_PER_MINUTE) {
      // Keep what waits summed (bounded), and try again when enough of the last minute's items have aged out.
      waiting = [{ kind: 'health', eventId: '', from: 0, to: 0, series: mergeSeries(waiting) }];
      let freed = used;
      const at = sent.find((s) => (freed -= s.items) + points.length <= MAX_ITEMS_PER_MINUTE)?.at ?? t;
      timer = setTimeout(trySend, Math.max(0, at + MINUTE_MS - t) + 1);
      return;
    }
    waiting = [];
    sent.push({ at: t, items: points.length });
    send(points);
  };

  return (windows) => {
    waiting.push(...windows);
    if (timer === undefined) trySend();
  };
}
