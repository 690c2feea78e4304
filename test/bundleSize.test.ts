/**
 * Size budgets: what every user downloads. Measured on
 * the build output, so `npm run build` must have run (npm test does it first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUDGETS } from '../scripts/figures/budgets.js';

// The budgets, with why each is what it is, live in scripts/figures/budgets.ts (the README's size table is written from them).

describe('bundle size budgets', () => {
  it.each(BUDGETS)('%s stays within %i bytes gzipped (%s)', (file, max) => {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does).`);
    const gz = gzipSync(readFileSync(file), { level: 9 }).byteLength;
    expect(gz, `${file} is ${gz} bytes gzipped`).toBeLessThanOrEqual(max);
    expect(gz).toBeGreaterThan(500); // a real build, not an empty file
  });

  it('the script-tag drop-in carries no Sentry SDK: a page with no failures loads none', () => {
    const src = readFileSync('dist/gatewayz-register.js', 'utf8');
    expect(src).not.toMatch(/BrowserClient|sentry\.javascript|\bimport\s*\(/);
    for (const lazy of ['gatewayz-sentry.js', 'gatewayz-deliver.js', 'gatewayz-options.js']) {
      expect(src, `it loads ${lazy} by its name`).toContain(`"${lazy}"`);
      // Classic scripts (loaded with <script>, like the register script itself), each handing over one global.
      expect(readFileSync(`dist/${lazy}`, 'utf8')).not.toMatch(/^\s*(import|export)\b/m);
    }
  });

  it("the script-tag drop-in reads options terse; gatewayz-options.js carries the explanations", () => {
    const register = readFileSync('dist/gatewayz-register.js', 'utf8');
    const options = readFileSync('dist/gatewayz-options.js', 'utf8');
    // One explanation of each reader (sw/options.ts, sw/rules.ts): in the lazy file, not in what every page loads.
    for (const words of ['it must be a whole number from', 'which is not an http(s) origin', 'is not a failure_kind; they are']) {
      expect(register, words).not.toContain(words);
      expect(options, words).toContain(words);
    }
    expect(options.startsWith('/* eslint-disable */')).toBe(true);
  });

  it('the worker is one classic script with no imports left', () => {
    const src = readFileSync('dist/gatewayz-sw.js', 'utf8');
    expect(src).not.toMatch(/\bimport\s*[{(*"']|\bexport\s*[{*]|importScripts\(/);
    expect(src).not.toContain('process.env');
  });

  it.each(['dist/gatewayz-sw.js', 'dist/gatewayz-register.js'])('%s is ASCII only: the browser keeps its source one byte a character', (file) => {
    // One character past U+00FF makes V8 hold the whole script as two-byte text, and the worker's start decodes it
    // on every start (Chromium's trace shows TextResourceDecoder::Decode on the worker thread).
    const bytes = readFileSync(file);
    const at = bytes.findIndex((b) => b > 0x7f);
    expect(at, at >= 0 ? `${file} has a non-ASCII byte at ${at}: ${bytes.subarray(Math.max(0, at - 40), at + 10).toString('utf8')}` : '').toBe(-1);
  });
});
