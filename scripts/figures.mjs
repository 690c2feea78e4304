// `npm run figures`: writes the README's generated blocks, the option table (from sw/options.ts) and the size
// table (from dist/, so `npm run build` first). Never run by `npm test`, which only checks that they are current
// (test/figures.test.ts). The engines table has its own command, `npm run figures:engines`.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

mkdirSync('scripts/.build', { recursive: true });
await build({ entryPoints: ['scripts/figures/readme.ts'], bundle: true, platform: 'node', format: 'esm', outfile: 'scripts/.build/readme.mjs', logLevel: 'warning' });
const { BUDGETS, optionTable, sizeTable, withBlock } = await import(new URL('./.build/readme.mjs', import.meta.url).href);

const measured = {};
for (const [file] of BUDGETS) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first.`);
  measured[file] = gzipSync(readFileSync(file), { level: 9 }).byteLength;
}
const before = readFileSync('README.md', 'utf8');
const after = withBlock(withBlock(before, 'options', optionTable()), 'sizes', sizeTable(measured));
if (after !== before) writeFileSync('README.md', after);
console.log(`README.md: option table and size table ${after === before ? 'already current' : 'written'}.`);
for (const [file, max] of BUDGETS) console.log(`  ${file}: ${measured[file]} B gzipped (budget ${max})`);
