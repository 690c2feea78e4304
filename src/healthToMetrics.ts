import { metrics, type Scope } from '@sentry/core';
import { bucketUpper, percentile, type HealthReport } from '../sw/health/aggregate.js';

export interface MetricPoint {
  type: 'count' | 'distribution' | 'gauge';
  name: string;
  value: number;
  unit?: 'millisecond';
  attributes: Record<string, string>;
}

/** Latency samples sent per series and window, at most: the histogram scaled down past it. */
export const MAX_SAMPLES_PER_SERIES = 200;

/**
 * Turns health windows into Sentry metrics, pure: per origin, endpoint and
 * gateway, `backend_api.requests` and `backend_api.failures` (by
 * `failure_kind`) counters, `backend_api.duration` as a distribution sampled
 * from the histogram's buckets, and `backend_api.duration.p50/p95/p99` gauges,
 * so Sentry's dashboards and alerts can use them.
 */
export function healthToMetrics(windows: HealthReport[]): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const w of windows) {
    for (const s of w.series) {
      const attributes = { endpoint: s.endpoint, gateway: s.gateway, origin: s.origin };
      out.push({ type: 'count', name: 'backend_api.requests', value: s.requests, attributes });
      for (const [kind, n] of Object.entries(s.failures)) {
        if (n) out.push({ type: 'count', name: 'backend_api.failures', value: n, attributes: { ...attributes, failure_kind: kind } });
      }
      const total = Object.values(s.buckets).reduce((a, b) => a + b, 0);
      const scale = total > MAX_SAMPLES_PER_SERIES ? MAX_SAMPLES_PER_SERIES / total : 1;
      for (const [i, n] of Object.entries(s.buckets)) {
        const samples = Math.max(1, Math.round(n * scale));
        for (let k = 0; k < samples; k++) out.push({ type: 'distribution', name: 'backend_api.duration', value: bucketUpper(Number(i)), unit: 'millisecond', attributes });
      }
      for (const p of [50, 95, 99]) {
        const v = percentile(s.buckets, p);
        if (Number.isFinite(v)) out.push({ type: 'gauge', name: `backend_api.duration.p${p}`, value: v, unit: 'millisecond', attributes });
      }
    }
  }
  return out;
}

/**
 * Sends health windows as Sentry metrics through a scope's client (the current
 * scope's when none is given: the app's own).
 */
export function captureHealthMetrics(windows: HealthReport[], scope?: Scope): void {
  for (const m of healthToMetrics(windows)) metrics[m.type](m.name, m.value, { unit: m.unit, attributes: m.attributes, scope });
}
