/**
 * The demo's backend health view: per gateway, uptime, error rate over time
 * and P50/P95/P99 latency, from the health windows the worker sends
 * (`monitor.onHealth`), drawn with uPlot and updated as each window arrives.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { mergeBuckets, percentile, type HealthReport } from '../index.js';

interface Point {
  t: number;
  requests: number;
  failures: number;
  buckets: Record<number, number>;
}

const COLORS = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899'];

export function healthView(root: HTMLElement, gateways: string[]): (windows: HealthReport[]) => void {
  const points = new Map<string, Point[]>(gateways.map((g) => [g, []]));
  const times: number[] = [];

  root.innerHTML = `
    <table class="health"><thead><tr><th>gateway</th><th>requests</th><th>failures</th><th>uptime</th><th>P50</th><th>P95</th><th>P99</th></tr></thead><tbody></tbody></table>
    <div class="chart" id="err-chart"></div>
    <div class="small-multiples"></div>`;
  const tbody = root.querySelector('tbody')!;
  const width = Math.min(900, root.clientWidth || 900);
  const errChart = new uPlot(
    {
      title: 'Error rate by gateway (% of requests, per window)',
      width,
      height: 220,
      scales: { y: { range: [0, 100] } },
      series: [{}, ...gateways.map((g, i) => ({ label: g, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true } }))],
      axes: [{}, { label: '%' }],
    },
    [[], ...gateways.map(() => [])],
    root.querySelector<HTMLElement>('#err-chart')!,
  );
  const latencyCharts = gateways.map((g) => {
    const el = document.createElement('div');
    el.className = 'chart';
    root.querySelector('.small-multiples')!.append(el);
    return new uPlot(
      {
        title: `${g}: latency (ms)`,
        width: Math.floor(width / 2) - 10,
        height: 170,
        series: [{}, { label: 'P50', stroke: '#10b981', width: 2 }, { label: 'P95', stroke: '#f59e0b', width: 2, dash: [6, 4] }, { label: 'P99', stroke: '#ef4444', width: 2 }],
        axes: [{}, { label: 'ms' }],
      },
      [[], [], [], []],
      el,
    );
  });

  return (windows) => {
    for (const w of windows) {
      const t = w.to / 1000;
      times.push(t);
      for (const g of gateways) {
        const series = w.series.filter((s) => s.gateway === g);
        const p: Point = { t, requests: 0, failures: 0, buckets: {} };
        for (const s of series) {
          p.requests += s.requests;
          p.failures += Object.values(s.failures).reduce((a, b) => a + (b ?? 0), 0);
          mergeBuckets(p.buckets, s.buckets);
        }
        points.get(g)!.push(p);
      }
    }
    const rate = (p: Point) => (p.requests ? (100 * p.failures) / p.requests : null);
    errChart.setData([times, ...gateways.map((g) => points.get(g)!.map(rate))] as uPlot.AlignedData);
    gateways.forEach((g, i) => {
      const ps = points.get(g)!;
      const pct = (q: number) => ps.map((p) => (p.requests ? Math.round(percentile(p.buckets, q)) : null));
      latencyCharts[i]!.setData([times, pct(50), pct(95), pct(99)] as uPlot.AlignedData);
    });
    tbody.innerHTML = gateways
      .map((g) => {
        const ps = points.get(g)!;
        const total = ps.reduce((a, p) => a + p.requests, 0);
        const failed = ps.reduce((a, p) => a + p.failures, 0);
        const all = ps.reduce((b, p) => mergeBuckets(b, p.buckets), {} as Record<number, number>);
        const ms = (q: number) => (total ? `${Math.round(percentile(all, q))} ms` : '–');
        const uptime = total ? `${((100 * (total - failed)) / total).toFixed(1)}%` : '–';
        return `<tr><td>${g}</td><td>${total}</td><td>${failed}</td><td class="${failed ? 'bad' : 'ok'}">${uptime}</td><td>${ms(50)}</td><td>${ms(95)}</td><td>${ms(99)}</td></tr>`;
      })
      .join('');
  };
}
