/**
 * Size budgets (issue: performance; the worker's raised by issue 11): what every user downloads. Measured on
 * the build output, so `npm run build` must have run (npm test does it first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUDGETS: Array<[file: string, maxGzipBytes: number, what: string]> = [
  // 12 KiB, 3 KiB more for scrubbing secrets of formats it has never seen (issue 11: JSON walk, entropy, URL and
  // scheme rules), and 1 KiB for exactly-once at the edges (issue 19: the kill switch's drain, an update's takeover,
  // counts carried past a dropped event, failures held in memory when storage refuses, greeting unknown pages).
  ['dist/gatewayz-sw.js', 16 * 1024, 'the worker script'],
  ['dist/bridge.min.js', 5 * 1024, 'the page bridge, without @sentry/browser'],
];

describe('bundle size budgets', () => {
  it.each(BUDGETS)('%s stays within %i bytes gzipped (%s)', (file, max) => {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does).`);
    const gz = gzipSync(readFileSync(file), { level: 9 }).byteLength;
    expect(gz, `${file} is ${gz} bytes gzipped`).toBeLessThanOrEqual(max);
    expect(gz).toBeGreaterThan(500); // a real build, not an empty file
  });

  it('the worker is one classic script with no imports left', () => {
    const src = readFileSync('dist/gatewayz-sw.js', 'utf8');
    expect(src).not.toMatch(/\bimport\s*[{(*"']|\bexport\s*[{*]|importScripts\(/);
    expect(src).not.toContain('process.env');
  });
});
