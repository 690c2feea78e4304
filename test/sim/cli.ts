/**
 * `npm run sim -- --seed N`: replays one run with a readable trace.
 * `npm run sim -- --runs 100000 [--from S]`: more runs than `npm test` does.
 * `--stop-first`: stop at the first failing seed (the mutant runner's mode); `--json`: print the summary as one JSON line.
 */
import { summarize, simulate, simulateMany } from './world.js';

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
const stopFirst = args.includes('--stop-first');
const started = Date.now();
const results = await simulateMany(from, runs, (done) => {
  if (done % 10_000 === 0) console.log(`${done} runs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 64, stopFirst);
const failing = results.filter((r) => r.violations.length > 0);
for (const r of failing.slice(0, 20)) console.log(`seed ${r.seed}: ${r.violations[0]} (replay: npm run sim -- --seed ${r.seed})`);
const summary = summarize(results);
if (args.includes('--json')) console.log(JSON.stringify({ ...summary, firstFailing: failing[0]?.seed, firstViolation: failing[0]?.violations[0] }));
else console.log(`simulation: ${summary.line}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failing.length > 0 ? 1 : 0);
