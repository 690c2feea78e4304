// The worker's layers, and what the page may take from the worker: `npm run test:layers`
// (`depcruise sw src --config .dependency-cruiser.cjs`), run by `npm test` right after the typecheck.
//
// sw/ is built in layers, from the bottom up. A layer imports only layers below it (and itself), never one
// above, and no two modules import each other, directly or round a loop. So each part can be read, tested and
// replaced knowing only what is below it, and the simulation (test/sim/) can drive any layer with fakes of
// the ones it needs.
//
//   entry     entry.ts, killSwitch.ts, drainThenLeave.ts, index.ts, observe/addMonitorRoute.ts,
//             observe/registerMonitorRoute.ts: the worker scripts and the Workbox API; each makes a Monitor
//   compose   Monitor.ts: the composition root; wires the layers below, owns the counters
//   observe   observe/: one request watched; it reports through RequestSink, not through the Monitor
//   deliver   deliver/: the outbox in IndexedDB, the relay to pages, the page messages
//   quota     quota/: what of a failure leaves (fold, rate limit, outbox cap, burst alerts' budget)
//   health    health/: histograms, health windows, burst episodes
//   report    report/: observation → scrubbed report (classify, template, scrub)
//   core      core/, protocol.ts, config.ts, options.ts, rules.ts, buildFlags.ts, version.ts: types, the wire
//             protocol, the option table, the rules option's reader, options and the rules the
//             worker and the page share; imports nothing from sw/
//
// (protocol.ts, config.ts, options.ts, rules.ts, buildFlags.ts and version.ts stay at sw/'s top level because the
// page and the build tools import them by those paths;
// they are core all the same. observe/addMonitorRoute.ts and observe/registerMonitorRoute.ts make the Monitor,
// so they are entry points wherever they live.)
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Bottom first. `path`: the files of the layer (regular expressions on the path from the repository's root). */
const LAYERS = [
  { name: 'core', path: '^sw/(core/|(protocol|config|options|rules|buildFlags|version)\\.ts$)' },
  { name: 'report', path: '^sw/report/' },
  { name: 'health', path: '^sw/health/' },
  { name: 'quota', path: '^sw/quota/' },
  { name: 'deliver', path: '^sw/deliver/' },
  { name: 'observe', path: '^sw/observe/(?!(addMonitorRoute|registerMonitorRoute)\\.ts$)' },
  { name: 'compose', path: '^sw/Monitor\\.ts$' },
  { name: 'entry', path: '^sw/((entry|killSwitch|drainThenLeave|index)\\.ts$|observe/(addMonitorRoute|registerMonitorRoute)\\.ts$)' },
];

// Every worker file sits in exactly one layer: a new file or folder must be given its place (and so what it may
// import) before the check passes.
for (const file of readdirSync(join(__dirname, 'sw'), { recursive: true })) {
  const path = `sw/${String(file).split('\\').join('/')}`;
  if (!path.endsWith('.ts')) continue;
  const layers = LAYERS.filter((l) => new RegExp(l.path).test(path)).map((l) => l.name);
  if (layers.length !== 1) {
    throw new Error(
      `.dependency-cruiser.cjs: ${path} is in ${layers.length === 0 ? 'no layer' : `${layers.length} layers (${layers.join(', ')})`}: ` +
        'give it exactly one place in LAYERS (a layer imports only the layers listed before it).',
    );
  }
}

const layer = (name) => LAYERS.find((l) => l.name === name).path;
const above = (name) => LAYERS.slice(LAYERS.findIndex((l) => l.name === name) + 1).map((l) => l.path);

/** The rule that keeps one layer below everything listed after it. */
function below(name, comment) {
  return { name: `${name}-imports-no-layer-above`, comment, severity: 'error', from: { path: layer(name) }, to: { path: above(name) } };
}

module.exports = {
  forbidden: [
    below(
      'core',
      'core is what every part agrees on (records, storage and clock, the wire protocol, options, the fingerprint and ' +
        'status rules, the hooks): it depends on nothing in sw/, so the page and every layer can import it without ' +
        'pulling in the worker.',
    ),
    below(
      'report',
      'Building a report from an observation is pure (classify, template, scrub): it needs only core, so it runs the ' +
        'same in the worker, the page (scrubbing what a hook returns) and the tests.',
    ),
    below(
      'health',
      'Health counts requests and reads the report rules (endpoint template, gateway) but decides nothing about ' +
        'delivery: it must not know the quota gate or the outbox beyond core\'s Store.',
    ),
    below(
      'quota',
      'The quota gate decides in one transaction what leaves; it uses burst episodes (health) and core\'s Tx, and ' +
        'must not know who delivers (deliver) or who asked (observe, Monitor).',
    ),
    below(
      'deliver',
      'Delivery stores, relays and answers the pages; it asks the gate (quota) to sweep and carry counts, and sees ' +
        'the monitor only as PageMessageTarget, so it never imports what observes requests or composes the worker.',
    ),
    below(
      'observe',
      'Watching a request talks to RequestSink (capture a failure, count an outcome), which the Monitor implements: ' +
        'observe/ imports report/ and core, never the Monitor that composes it.',
    ),
    below(
      'compose',
      'Monitor.ts wires every layer below it; the scripts and Workbox entry points that make a Monitor sit above it, ' +
        'so the composition root never depends on how it is started.',
    ),
    {
      name: 'no-cycles',
      comment:
        'No module may reach itself through its imports (types included): a loop makes its members one unit that ' +
        'cannot be read, tested or bundled apart, and hides an upward import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'worker-imports-no-page-code',
      comment: 'The worker is one small classic script every user downloads: nothing of the page (src/) may end up in it.',
      severity: 'error',
      from: { path: '^sw/' },
      to: { path: '^src/' },
    },
    {
      name: 'page-imports-only-what-the-worker-shares',
      comment:
        'The page shares the worker\'s core (protocol, options, version, the fingerprint and status rules), its ' +
        'health histograms (to merge and read windows) and the outbox database\'s name (to delete what Sentry took). ' +
        'Anything else in sw/ is the worker\'s own runtime and would be bundled into the page.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^sw/', pathNot: [layer('core'), '^sw/health/aggregate\\.ts$', '^sw/deliver/outboxDb\\.ts$'] },
    },
  ],
  options: {
    // Type-only imports count: an upward `import type` couples the layers just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|e2e|bench)/' },
  },
};
