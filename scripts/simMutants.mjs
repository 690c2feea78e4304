// `npm run sim:mutants`: the simulation must kill each known bug.
//
// Each test/sim/mutants/*.patch (a unified diff against the product files, paths
// a/sw/..., b/sw/...) is applied to a copy of sw/, src/ and test/ in a temp
// directory; the simulation runs there (bundled with esbuild) over
// SIM_MUTANT_SEEDS seeds (default 2,000), stopping at the first failing seed.
// A mutant no seed fails survived: the run fails. The unpatched copy runs
// first: a simulation that fails without a mutant kills nothing. Adding a
// mutant is dropping a .patch file in test/sim/mutants/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const seeds = Number(process.env.SIM_MUTANT_SEEDS ?? 2000);
const only = process.argv[2];
const dir = join(root, 'test/sim/mutants');
const patches = readdirSync(dir).filter((f) => f.endsWith('.patch') && (!only || f.includes(only))).sort();
const work = mkdtempSync(join(tmpdir(), 'sim-mutants-'));

function copy(name) {
  const to = join(work, name);
  for (const d of ['sw', 'src', 'test']) cpSync(join(root, d), join(to, d), { recursive: true });
  cpSync(join(root, 'package.json'), join(to, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'));
  return to;
}

async function simulate(to, runs) {
  await build({ entryPoints: [join(to, 'test/sim/cli.ts')], outfile: join(to, 'sim.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  let out;
  try {
    out = execFileSync(process.execPath, [join(to, 'sim.mjs'), '--runs', String(runs), '--stop-first', '--json'], { cwd: to, encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (err) {
    if (err.status !== 1) throw err;
    out = err.stdout;
  }
  return JSON.parse(out.trim().split('\n').at(-1));
}

const started = Date.now();
let ok = true;
try {
  const base = await simulate(copy('baseline'), Math.min(seeds, 500));
  if (base.failing > 0) {
    console.log(`the unpatched product fails seed ${base.firstFailing}: ${base.firstViolation}\nfix the simulation (or the product) first; mutants not run.`);
    process.exit(1);
  }
  console.log(`baseline: ${base.runs} seeds pass`);
  const rows = [];
  for (const p of patches) {
    const name = p.replace(/\.patch$/, '');
    const to = copy(name);
    try {
      execFileSync('git', ['apply', '--unsafe-paths', join(dir, p)], { cwd: to, stdio: 'pipe' });
    } catch (err) {
      rows.push({ name, killed: false, note: `the patch does not apply: ${String(err.stderr ?? err).trim()}` });
      continue;
    }
    const t = Date.now();
    const r = await simulate(to, seeds);
    const secs = ((Date.now() - t) / 1000).toFixed(1);
    rows.push(r.failing > 0 ? { name, killed: true, note: `killed by seed ${r.firstFailing} (${secs} s): ${r.firstViolation}` } : { name, killed: false, note: `SURVIVED ${r.runs} seeds (${secs} s)` });
    console.log(`${name}: ${rows.at(-1).note}`);
  }
  const killed = rows.filter((r) => r.killed).length;
  console.log(`\nmutants: ${killed}/${rows.length} killed, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const r of rows) console.log(`  ${r.killed ? 'killed  ' : 'SURVIVED'} ${r.name}: ${r.note}`);
  ok = killed === rows.length;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
