/**
 * Builds the Next.js fixture app once per test run (`next build`, Turbopack),
 * before the suites that use it. It uses the package as an app would, through
 * dist/ (built by `npm run build` first).
 */
import { test as setup } from '@playwright/test';
import { linkPackage, NEXT_APP_DIR, runNext } from './nextApp.js';

setup('next build of e2e/sites/next-app', async () => {
  setup.setTimeout(240_000);
  linkPackage(NEXT_APP_DIR);
  const started = Date.now();
  await runNext(['build']);
  console.log(`next build of the fixture app: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
