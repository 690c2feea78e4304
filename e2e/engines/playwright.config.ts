import { defineConfig } from '@playwright/test';
import { ENGINES, type EngineName } from './drivers/types.js';

/**
 * `npm run test:engines`: the engines suite (suite.ts) in Chromium, Firefox and
 * WebKitGTK, one project each. The browsers come from Debian's packages
 * (chromium, firefox-esr, webkit2gtk-driver + xvfb); `.ci/run` installs them.
 * The results reporter writes e2e/engines/results.{json,md} and, after a
 * complete passing run, the README's engine table.
 */
export default defineConfig<object, { engine: EngineName }>({
  testDir: '.',
  testMatch: 'suite.ts',
  fullyParallel: true,
  // Two cores: two browsers at a time.
  workers: process.env.ENGINES_WORKERS ? Number(process.env.ENGINES_WORKERS) : 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  // In CI one retry, so a browser that stalls on a busy 2-core machine does not fail the run;
  // a test that passed only on its retry is listed as flaky, here and in results.md.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['./resultsReporter.ts']],
  projects: ENGINES.map((engine) => ({ name: engine, use: { engine } })),
});
