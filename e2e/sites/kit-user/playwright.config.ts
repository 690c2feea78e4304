// README.md's playwright.config.ts for the Playwright kit, as e2e/kit.spec.ts runs
// it against the Vite fixture app; test/readme.test.ts checks that the two stay
// the same but for the suite's own choices: the lines marked "suite", a free
// port, the fixture app's start command, and the launch flags that keep the
// suite's Chromium on loopback.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../findChromium.js'; // suite
const port = Number(process.env.PORT); // suite

export default defineConfig({
  use: {
    baseURL: `http://localhost:${port}`,
    // A system Chromium; leave launchOptions out to use Playwright's own (npx playwright install chromium).
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  // Playwright starts your dev server and waits for it before the tests run.
  webServer: { command: `npx vite ../vite-app --port ${port} --strictPort`, url: `http://localhost:${port}` },
});
