/**
 * `node dist/profile.mjs`: a CPU profile of the monitor's worker during 1,000
 * sequential watched requests, top functions by self time. For finding where
 * the watched path's time goes; not part of the benchmark's table.
 */
import { chromium } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, findChromium } from '../e2e/findChromium.js';
import { startGatewaySimulator } from '../e2e/servers/gatewaySimulator.js';
import { startSiteServer } from '../e2e/servers/siteServer.js';
import { startSentryRecorder } from '../src/playwright/sentryRecorder.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const api = await startGatewaySimulator();
const sentry = await startSentryRecorder();
const site = await startSiteServer([['/gatewayz-sw.js', root('dist/gatewayz-sw.js')], ['/bench.js', root('bench/.build/bench.js')], ['/', root('bench/page')]]);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
const page = await (await browser.newContext()).newPage();
await page.goto(`${site.origin}/?setup=c&api=${encodeURIComponent(api.origin)}&dsn=${encodeURIComponent(sentry.dsn)}`);
await page.waitForFunction(() => 'bench' in window);
await page.evaluate(() => (window as any).bench.ready());
await page.evaluate(() => (window as any).bench.sequential(200));
const cdp = await browser.newBrowserCDPSession();
const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
const target = targetInfos.find((t) => t.type === 'service_worker')!;
const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
let id = 0;
const pending = new Map<number, (r: any) => void>();
cdp.on('Target.receivedMessageFromTarget', (e: any) => {
  const m = JSON.parse(e.message);
  if (m.id !== undefined) pending.get(m.id)?.(m.result);
});
const call = (method: string, params: object = {}) =>
  new Promise<any>((resolve) => {
    const mid = ++id;
    pending.set(mid, resolve);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mid, method, params }) });
  });
await call('Profiler.enable');
await call('Profiler.setSamplingInterval', { interval: 50 });
await call('Profiler.start');
await page.evaluate(() => (window as any).bench.sequential(1000));
const { profile } = await call('Profiler.stop');
const self = new Map<string, number>();
const dt = profile.timeDeltas as number[];
const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
profile.samples.forEach((s: number, i: number) => {
  const n = byId.get(s);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`total sampled ${Math.round(total / 1000)} ms`);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`);
await browser.close();
await Promise.all([api.close(), sentry.close(), site.close()]);
