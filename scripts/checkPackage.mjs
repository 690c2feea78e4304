// Checks the tarball `npm publish` would upload, as a user would unpack it:
// the LICENSE is in it and matches package.json's "license", and every
// `sourceMappingURL` in it names a file that is in it too (a URL to a missing
// map makes DevTools, and Vite's dev server, answer with an error or HTML),
// and every prebuilt file that the register script loads, or the Vite plugin
// and the Next.js wrapper serve, is in it (`gatewayz-*.js` beside them in dist/).
// Part of `npm run test:package`, after publint and attw.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'gatewayz-pack-'));
const problems = [];
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { encoding: 'utf8', shell: process.platform === 'win32' }));
  execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', dir]);
  const root = join(dir, 'package');
  const files = new Set(walk(root).map((f) => relative(root, f).split(sep).join('/')));

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (!files.has('LICENSE')) {
    problems.push('the tarball has no LICENSE file; add one at the package root (npm always packs it).');
  } else if (pkg.license === 'MIT' && !readFileSync(join(root, 'LICENSE'), 'utf8').startsWith('MIT License')) {
    problems.push('package.json says "license": "MIT" but LICENSE is not the MIT License text.');
  }

  let maps = 0;
  for (const file of files) {
    if (!/\.(m?js|cjs|css|d\.ts)$/.test(file)) continue;
    for (const [, url] of readFileSync(join(root, file), 'utf8').matchAll(/[#@] sourceMappingURL=(\S+)/g)) {
      if (url.startsWith('data:')) continue;
      maps++;
      const target = posix.normalize(posix.join(posix.dirname(file), decodeURIComponent(url.split(/[?#]/)[0])));
      if (!files.has(target)) {
        problems.push(`${file} ends with sourceMappingURL=${url}, but ${target} is not in the tarball: add it to "files" in package.json, or build ${file} without the comment.`);
      }
    }
  }

  // The register script loads gatewayz-sentry.js / gatewayz-deliver.js / gatewayz-options.js from its own folder; vite.js and next.js copy them all.
  const served = new Set();
  for (const file of ['dist/gatewayz-register.js', 'dist/vite.js', 'dist/next.js']) {
    if (!files.has(file)) {
      problems.push(`${file} is not in the tarball: add it to "files" in package.json.`);
      continue;
    }
    for (const [name] of readFileSync(join(root, file), 'utf8').matchAll(/gatewayz-[\w-]+\.js\b/g)) {
      served.add(name);
      if (!files.has(`dist/${name}`)) problems.push(`${file} loads or serves ${name}, but dist/${name} is not in the tarball: add it to "files" in package.json.`);
      if (pkg.exports?.[`./${name}`] !== `./dist/${name}`) problems.push(`${file} loads or serves ${name}, but package.json's "exports" has no "./${name}": "./dist/${name}" (an app that copies it imports it by that path).`);
    }
  }

  if (problems.length > 0) {
    console.error(`checkPackage: ${packed.filename} has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    process.exitCode = 1;
  } else {
    console.log(`checkPackage: ${packed.filename}: ${files.size} files, ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked; LICENSE (${pkg.license}) present; ${maps} source-map reference(s), none missing; the prebuilt files served (${[...served].sort().join(', ')}) all in it.`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
