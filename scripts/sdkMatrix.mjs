#!/usr/bin/env node
/**
 * `npm run test:sdk`: the page side's Sentry tests (delivery, the page's
 * scope, finding the page's client, health metrics, the SDK adapter) against
 * several `@sentry/browser` + `@sentry/core` versions, the ones the
 * package's peer range claims to work with:
 *
 * - the newest 10.x and the newest 11.x on the npm registry (looked up once per run),
 * - 11.5.0 (the `@sentry/nextjs` the README's Next.js section installs),
 * - the version in package.json's devDependencies (the one `npm test` builds with).
 *
 * Each version is installed into a folder of its own outside the lockfile
 * (`node_modules/.cache/sdk-matrix/<version>`, reused while it holds that
 * version) and the tests run with `@sentry/browser` and `@sentry/core`
 * aliased to it (scripts/sdkMatrix.config.mjs), so the product modules and
 * the tests import that version. Prints a table version → passed/failed and
 * exits 1 if any version failed. `SDK_MATRIX=10.78.0,11.17.0` runs just those.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'sdk-matrix');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The test files that exercise the product modules against a real BrowserClient. */
export const MATRIX_TESTS = [
  'test/sdkVersion.test.ts',
  'test/sentryAdapter.test.ts',
  'test/deliverToSentry.test.ts',
  'test/pageScopeOf.test.ts',
  'test/findPageSentryClient.test.ts',
  'test/healthToMetrics.test.ts',
];

const stable = (v) => /^\d+\.\d+\.\d+$/.test(v);
const cmp = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

function versions() {
  if (process.env.SDK_MATRIX) return process.env.SDK_MATRIX.split(',').map((v) => ({ version: v.trim(), why: 'SDK_MATRIX' }));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const pinned = pkg.devDependencies['@sentry/browser'];
  if (pkg.devDependencies['@sentry/core'] !== pinned) throw new Error(`package.json pins @sentry/browser ${pinned} but @sentry/core ${pkg.devDependencies['@sentry/core']}: pin both to the same version.`);
  const published = JSON.parse(execFileSync(npm, ['view', '@sentry/browser', 'versions', '--json'], { encoding: 'utf8' })).filter(stable).sort(cmp);
  const newest = (major) => {
    const v = published.filter((x) => x.startsWith(`${major}.`)).at(-1);
    if (!v) throw new Error(`no @sentry/browser ${major}.x on the registry`);
    return v;
  };
  const list = [
    { version: newest(10), why: 'newest 10.x' },
    { version: '11.5.0', why: '@sentry/nextjs in the README' },
    { version: pinned, why: 'devDependencies' },
    { version: newest(11), why: 'newest 11.x' },
  ];
  // One row per version, every reason kept.
  const rows = new Map();
  for (const r of list) rows.set(r.version, rows.has(r.version) ? { ...r, why: `${rows.get(r.version).why}, ${r.why}` } : r);
  return [...rows.values()].sort((a, b) => cmp(a.version, b.version));
}

function installed(dir, name) {
  const file = join(dir, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

/** Installs @sentry/browser and @sentry/core at `version` into a folder of their own; returns the folder. */
function install(version) {
  const dir = join(cacheDir, version);
  if (installed(dir, '@sentry/browser') === version && installed(dir, '@sentry/core') === version) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `sdk-matrix-${version}`, private: true }));
  const r = spawnSync(
    npm,
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir, `@sentry/browser@${version}`, `@sentry/core@${version}`],
    { encoding: 'utf8', cwd: dir },
  );
  if (r.status !== 0) throw new Error(`npm install of @sentry/browser@${version} failed:\n${r.stderr}`);
  const got = [installed(dir, '@sentry/browser'), installed(dir, '@sentry/core')];
  if (got[0] !== version || got[1] !== version) throw new Error(`asked for ${version}, ${dir} holds @sentry/browser ${got[0]} and @sentry/core ${got[1]}`);
  return dir;
}

function run(version, dir) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'scripts/sdkMatrix.config.mjs', '--reporter=dot', ...MATRIX_TESTS], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SDK_MATRIX_DIR: dir, SDK_MATRIX_VERSION: version },
  });
  const out = `${r.stdout}\n${r.stderr}`;
  // eslint-disable-next-line no-control-regex
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const tests = plain.match(/Tests\s+(.*)/)?.[1]?.trim() ?? '(no summary)';
  return { ok: r.status === 0, tests, seconds: ((Date.now() - started) / 1000).toFixed(1), out };
}

const rows = [];
for (const { version, why } of versions()) {
  const t = Date.now();
  let dir;
  try {
    dir = install(version);
  } catch (e) {
    rows.push({ version, why, result: 'failed', tests: `install: ${e.message.split('\n')[0]}`, seconds: '-' });
    continue;
  }
  const installSeconds = ((Date.now() - t) / 1000).toFixed(1);
  const r = run(version, dir);
  if (!r.ok) process.stdout.write(`\n--- @sentry/browser ${version} ---\n${r.out}\n`);
  rows.push({ version, why, result: r.ok ? 'passed' : 'failed', tests: r.tests, seconds: `${installSeconds} + ${r.seconds}` });
}

const head = ['@sentry/browser + core', 'why', 'result', 'tests', 'install + test (s)'];
const table = [head, ...rows.map((r) => [r.version, r.why, r.result, r.tests, r.seconds])];
const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(['', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line([r.version, r.why, r.result, r.tests, r.seconds]))].join('\n'));
if (rows.some((r) => r.result !== 'passed')) {
  console.error('\ntest:sdk: some Sentry SDK versions failed (output above).');
  process.exit(1);
}
