import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './e2e/findChromium.js';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./e2e/summaryReporter.ts']],
  forbidOnly: !!process.env.CI,
  // The Next.js fixture is built once per run (next.setup.ts), only for the suites that use it (next*.spec.ts).
  projects: [
    { name: 'next-build', testMatch: '**/next.setup.ts' },
    { name: 'e2e', testIgnore: '**/next*.spec.ts' },
    { name: 'next', testMatch: '**/next*.spec.ts', dependencies: ['next-build'] },
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    serviceWorkers: 'allow',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
});
