// `npm run sim -- --seed N`: bundles the simulation (test/sim/) and runs it with the given arguments.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

await build({ entryPoints: ['test/sim/cli.ts'], outfile: 'dist/sim.mjs', bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
await import(pathToFileURL('dist/sim.mjs').href);
