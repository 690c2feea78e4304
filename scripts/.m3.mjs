import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const src = process.argv[2];
const r = await build({ stdin: { contents: src, resolveDir: '.', loader: 'ts' }, bundle: true, minify: true, format: 'esm', write: false, define: { __GATEWAYZ_DOCS__: 'false' }, logLevel: 'error' });
console.log(r.outputFiles[0].text.length, gzipSync(r.outputFiles[0].text, { level: 9 }).length);
