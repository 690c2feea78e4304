/**
 * The delivery core under deterministic simulation (see world.ts): seeded
 * runs of failures, kills between any two awaited steps, lost acks, frozen and
 * closed pages, a failing Sentry, a full outbox and two worker versions; after
 * each, every invariant. A failing seed replays: `npm run sim -- --seed N`.
 */
import { expect, it } from 'vitest';
import { simulateMany } from './world.js';

/** Seeds 1..SIM_RUNS (default 10,000), in two halves that vitest runs in parallel (simA and simB test files), one a core. */
export function simulationTest(half: 0 | 1): void {
  const TOTAL = Number(process.env.SIM_RUNS ?? 10_000);
  const FROM = half === 0 ? 1 : Math.floor(TOTAL / 2) + 1;
  const RUNS = half === 0 ? Math.floor(TOTAL / 2) : TOTAL - Math.floor(TOTAL / 2);

  it(`seeds ${FROM}–${FROM + RUNS - 1} keep every invariant: each failure accounted once, no duplicate but a lost ack's, the rate limit, bounded storage, health never doubled`, async () => {
    const started = Date.now();
    const results = await simulateMany(FROM, RUNS);
    const sum = (k: 'failures' | 'events' | 'kills' | 'checks' | 'repeats' | 'requests') => results.reduce((n, r) => n + r[k], 0);
    const failing = results.filter((r) => r.violations.length > 0);
    console.log(
      `simulation, seeds ${FROM}–${FROM + RUNS - 1}: ${RUNS} runs, ${sum('failures')} failures injected, ${sum('requests')} requests counted for health, ${sum('events')} events, ${sum('repeats')} repeats after lost acks, ` +
        `${sum('kills')} worker kills, ${sum('checks')} invariant checks, ${failing.length} failing, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const r of failing.slice(0, 5)) console.log(`seed ${r.seed}: ${r.violations.join('; ')} (replay: npm run sim -- --seed ${r.seed})`);
    expect(failing.map((r) => r.seed)).toEqual([]);
    // The runs reach the cases they exist for.
    expect(sum('kills')).toBeGreaterThan(RUNS / 2);
    expect(sum('repeats')).toBeGreaterThan(0);
  }, 600_000);
}
