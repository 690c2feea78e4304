/**
 * The engines suite's runner: each scenario of scenarios.ts becomes one
 * Playwright test per engine project (and per adoption path where it runs on
 * both). Each Playwright worker has its servers (world.ts) and one shared
 * browser of its engine; scenarios that need a browser of their own (offline,
 * a restart) launch it through the same driver interface.
 */
import { test as base } from '@playwright/test';
import { launchEngine } from './drivers/index.js';
import type { EngineDriver, EngineName } from './drivers/types.js';
import { COVERS, RESULT, VERSION, type Measured } from './features.js';
import { SCENARIOS, type ScenarioContext } from './scenarios.js';
import { SITE_PATHS, startFailOpenSite, startProbeSite, startSite, startWorld, type Site, type World } from './world.js';

const test = base.extend<object, { engine: EngineName; world: World; shared: EngineDriver }>({
  engine: ['chromium', { option: true, scope: 'worker' }],
  world: [
    async ({}, use) => {
      const world = await startWorld();
      await use(world);
      await world.close();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  shared: [
    async ({ engine }, use) => {
      const driver = await launchEngine(engine);
      await use(driver);
      await driver.close();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

for (const scenario of SCENARIOS) {
  for (const site of scenario.perSite ? SITE_PATHS : [undefined]) {
    test(`${scenario.title}${site ? ` [${site}]` : ''}`, async ({ engine, world, shared }, testInfo) => {
      test.setTimeout(scenario.timeoutMs ?? 60_000);
      testInfo.annotations.push({ type: COVERS, description: JSON.stringify({ features: scenario.features, site }) }, { type: VERSION, description: shared.version });
      world.clear();
      const drivers: EngineDriver[] = [];
      const sites: Site[] = [];
      const keep = async (s: Promise<Site>) => {
        const started = await s;
        sites.push(started);
        return started;
      };
      const ctx: ScenarioContext = {
        engine,
        driver: shared,
        world,
        site,
        tag: [scenario.id, site, engine].filter(Boolean).join('-'),
        launch: async (options) => {
          const d = await launchEngine(engine, options);
          drivers.push(d);
          return d;
        },
        startSite: (path) => keep(startSite(world, path ?? site ?? 'script-tag')),
        startFailOpenSite: (mode) => keep(startFailOpenSite(world, mode)),
        startProbeSite: () => keep(startProbeSite(world)),
        record: (feature, value, detail) => {
          const m: Measured = { feature, engine, site, value, detail };
          testInfo.annotations.push({ type: RESULT, description: JSON.stringify(m) });
        },
      };
      try {
        await scenario.run(ctx);
      } finally {
        for (const d of drivers) await d.close();
        // The shared page leaves the test's sites before they close.
        await shared.goto('about:blank').catch(() => {});
        for (const s of sites) await s.close();
        world.sentry.plan([]);
      }
    });
  }
}
