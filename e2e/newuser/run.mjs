#!/usr/bin/env node
/**
 * A new user's first steps, from blank apps, following README.md and nothing else
 * (issue #20): a `create-next-app@16.4.3` app and a `create-vite` react-ts app get
 * this package from its tarball, the README's steps are applied as written (its
 * blocks are read from README.md), then `npm run build` and `npm run lint` must
 * pass with no problem, the Next app must hold one `@sentry/core`, and each
 * built app, served by `next start` / `vite preview`, must deliver one event for
 * a failing API to a Sentry recorder. Then the README's Playwright kit config and
 * example run in the Vite app.
 *
 *   npm run build && node e2e/newuser/run.mjs [next] [vite]     (both by default)
 *
 * Needs the npm registry (the apps and their dependencies come from it) and a
 * Chromium (CHROMIUM_PATH, else /usr/bin/chromium). Nothing else leaves
 * loopback: the API and the Sentry recorder are servers in this process on
 * 127.0.0.1, Next's telemetry is off, and Chromium resolves no other name. The
 * apps are made in a temporary folder outside the repository (KEEP=1 keeps it).
 * Prints each command with its wall-clock time. Not part of `npm test`: it
 * downloads about 400 packages and takes minutes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const which = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['next', 'vite'];
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
// As e2e/findChromium.ts: no background services, and no name but loopback resolves.
const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'];
const BUTTON = 'Load models';
/** Commands run, with their wall-clock times. */
const log = [];
/** Processes started here (each the leader of its own group), stopped at the end. */
const started = [];

if (!CHROMIUM) fail('No Chromium: set CHROMIUM_PATH, or install one (Debian: sudo apt-get install -y chromium).');
if (!existsSync(join(repo, 'dist/next.js'))) fail('dist/ is missing: run "npm run build" first.');
for (const w of which) if (!['next', 'vite'].includes(w)) fail(`unknown app "${w}": say next, vite, or nothing for both.`);

function fail(message) {
  console.error(`newuser: ${message}`);
  process.exit(1);
}

/** The README's fenced blocks with a language. */
function blocks() {
  return [...readme.matchAll(/^```(\w+)\n([^]*?)^```$/gm)].map(([, lang, code]) => ({ lang, code }));
}
function block(lang, has) {
  const found = blocks().filter((b) => b.lang === lang && b.code.includes(has));
  if (found.length !== 1) fail(`README.md should have one \`\`\`${lang} block with ${has}; it has ${found.length}.`);
  return found[0].code;
}

/** Runs a command to its end; throws with the tail of its output when it fails. */
function run(cwd, cmd, args, env = {}, baseEnv = process.env) {
  const shown = `${cmd} ${args.join(' ')}`;
  console.log(`\n$ (${cwd.replace(tmpdir(), '$TMP')}) ${shown}`);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...baseEnv, NEXT_TELEMETRY_DISABLED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (Date.now() - t0) / 1000;
      log.push({ cwd: cwd.replace(tmpdir(), '$TMP'), command: shown, seconds, code });
      console.log(`  ${seconds.toFixed(1)} s, exit ${code}`);
      if (code === 0) resolve(out);
      else reject(new Error(`${shown} exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
}

/** Starts a server process (its own process group, stopped at the end) and waits until url answers. */
async function serve(cwd, cmd, args, url) {
  const shown = `${cmd} ${args.join(' ')}`;
  console.log(`\n$ (${cwd.replace(tmpdir(), '$TMP')}) ${shown} &`);
  const t0 = Date.now();
  const child = spawn(cmd, args, { cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  started.push(child);
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${shown} ended (${child.exitCode}):\n${out.slice(-3000)}`);
    const up = await fetch(url).then((r) => r.ok, () => false);
    if (up) {
      const seconds = (Date.now() - t0) / 1000;
      log.push({ cwd: cwd.replace(tmpdir(), '$TMP'), command: `${shown}  (until ${url} answers)`, seconds, code: 'running' });
      console.log(`  answering after ${seconds.toFixed(1)} s`);
      return child;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${shown}: ${url} did not answer in 60 s:\n${out.slice(-3000)}`);
}

function stop(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler).listen(0, '127.0.0.1', () => resolve(server));
  });
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*' };

/** The failing API (500 to everything) and the Sentry recorder (POST /api/<project>/envelope/), on loopback. */
async function loopbackServers() {
  const envelopes = [];
  const api = await listen((req, res) => {
    if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
    res.writeHead(500, { ...CORS, 'content-type': 'application/json' }).end('{"error":"upstream exploded"}');
  });
  const sentry = await listen((req, res) => {
    if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const ok = req.method === 'POST' && /^\/api\/1\/envelope\/?(\?|$)/.test(req.url);
      if (ok) {
        const lines = body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
        for (let i = 1; i < lines.length; i += 2) envelopes.push({ url: req.url, type: lines[i].type, payload: lines[i + 1] });
      }
      res.writeHead(ok ? 200 : 404, { ...CORS, 'content-type': 'application/json' }).end(ok ? '{}' : '');
    });
  });
  return {
    api: `http://127.0.0.1:${api.address().port}`,
    dsn: `http://key@127.0.0.1:${sentry.address().port}/1`,
    envelopes,
    close: () => Promise.all([api, sentry].map((s) => new Promise((r) => s.close(r)))),
  };
}

/** Opens the app in Chromium, waits for the worker to control it, clicks the button that calls the failing API, and returns the event the recorder got. */
async function deliverOne(url, servers) {
  const t0 = Date.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const offLoopback = [];
    context.on('request', (r) => {
      const { protocol, hostname } = new URL(r.url());
      if (/^https?:$/.test(protocol) && !['127.0.0.1', 'localhost'].includes(hostname)) offLoopback.push(r.url());
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    await page.getByRole('button', { name: BUTTON }).click();
    let event;
    for (let i = 0; i < 300 && !event; i++) {
      await page.waitForTimeout(100);
      event = servers.envelopes.find((e) => e.type === 'event' && e.payload.tags?.error_category === 'backend_api');
    }
    if (offLoopback.length > 0) throw new Error(`the page asked for hosts off loopback: ${offLoopback.join(', ')}`);
    if (!event) throw new Error(`no event reached the recorder in 30 s (envelopes: ${servers.envelopes.map((e) => e.type).join(', ') || 'none'})`);
    const e = event.payload;
    const ctx = e.contexts?.backend_api ?? {};
    const expected = {
      message: 'Backend API GET /v1/models failed: 500 Internal Server Error',
      'tags.http_status': '500',
      'tags.api_endpoint': '/v1/models',
      'tags.failure_kind': 'http_error',
      'backend_api.endpoint': `${servers.api}/v1/models`,
      'backend_api.response_preview': '{"error":"upstream exploded"}',
    };
    const actual = {
      message: e.message,
      'tags.http_status': e.tags.http_status,
      'tags.api_endpoint': e.tags.api_endpoint,
      'tags.failure_kind': e.tags.failure_kind,
      'backend_api.endpoint': ctx.endpoint,
      'backend_api.response_preview': ctx.response_preview,
    };
    for (const [k, v] of Object.entries(expected)) if (actual[k] !== v) throw new Error(`event ${k} is ${JSON.stringify(actual[k])}, expected ${JSON.stringify(v)}`);
    const seconds = (Date.now() - t0) / 1000;
    log.push({ cwd: '', command: `Chromium: open ${url}, click "${BUTTON}", wait for the event`, seconds, code: 0 });
    console.log(`\nevent after ${seconds.toFixed(1)} s, sent by ${new URLSearchParams(event.url.split('?')[1]).get('sentry_client')}:\n${JSON.stringify({ message: e.message, tags: e.tags, backend_api: ctx }, null, 2)}`);
    return e;
  } finally {
    await browser.close();
  }
}

function edit(file, change) {
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) fail(`${file}: the README's step changed nothing (the generated file is not what the README expects)`);
  writeFileSync(file, after);
}

/** `npm ls <name> --all --json`: the versions installed anywhere in the tree. */
async function versionsOf(cwd, name) {
  const tree = JSON.parse(await run(cwd, 'npm', ['ls', name, '--all', '--json']));
  const found = new Set();
  const walk = (deps) => {
    for (const [n, d] of Object.entries(deps ?? {})) {
      if (n === name && d.version) found.add(d.version);
      walk(d.dependencies);
    }
  };
  walk(tree.dependencies);
  return [...found];
}

/** A client component with a button that calls the API (as README's Next.js section says: a fetch in a click handler). */
const LOAD_MODELS_TSX = (api) => `'use client';

import { useState } from 'react';

export default function LoadModels() {
  const [out, setOut] = useState('');
  async function load() {
    const res = await fetch('${api}/v1/models');
    setOut(\`\${res.status} \${await res.text()}\`);
  }
  return (
    <div>
      <button onClick={load}>${BUTTON}</button>
      <pre id="out">{out}</pre>
    </div>
  );
}
`;

async function nextApp(root, tgz) {
  const [create, install] = block('sh', 'create-next-app').trim().split('\n');
  // npx create-next-app@16.4.3 my-app --yes: with --yes its defaults (TypeScript, Tailwind, ESLint, App Router), spelt out.
  const [, pkg, name, ...flags] = create.split(' ');
  await run(root, 'npx', ['--yes', pkg, name, ...flags, '--ts', '--tailwind', '--eslint', '--app', '--use-npm']);
  const app = join(root, name);
  const [cd, npmInstall] = install.split(' && ');
  if (cd !== `cd ${name}`) fail(`README's install line should start with "cd ${name} &&": ${install}`);
  const args = npmInstall.split(' ').slice(1).map((a) => (a === 'gatewayz-sw-monitor' ? tgz : a));
  if (!args.includes(tgz)) fail(`README's install line installs no gatewayz-sw-monitor: ${install}`);
  await run(app, 'npm', args);
  const cores = await versionsOf(app, '@sentry/core');
  console.log(`  @sentry/core installed: ${cores.join(', ')}`);
  if (cores.length !== 1) throw new Error(`two Sentry cores after README's install line: ${cores.join(', ')}`);

  // next.config.ts: the README's imports added, its export wrapped.
  const config = block('ts', "from 'gatewayz-sw-monitor/next'");
  const imports = config.split('\n').filter((l) => l.startsWith('import ') && !/from 'next';$/.test(l));
  const wrapped = config.split('\n').find((l) => l.startsWith('export default '));
  edit(join(app, 'next.config.ts'), (s) => s.replace(/^(import .*\n)/, `$1${imports.join('\n')}\n`).replace(/^export default nextConfig;$/m, wrapped));
  appendFileSync(join(app, '.gitignore'), `\n${block('gitignore', 'gatewayz')}`);
  // instrumentation-client.ts, with the local API's origin.
  const init = block('ts', "from '@sentry/nextjs'");
  if (!init.includes("'https://api.gatewayz.ai'")) fail('README\'s Sentry.init no longer names https://api.gatewayz.ai in origins');
  const servers = await loopbackServers();
  writeFileSync(join(app, 'instrumentation-client.ts'), init.replace("'https://api.gatewayz.ai'", `'${servers.api}'`));
  writeFileSync(join(app, 'app/LoadModels.tsx'), LOAD_MODELS_TSX(servers.api));
  edit(join(app, 'app/page.tsx'), (s) => `import LoadModels from "./LoadModels";\n${s.replace(/(<main[^>]*>)/, '$1\n        <LoadModels />')}`);
  // Not the README: Google Fonts are out of reach offline, and next/font/google fails the build; system fonts instead.
  edit(join(app, 'app/layout.tsx'), (s) =>
    s
      .replace(/import \{ Geist, Geist_Mono \} from "next\/font\/google";\n/, '')
      .replace(/const geist(Sans|Mono) = Geist(_Mono)?\(\{[^]*?\}\);\n\n/g, '')
      .replace('className={`${geistSans.variable} ${geistMono.variable} h-full antialiased`}', 'className="h-full antialiased"'),
  );

  await run(app, 'npm', ['run', 'build'], { NEXT_PUBLIC_SENTRY_DSN: servers.dsn });
  const lint = await run(app, 'npm', ['run', 'lint']);
  if (/problem|warning|error/i.test(lint.replace(/^>.*$/gm, ''))) throw new Error(`npm run lint reported problems:\n${lint}`);
  const css = await run(app, 'sh', ['-c', 'cat .next/static/chunks/*.css | wc -c']);
  if (Number(css) < 5000) throw new Error(`the built CSS is ${css.trim()} bytes: Tailwind did not run`);
  const port = await freePort();
  const server = await serve(app, 'npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(port)], `http://127.0.0.1:${port}/`);
  try {
    await deliverOne(`http://127.0.0.1:${port}/`, servers);
  } finally {
    stop(server);
    await servers.close();
  }
}

/** src/App.tsx of create-vite's react-ts template, with a button that calls the API and shows the status in #out. */
function withLoadModels(api) {
  return (s) =>
    s
      .replace("import './App.css'\n", `import './App.css'\n\nconst API = '${api}'\n`)
      .replace('  const [count, setCount] = useState(0)\n', `  const [count, setCount] = useState(0)
  const [out, setOut] = useState('')

  async function loadModels() {
    const res = await fetch(\`\${API}/v1/models\`)
    setOut(\`\${res.status} \${await res.text()}\`)
  }
`)
      .replace('          Count is {count}\n        </button>\n', `          Count is {count}
        </button>
        <button type="button" onClick={loadModels}>
          ${BUTTON}
        </button>
        <pre id="out">{out}</pre>
`);
}

async function viteApp(root, tgz) {
  await run(root, 'npm', ['create', '--yes', 'vite@latest', 'vite-app', '--', '--template', 'react-ts', '--no-interactive']);
  const app = join(root, 'vite-app');
  await run(app, 'npm', ['install']);
  if (!readme.includes('`npm i gatewayz-sw-monitor`')) fail('README\'s Vite section no longer says `npm i gatewayz-sw-monitor`');
  await run(app, 'npm', ['i', tgz]);
  // vite.config.ts: README's import, and its plugin after the framework's, with the local API and recorder.
  const config = block('ts', "from 'gatewayz-sw-monitor/vite'");
  const importLine = config.split('\n').find((l) => l.includes("from 'gatewayz-sw-monitor/vite'"));
  const plugin = config.match(/plugins: \[(gatewayzMonitor\(.*\))\],/)?.[1];
  if (!plugin) fail('README\'s Vite config has no `plugins: [gatewayzMonitor({ ... })]` line');
  const servers = await loopbackServers();
  const ours = (api, dsn) => plugin.replace(/origins: \[[^\]]*\]/, `origins: ['${api}']`).replace(/dsn: '[^']*'/, `dsn: '${dsn}'`);
  const configFile = join(app, 'vite.config.ts');
  edit(configFile, (s) => s.replace(/^(import .*\n)(?!import )/m, `$1${importLine}\n`).replace('plugins: [react()]', `plugins: [react(), ${ours(servers.api, servers.dsn)}]`));
  edit(join(app, 'src/App.tsx'), withLoadModels(servers.api));
  await run(app, 'npm', ['run', 'build']);
  const lint = await run(app, 'npm', ['run', 'lint']);
  if (!/Found 0 warnings and 0 errors/.test(lint)) throw new Error(`npm run lint reported problems:\n${lint}`);
  const port = await freePort();
  const server = await serve(app, 'npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], `http://127.0.0.1:${port}/`);
  try {
    await deliverOne(`http://127.0.0.1:${port}/`, servers);
  } finally {
    stop(server);
    await servers.close();
  }

  // The Playwright kit, as its README section says, on the app it describes: api.gatewayz.ai in origins, a DSN of its own.
  const kit = readme.slice(readme.indexOf('## Test your own app: the Playwright kit'));
  const deps = kit.match(/`(npm i -D @playwright\/test[^`]*)`/)?.[1];
  if (!deps) fail('README\'s kit section no longer says which packages to install');
  await run(app, 'npm', deps.split(' ').slice(1));
  const saveAs = kit.match(/Save it as `([^`]+)`/)?.[1];
  if (!saveAs) fail('README\'s kit section no longer says where the test goes');
  // Not the README: a free port rather than 5173 (another app may have it), and launch flags that keep Chromium on loopback.
  const kitPort = await freePort();
  const kitConfig = block('ts', "from '@playwright/test'")
    .replaceAll('http://localhost:5173', `http://localhost:${kitPort}`)
    .replace("command: 'npm run dev'", `command: 'npm run dev -- --port ${kitPort} --strictPort'`)
    .replace("executablePath: '/usr/bin/chromium' }", `executablePath: ${JSON.stringify(CHROMIUM)}, args: ${JSON.stringify(CHROMIUM_ARGS)} }`);
  if (!kitConfig.includes(`--port ${kitPort}`) || !kitConfig.includes('--host-resolver-rules')) fail('README\'s kit config is not the shape this check adapts (baseURL, webServer, launchOptions)');
  writeFileSync(join(app, 'playwright.config.ts'), kitConfig);
  mkdirSync(join(app, saveAs, '..'), { recursive: true });
  writeFileSync(join(app, saveAs), block('ts', "from 'gatewayz-sw-monitor/playwright'"));
  edit(configFile, (s) => s.replace(ours(servers.api, servers.dsn), ours('https://api.gatewayz.ai', 'https://publickey@o4500000000000000.ingest.sentry.io/4500000000000000')));
  edit(join(app, 'src/App.tsx'), (s) => s.replace(`const API = '${servers.api}'`, "const API = 'https://api.gatewayz.ai'"));
  // The user's environment only: none of a surrounding Playwright run's variables.
  const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(k)));
  const out = await run(app, 'npx', ['playwright', 'test', '--reporter', 'line'], { CI: '1' }, userEnv);
  if (!/\b1 passed\b/.test(out)) throw new Error(`the kit example did not pass:\n${out}`);
  const lintAgain = await run(app, 'npm', ['run', 'lint']);
  if (!/Found 0 warnings and 0 errors/.test(lintAgain)) throw new Error(`npm run lint reported problems in the kit's files:\n${lintAgain}`);
}

async function freePort() {
  const s = await listen(() => {});
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const root = mkdtempSync(join(tmpdir(), 'gatewayz-newuser-'));
let failed;
try {
  const packed = JSON.parse(await run(repo, 'npm', ['pack', '--json', '--pack-destination', root]));
  const tgz = join(root, packed[0].filename);
  if (which.includes('next')) await nextApp(root, tgz);
  if (which.includes('vite')) await viteApp(root, tgz);
} catch (e) {
  failed = e;
} finally {
  for (const child of started) stop(child);
  console.log('\n| wall time | where | command |\n|---:|---|---|');
  for (const { seconds, cwd, command, code } of log) console.log(`| ${seconds.toFixed(1)} s | ${cwd || '(browser)'} | \`${command}\`${code === 0 || code === 'running' ? '' : ` (exit ${code})`} |`);
  if (process.env.KEEP === '1') console.log(`\napps kept in ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
if (failed) {
  console.error(`\nFAILED: ${failed.stack ?? failed}`);
  process.exit(1);
}
console.log(`\nok: ${which.join(' and ')}: built, linted with no problem, one event delivered${which.includes('vite') ? ', the kit example passed' : ''}`);
