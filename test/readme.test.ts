/**
 * Every code block in README.md that a user copies is exercised. Each is
 * either run here (the Vite config, built by Vite), or checked against the
 * file the e2e suite runs in a real browser (a fixture site under e2e/sites/,
 * the demo launcher), comparing what the README says with what that file
 * does. A new block fails the last test until it gets a check here.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readOptions } from '../sw/options.js';
import { compileRules, readRules, type Rule, type RuleFacts } from '../sw/rules.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const read = (p: string) => readFileSync(root(p), 'utf8');

interface Block {
  lang: string;
  code: string;
  /** The `##`/`###` heading the block sits under. */
  section: string;
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push({ lang: open.lang, code: open.lines.join('\n') + '\n', section });
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith('```')) open = { lang: line.slice(3).trim(), lines: [] };
    else if (/^#{2,3} /.test(line)) section = line.replace(/^#+ /, '');
  }
  return blocks;
}

/** The blocks a user copies: those with a language (the diagram has none). */
const blocks = blocksOf(read('README.md')).filter((b) => b.lang !== '');

/** Each check claims its README block by what only that block contains. */
const CLAIMS: Record<string, (b: Block) => boolean> = {
  'the two commands': (b) => b.lang === 'sh' && b.code.includes('npm start'),
  'the Vite config': (b) => b.lang === 'ts' && b.code.includes("from 'gatewayz-sw-monitor/vite'"),
  'the copy of the prebuilt files': (b) => b.lang === 'sh' && b.code.startsWith('cp '),
  'the script tag': (b) => b.lang === 'html' && b.code.includes('data-origins=') && !b.code.includes('data-rules='),
  'the rules on the script tag': (b) => b.lang === 'html' && b.code.includes('data-rules='),
  'the rules in the Vite plugin': (b) => b.lang === 'ts' && b.code.startsWith('gatewayzMonitor({') && b.code.includes('rules: ['),
  'the Workbox route': (b) => b.lang === 'ts' && b.code.includes('registerMonitorRoute('),
  'the script tag for a Workbox site': (b) => b.lang === 'html' && b.code.includes('data-register="false"'),
  'the integration': (b) => b.lang === 'ts' && b.code.includes('backendMonitorIntegration(') && !b.code.includes('transport:') && !b.code.includes('@sentry/nextjs'),
  'the kit config': (b) => b.lang === 'ts' && b.code.includes("from '@playwright/test'"),
  'the kit example': (b) => b.lang === 'ts' && b.code.includes("from 'gatewayz-sw-monitor/playwright'"),
  'the offline transport': (b) => b.lang === 'ts' && b.code.includes('transport:'),
  'the Next.js install': (b) => b.lang === 'sh' && b.code.includes('create-next-app'),
  'the Next.js config': (b) => b.lang === 'ts' && b.code.includes("from 'gatewayz-sw-monitor/next'"),
  'the Next.js .gitignore': (b) => b.lang === 'gitignore',
  'the Next.js Sentry.init': (b) => b.lang === 'ts' && b.code.includes("from '@sentry/nextjs'"),
  'the beforeSend exemption': (b) => b.lang === 'ts' && b.code.startsWith('beforeSend('),
};

function block(name: keyof typeof CLAIMS): string {
  const found = blocks.filter(CLAIMS[name]!);
  expect(found, `README.md should have one block for ${name}`).toHaveLength(1);
  return found[0]!.code;
}

/** A fixture file without its leading comment, which says what the fixture is for. */
function withoutHeader(text: string): string {
  return text.replace(/^(\/\/.*\n)+/, '');
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&' };

/** A tag's attributes, in order: `[name, value]` as a browser reads them, value `true` when bare. */
function attributes(tag: string): Array<[string, string | true]> {
  return [...tag.matchAll(/\s([\w-]+)(?:="([^"]*)")?/g)].map(([, name, value]) => [name!, value?.replace(/&(lt|gt|quot|amp);/g, (e) => ENTITIES[e]!) ?? true]);
}

/** The script tag that loads gatewayz-register.js in an HTML file. */
function registerTag(html: string): string {
  const tag = html.match(/<script src="\/gatewayz-register\.js"[^>]*>/)?.[0];
  expect(tag, 'a <script src="/gatewayz-register.js"> tag').toBeDefined();
  return tag!;
}

describe('README.md snippets', () => {
  it('the two commands are the scripts the demo test and CI run', () => {
    const code = block('the two commands');
    expect(code).toMatch(/^npm ci && npm start\s+#/m);
    expect(code).toMatch(/^npm ci && npm test\s+#/m);
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    // e2e/demo.spec.ts runs the launcher `npm start` runs after the build.
    expect(scripts.start).toBe('node scripts/build.mjs && node dist/demo.mjs');
    expect(read('e2e/demo.spec.ts')).toContain("spawn(process.execPath, ['dist/demo.mjs']");
    // "build, typecheck, unit tests, package lint, then the end-to-end suite", in that order.
    const steps = scripts.test!.split(' && ');
    const order = ['npm run build', 'npm run typecheck', 'npm run test:unit', 'npm run test:package', 'npm run test:e2e'].map((step) => steps.indexOf(step));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), scripts.test).toBe(true);
    expect(read('.ci/run')).toContain('npm test');
    // The URLs in the comment are the launcher's defaults.
    const [, appPort, spotlightPort, spotlightPath] = code.match(/http:\/\/127\.0\.0\.1:(\d+).*http:\/\/localhost:(\d+)(\S*)/)!;
    expect(read('vite.config.ts')).toContain(`process.env.DEMO_PORT ?? ${appPort}`);
    expect(read('scripts/demo.ts')).toContain(`process.env.SPOTLIGHT_PORT ?? ${spotlightPort}`);
    expect(read('scripts/demo.ts')).toContain(`http://localhost:\${SPOTLIGHT_PORT}${spotlightPath}`);
  });

  it('the Vite config, as it stands, builds an app with the worker, the register script and the tag', async () => {
    const code = block('the Vite config');
    // Inside the repository, so `gatewayz-sw-monitor/vite` resolves to this package's dist/;
    // a folder of its own, so runs side by side do not meet.
    await mkdir(root('test/.build/'), { recursive: true });
    const dir = `${await mkdtemp(root('test/.build/readme-vite-'))}/`;
    const outDir = `${dir}out/`;
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(`${dir}vite.config.ts`, code);
    for (const f of ['index.html', 'main.js']) await copyFile(root(`e2e/sites/vite-app/${f}`), `${dir}${f}`);
    await build({ root: dir, configFile: `${dir}vite.config.ts`, logLevel: 'silent', build: { outDir, emptyOutDir: true } });

    const origin = code.match(/origins: \['([^']+)'\]/)![1]!;
    const dsn = code.match(/dsn: '([^']+)'/)![1]!;
    const html = await readFile(`${outDir}index.html`, 'utf8');
    expect(attributes(registerTag(html))).toEqual([
      ['src', '/gatewayz-register.js'],
      ['defer', true],
      ['data-origins', origin],
      ['data-dsn', dsn],
    ]);
    for (const f of ['gatewayz-sw.js', 'gatewayz-register.js']) {
      const emitted = await readFile(`${outDir}${f}`, 'utf8');
      expect(emitted, f).toBe(read(`dist/${f}`));
      expect(emitted, `${f} names no source map`).not.toContain('sourceMappingURL');
    }
    // The fixture app e2e/adoption.spec.ts drives in a browser has the same config, with its values from the environment.
    const fixture = read('e2e/sites/vite-app/vite.config.js');
    for (const line of code.split('\n').filter((l) => l.startsWith('import '))) expect(fixture).toContain(line);
    expect(fixture).toMatch(/export default defineConfig\(\{\n {2}plugins: \[gatewayzMonitor\(\{ origins: \[[^\]]+\], dsn: /);
  });

  it('the copied files are in the package, and are the files the static site test serves', () => {
    const code = block('the copy of the prebuilt files');
    // cp node_modules/gatewayz-sw-monitor/dist/gatewayz-{sw,register}.js public/
    const [, prefix, names, suffix, dest] = code.match(/^cp node_modules\/gatewayz-sw-monitor\/(\S*)\{([^}]+)\}(\S*) (\S+)\n$/)!;
    expect(dest).toBe('public/');
    const { files } = JSON.parse(read('package.json')) as { files: string[] };
    const adoption = read('e2e/adoption.spec.ts');
    for (const name of names!.split(',')) {
      const path = `${prefix}${name}${suffix}`;
      const file = path.slice(path.lastIndexOf('/') + 1);
      expect(files, path).toContain(path);
      expect(read(path).length, path).toBeGreaterThan(0);
      // Served at the site root, as the static site in e2e/adoption.spec.ts serves it.
      expect(adoption).toContain(`['/${file}', \`\${dist}${file}\`]`);
    }
  });

  it('the script tag is the static fixture site\'s', () => {
    const readme = attributes(block('the script tag'));
    const fixture = new Map(attributes(registerTag(read('e2e/sites/static-site/index.html'))));
    for (const [name, value] of readme) {
      expect(fixture.has(name), `static-site has ${name}`).toBe(true);
      // Values the README spells out for the user are placeholders in the fixture.
      if (!name.startsWith('data-')) expect(fixture.get(name), name).toBe(value);
    }
  });

  it('the Workbox route is added first in the Workbox fixture site\'s worker, as the README says', () => {
    const code = block('the Workbox route');
    const sw = read('e2e/sites/workbox-site/sw.ts');
    for (const line of code.split('\n').filter((l) => l.startsWith('import '))) expect(sw).toContain(line);
    expect(sw).toMatch(/registerMonitorRoute\(\{ origins: \[/);
    expect(code).toMatch(/registerMonitorRoute\(\{ origins: \[/);
    expect(code.indexOf('registerMonitorRoute(')).toBeLessThan(code.indexOf('precacheAndRoute('));
    expect(sw.indexOf('registerMonitorRoute(')).toBeLessThan(sw.indexOf('precacheAndRoute('));
  });

  it('the Workbox site\'s script tag is the fixture\'s', () => {
    const readme = attributes(block('the script tag for a Workbox site'));
    const fixture = new Map(attributes(registerTag(read('e2e/sites/workbox-site/index.html'))));
    for (const [name, value] of readme) {
      expect(fixture.has(name), `workbox-site has ${name}`).toBe(true);
      if (name !== 'data-dsn') expect(fixture.get(name), name).toBe(value);
    }
  });

  it('the integration and the offline transport are the Next.js fixture app\'s Sentry setup', () => {
    const app = read('e2e/sites/next-app/instrumentation-client.ts');
    const integration = block('the integration');
    for (const line of integration.split('\n').filter((l) => l.startsWith('import '))) expect(app).toContain(line);
    expect(integration).toMatch(/Sentry\.init\(\{ dsn, integrations: \[backendMonitorIntegration\(\{ origins: \[/);
    expect(app).toContain('backendMonitorIntegration({ origins: [');
    expect(app).toMatch(/Sentry\.init\(\{[^]*\bintegrations: /);
    const offline = block('the offline transport');
    const transport = offline.match(/transport: [\w.]+\([\w.]+\)/)![0];
    expect(app).toContain(transport);
  });

  it('the Next.js steps are the fixture app e2e/next.spec.ts builds and runs, on the versions the package is tested with', () => {
    const { devDependencies } = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    const install = block('the Next.js install');
    expect(install).toContain(`next@${devDependencies.next}`);
    expect(install).toContain(`@sentry/nextjs@${devDependencies['@sentry/nextjs']}`);
    const app = 'e2e/sites/next-app/';
    const config = block('the Next.js config');
    for (const line of config.split('\n').filter((l) => l.startsWith('import '))) expect(read(`${app}next.config.ts`)).toContain(line);
    expect(config).toContain('withSentryConfig(withGatewayzMonitor(nextConfig), {');
    expect(read(`${app}next.config.ts`)).toContain('withSentryConfig(withGatewayzMonitor(nextConfig), {');
    for (const line of block('the Next.js .gitignore').trim().split('\n')) expect(read(`${app}.gitignore`).split('\n')).toContain(line);
    const init = block('the Next.js Sentry.init');
    const client = read(`${app}instrumentation-client.ts`);
    for (const line of init.split('\n').filter((l) => l.startsWith('import '))) expect(client).toContain(line);
    expect(init).toContain('integrations: (defaults) => [...defaults, backendMonitorIntegration({ origins: [');
    expect(client).toMatch(/integrations: \(defaults\) => [^\n]*\[\.\.\.defaults, monitor\]/);
    // Spotlight's sidecar takes envelopes at this DSN, as the script tag's development default does.
    expect(init).toContain("'http://spotlight@localhost:8969/0'");
    expect(read('src/register/main.ts')).toContain("'http://spotlight@localhost:8969/0'");
    // The exemption is the fixture's own filter line, which e2e/next.spec.ts shows keeps a "network error" event.
    const filter = block('the beforeSend exemption').split('\n').find((l) => l.includes("error_category !== 'backend_api'"))!.trim();
    expect(client.split('\n').map((l) => l.trim())).toContain(filter);
  });

  it('the kit config is the one e2e/kit.spec.ts runs, but for the suite\'s own port, app and Chromium', () => {
    const fixture = withoutHeader(read('e2e/sites/kit-user/playwright.config.ts'))
      .split('\n')
      .filter((l) => !l.endsWith('// suite'))
      .join('\n');
    const readme = block('the kit config')
      .replaceAll("'http://localhost:5173'", '`http://localhost:${port}`')
      .replace("launchOptions: { executablePath: '/usr/bin/chromium' }", 'launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS }')
      .replace("command: 'npm run dev'", 'command: `npx vite ../vite-app --port ${port} --strictPort`');
    expect(fixture).toBe(readme);
  });

  it('the kit example is the test e2e/kit.spec.ts runs, word for word', () => {
    expect(withoutHeader(read('e2e/sites/kit-user/models.test.ts'))).toBe(block('the kit example'));
  });

  it("the Rules section's two tunings, on the script tag and in the Vite plugin, are the same valid rules and do what it says", async () => {
    const tag = block('the rules on the script tag');
    const json = tag.match(/data-rules='([^']*)'/)![1]!;
    const fromTag = readOptions({ rules: json, origins: tag.match(/data-origins="([^"]+)"/)![1] }, 'tag');
    expect(fromTag.errors).toEqual([]);
    const viteCode = block('the rules in the Vite plugin');
    // The block is the plugin's call; run it as written, with the plugin (it throws on a bad option).
    const { default: gatewayzMonitor } = await import('../src/vite.js');
    let given: Record<string, unknown> | undefined;
    new Function('gatewayzMonitor', viteCode)((options: Record<string, unknown>) => {
      given = options;
      return gatewayzMonitor(options as never);
    });
    const fromVite = readOptions(given!, 'vite');
    expect(fromVite.errors).toEqual([]);
    expect(fromVite.values.rules).toEqual(fromTag.values.rules);
    const match = compileRules(fromTag.values.rules as Rule[]);
    const failure = (f: Partial<RuleFacts>): RuleFacts => ({ status: 500, endpoint: '/v1/models', gateway: 'all', method: 'GET', kind: 'http_error', ...f });
    expect(match(failure({ endpoint: '/v1/legacy/models', status: 404 }))).toEqual({ rule: 1, ignore: true });
    expect(match(failure({ gateway: 'flaky-gw', status: 504 }))).toEqual({ rule: 2, level: 'info' });
    expect(match(failure({ gateway: 'other-gw', status: 504 }))).toBeUndefined();
    // The mistake the section quotes is the one a user gets.
    const mistake = readRules('[{"match":{},"action":"ignore"},{"match":{},"level":"fatal"}]');
    expect(read('README.md').replace(/\n/g, ' ')).toContain(`option "rules" ${'error' in mistake ? mistake.error : ''}.`);
  });

  it('every block a user copies has a check here', () => {
    const unclaimed = blocks.filter((b) => Object.values(CLAIMS).filter((claims) => claims(b)).length !== 1);
    expect(
      unclaimed.map((b) => `under "${b.section}":\n${b.code}`),
      'README.md blocks with no check (or more than one) in test/readme.test.ts: add a claim and a test that exercises each',
    ).toEqual([]);
    expect(blocks).toHaveLength(Object.keys(CLAIMS).length);
  });
});
