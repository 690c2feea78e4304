/**
 * The README's generated blocks are current: the option table is what
 * sw/options.ts says, and the size table what the build measures now. Both
 * are written by `npm run figures`, never by `npm test`; this only checks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { entryPointsOf, OPTIONS, type OptionSpec } from '../sw/options.js';
import { BUDGETS, blockOf, optionTable, sizeTable } from '../scripts/figures/readme.js';

const readme = readFileSync('README.md', 'utf8');

describe('README figures', () => {
  it('the option table is generated from sw/options.ts (run "npm run figures" after changing an option)', () => {
    expect(blockOf(readme, 'options')).toBe(optionTable());
  });

  it('every option has its documentation, and each row names the option, its attribute and the entry points', () => {
    const table = optionTable();
    for (const [name, spec] of Object.entries(OPTIONS as Record<string, OptionSpec>)) {
      expect(spec.doc, `${name} has no doc`).toMatch(/\w{3}/);
      const row = table.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, `${name} has a row`).toBeDefined();
      if (entryPointsOf(spec).includes('tag')) expect(row).toContain(`data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  });

  it('the size table holds the sizes the build measures now (run "npm run build && npm run figures" after a change)', () => {
    const measured: Record<string, number> = {};
    for (const [file] of BUDGETS) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does).`);
      measured[file] = gzipSync(readFileSync(file), { level: 9 }).byteLength;
    }
    expect(blockOf(readme, 'sizes')).toBe(sizeTable(measured));
  });
});
