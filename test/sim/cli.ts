/**
 * `npm run sim -- --seed N`: replays one run with a readable trace.
 * `npm run sim -- --runs 100000 [--from S]`: more runs than `npm test` does.
 */
import { simulate, simulateMany } from './world.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const seed = flag('seed');
if (seed !== undefined) {
  const result = await simulate(seed, (line) => console.log(line));
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.violations.length > 0 ? 1 : 0);
}
const runs = flag('runs') ?? 10_000;
const from = flag('from') ?? 1;
const started = Date.now();
let failures = 0, events = 0, checks = 0, kills = 0, bad = 0;
for (const r of await simulateMany(from, runs, (done) => {
  if (done % 10_000 === 0) console.log(`${done} runs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
})) {
  failures += r.failures; events += r.events; checks += r.checks; kills += r.kills;
  if (r.violations.length > 0) {
    bad++;
    console.log(`seed ${r.seed}: ${r.violations[0]} (replay: npm run sim -- --seed ${r.seed})`);
  }
}
console.log(`simulation: ${runs} runs, ${failures} failures injected, ${events} events, ${kills} kills, ${checks} invariant checks, ${bad} failing, ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(bad > 0 ? 1 : 0);
