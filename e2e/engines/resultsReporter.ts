/**
 * Turns what the engines suite measured into files: e2e/engines/results.json
 * (every value, per engine and adoption path, with details) and results.md
 * (the table and the details) after a complete run (a partial one writes them
 * to the Playwright output folder instead), and, after a complete run in which every test
 * passed, the feature × engine table in README.md between
 * `<!-- engines:start -->` and `<!-- engines:end -->`. Nothing in the table is
 * written by hand.
 */
import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES } from './drivers/types.js';
import { COVERS, FEATURES, RESULT, VERSION, type FeatureId, type Measured } from './features.js';
import { SCENARIOS } from './scenarios.js';
import { SITE_PATHS } from './world.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const START = '<!-- engines:start -->';
const END = '<!-- engines:end -->';
const ENGINE_TITLE: Record<string, string> = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKitGTK' };
const SITE_TITLE: Record<string, string> = { 'script-tag': 'script tag', vite: 'Vite' };

interface TestRecord {
  title: string;
  engine: string;
  ok: boolean;
  /** Passed only on a retry. */
  flaky: boolean;
  features: FeatureId[];
  site?: string;
  measured: Measured[];
}

const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export default class EnginesResultsReporter implements Reporter {
  #tests = new Map<string, TestRecord>();
  #versions: Record<string, string> = {};

  #outputDir = '';

  onBegin(config: FullConfig, _suite: Suite): void {
    this.#outputDir = config.projects[0]?.outputDir ?? '';
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const engine = test.parent.project()?.name ?? 'unknown';
    const annotations = [...(result.annotations ?? []), ...test.annotations];
    const covers = annotations.find((a) => a.type === COVERS);
    const { features = [], site } = covers?.description ? (JSON.parse(covers.description) as { features: FeatureId[]; site?: string }) : {};
    const version = annotations.find((a) => a.type === VERSION)?.description;
    if (version) this.#versions[engine] = version;
    const measured = annotations.filter((a) => a.type === RESULT && a.description).map((a) => JSON.parse(a.description!) as Measured);
    // The last attempt counts (a retry replaces a failure).
    const ok = result.status === 'passed' || result.status === 'skipped';
    this.#tests.set(test.id, { title: test.title, engine, ok, flaky: ok && result.retry > 0, features, site, measured: dedupe(measured) });
  }

  async onEnd(): Promise<void> {
    const tests = [...this.#tests.values()];
    if (tests.length === 0) return;
    const cell = (feature: FeatureId, engine: string): string | undefined => {
      const covering = tests.filter((t) => t.engine === engine && t.features.includes(feature));
      if (covering.some((t) => !t.ok)) return '**FAILED**';
      const values = covering.flatMap((t) => t.measured.filter((m) => m.feature === feature));
      if (values.length === 0) return undefined;
      const distinct = [...new Set(values.map((v) => v.value))];
      if (distinct.length === 1) return distinct[0];
      return values.map((v) => `${SITE_TITLE[v.site ?? ''] ?? v.site}: ${v.value}`).join('; ');
    };
    const engines = ENGINES.filter((e) => tests.some((t) => t.engine === e));
    const header = `| | ${engines.map((e) => cellText(this.#versions[e] ?? ENGINE_TITLE[e]!)).join(' | ')} |`;
    const table = [
      header,
      `|---|${engines.map(() => '---').join('|')}|`,
      ...(Object.keys(FEATURES) as FeatureId[]).map((f) => `| ${cellText(FEATURES[f])} | ${engines.map((e) => cellText(cell(f, e) ?? '—')).join(' | ')} |`),
    ].join('\n');

    const details = tests
      .flatMap((t) => t.measured.map((m) => ({ ...m, ok: t.ok })))
      .sort((a, b) => a.feature.localeCompare(b.feature) || a.engine.localeCompare(b.engine) || (a.site ?? '').localeCompare(b.site ?? ''));
    const failed = tests.filter((t) => !t.ok);
    const flaky = tests.filter((t) => t.flaky);
    const md = [
      '# Engines: what the suite measured',
      '',
      'Written by `npm run test:engines` (e2e/engines/resultsReporter.ts); do not edit by hand.',
      '',
      table,
      '',
      failed.length > 0 ? `Failed in this run: ${failed.map((t) => `${t.engine}: ${t.title}`).join('; ')}.\n` : 'Every test passed in this run.\n',
      ...(flaky.length > 0 ? [`Passed only on a retry: ${flaky.map((t) => `${t.engine}: ${t.title}`).join('; ')}.\n`] : []),
      '## Details',
      '',
      '| feature | engine | path | value | what was seen |',
      '|---|---|---|---|---|',
      ...details.map((d) => `| ${d.feature} | ${d.engine} | ${d.site ? SITE_TITLE[d.site] : '—'} | ${cellText(d.value)} | ${cellText(d.detail ?? '')} |`),
      '',
    ].join('\n');
    // Only `npm run figures:engines` (ENGINES_RECORD=1) writes the record: e2e/engines/results.* (committed) and,
    // from a complete run in which everything passed, the README's table. `npm test` writes to the output folder
    // and leaves every tracked file as it was.
    const record = process.env.ENGINES_RECORD === '1';
    const expected = ENGINES.length * SCENARIOS.reduce((n, s) => n + (s.perSite ? SITE_PATHS.length : 1), 0);
    const complete = tests.length === expected;
    const out = (record && complete) || !this.#outputDir ? here('.') : this.#outputDir;
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'results.md'), md);
    await writeFile(join(out, 'results.json'), `${JSON.stringify({ versions: this.#versions, results: details }, null, 2)}\n`);
    const where = relative(process.cwd(), join(out, 'results.md'));

    // The README only from a complete run in which everything passed.
    const missing = ENGINES.flatMap((e) => (Object.keys(FEATURES) as FeatureId[]).filter((f) => cell(f, e) === undefined).map((f) => `${e}/${f}`));
    if (!record) {
      console.log(`[engines] results in ${where}; the README's table and e2e/engines/results.* are written by npm run figures:engines.`);
      return;
    }
    if (!complete || failed.length > 0 || missing.length > 0) {
      console.log(
        `[engines] results in ${where}; README table not updated (${failed.length} failed, ${tests.length} of ${expected} tests ran${missing.length ? `, not measured: ${missing.length} feature × engine cells` : ''}).`,
      );
      return;
    }
    const readmePath = here('../../README.md');
    const readme = await readFile(readmePath, 'utf8');
    const a = readme.indexOf(START);
    const b = readme.indexOf(END);
    if (a < 0 || b < a) {
      console.log(`[engines] README.md has no ${START} ... ${END} block; table not written there.`);
      return;
    }
    const block = `${START}\n<!-- Generated by npm run figures:engines from what it measured; details in e2e/engines/results.md. -->\n\n${table}\n\n${END}`;
    const next = readme.slice(0, a) + block + readme.slice(b + END.length);
    if (next !== readme) await writeFile(readmePath, next);
    console.log(`[engines] results in ${where}; README table ${next === readme ? 'unchanged' : 'updated'}.`);
  }

  printsToStdio(): boolean {
    return false;
  }
}

function dedupe(ms: Measured[]): Measured[] {
  const seen = new Set<string>();
  return ms.filter((m) => {
    const k = `${m.feature} ${m.site ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
