/**
 * `npm run bench:scrub`: recall per gitleaks rule family over
 * test/corpora/secrets-gitleaks.json and the false-positive rate over the
 * benign corpora; how long scrubbing a 2 KB error preview takes (the
 * work the worker does once per reported failure), and the sweep over the
 * entropy limits that chose the ones in sw/entropy.ts, measured on
 * test/corpora. Pure Node: the scrubber is plain code with no browser API.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { looksRandom, NEAR_KEY_WORD, STRICT, type EntropyLimits } from '../sw/report/entropy.js';
import { scrubPreview, scrubText } from '../sw/report/scrub.js';
import { HOSTILE } from '../test/corpora/hostile.js';
import { pieces } from '../test/corpora/pieces.js';

interface SecretSample {
  format: string;
  context: string;
  secret: string;
  text: string;
}
const load = <T>(file: string): T => JSON.parse(readFileSync(`test/corpora/${file}`, 'utf8')) as T;
const secrets = load<{ samples: SecretSample[] }>('secrets.json').samples;
const benignSamples = [...load<{ samples: Array<{ category: string; text: string }> }>('benign.json').samples, ...load<{ samples: Array<{ category: string; text: string }> }>('benign-api.json').samples];
const benign = benignSamples.map((b) => b.text);
interface GitleaksSample {
  rule: string;
  family: string;
  kind: string;
  context: string;
  secret: string;
  text: string;
}
const gitleaks = load<{ rules: number; samples: GitleaksSample[] }>('secrets-gitleaks.json');

// ---- Recall per rule family, false positives --------------------------------------

/** A leak: any 8-character piece of the secret in the output, as is, JSON-unescaped or percent-decoded (as test/scrubCorpora.test.ts). */
function leaked(secret: string, out: string): boolean {
  const unescape = (s: string) => s.replace(/\\(["\\/])/g, '$1').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  let decoded = out;
  try {
    decoded = decodeURIComponent(out);
  } catch {
    /* keep it */
  }
  const texts = [out, unescape(out), unescape(unescape(out)), decoded];
  return pieces(secret).some((p) => texts.some((t) => t.includes(p)));
}
{
  const t0 = performance.now();
  const families = new Map<string, { rules: Set<string>; n: number; caught: number; kinds: Set<string> }>();
  for (const s of gitleaks.samples) {
    const f = families.get(s.family) ?? { rules: new Set(), n: 0, caught: 0, kinds: new Set() };
    f.rules.add(s.rule);
    f.kinds.add(s.kind);
    f.n++;
    if (!leaked(s.secret, scrubText(s.text))) f.caught++;
    families.set(s.family, f);
  }
  const caught = [...families.values()].reduce((n, f) => n + f.caught, 0);
  console.log(`recall per rule family, gitleaks' default config (${gitleaks.rules} rules, ${gitleaks.samples.length} samples in query values, path segments, JSON error bodies, header-like text):`);
  const rows = [...families.entries()].sort(([a], [b]) => a.localeCompare(b));
  const cells = rows.map(([name, f]) => `${name} ${f.caught}/${f.n}${f.caught === f.n ? '' : ' ←'}`);
  for (let i = 0; i < cells.length; i += 5) console.log(`  ${cells.slice(i, i + 5).map((c) => c.padEnd(30)).join('')}`);
  const byKind = new Map<string, [number, number]>();
  const byContext = new Map<string, [number, number]>();
  for (const s of gitleaks.samples) {
    const ok = leaked(s.secret, scrubText(s.text)) ? 0 : 1;
    for (const [map, key] of [[byKind, s.kind], [byContext, s.context]] as const) {
      const [n, c] = map.get(key) ?? [0, 0];
      map.set(key, [n + 1, c + ok]);
    }
  }
  console.log(`  by kind of rule: ${[...byKind].map(([k, [n, c]]) => `${k} ${c}/${n}`).join(', ')}`);
  console.log(`  by context: ${[...byContext].map(([k, [n, c]]) => `${k} ${c}/${n}`).join(', ')}`);
  console.log(`  → recall ${caught}/${gitleaks.samples.length} (${((caught / gitleaks.samples.length) * 100).toFixed(1)}%) in ${families.size} families (target 100%)`);
  const older = secrets.filter((s) => !leaked(s.secret, scrubText(s.text))).length;
  console.log(`  secrets.json (providers' own formats): ${older}/${secrets.length}`);
  const changed = benignSamples.filter((b) => scrubText(b.text) !== b.text);
  const byCategory = new Map<string, [number, number]>();
  for (const b of benignSamples) {
    const [n, c] = byCategory.get(b.category) ?? [0, 0];
    byCategory.set(b.category, [n + 1, c + (scrubText(b.text) !== b.text ? 1 : 0)]);
  }
  console.log(`false positives over the benign corpora (benign.json, benign-api.json): ${changed.length}/${benignSamples.length} (${((changed.length / benignSamples.length) * 100).toFixed(1)}%; target at most 2%)`);
  console.log(`  by category: ${[...byCategory].map(([k, [n, c]]) => `${k} ${c}/${n}`).join(', ')}`);
  for (const b of changed) console.log(`  ${b.category}: ${b.text.slice(0, 110)}\n    → ${scrubText(b.text).slice(0, 110)}`);
  console.log(`(${(performance.now() - t0).toFixed(0)} ms)\n`);
}

// ---- Timing -----------------------------------------------------------------

/** 2 KB previews: realistic error bodies, one benign, one carrying secrets (escaped JSON, a URL, a header echo). */
function preview(withSecrets: boolean): string {
  const parts: string[] = [];
  let i = 0;
  while (parts.join('').length < 2048) {
    const b = benign[(i * 7) % benign.length]!;
    parts.push(b);
    if (withSecrets && i % 3 === 0) parts.push(secrets[(i * 11) % secrets.length]!.text);
    i++;
  }
  return parts.join('\n').slice(0, 2048);
}

function time(label: string, text: string): number {
  for (let i = 0; i < 500; i++) scrubPreview(text, 500);
  const runs: number[] = [];
  for (let r = 0; r < 15; r++) {
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) scrubPreview(text, 500);
    runs.push((performance.now() - t0) / n);
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)]!;
  console.log(`  ${label.padEnd(44)} ${median.toFixed(3)} ms median (min ${runs[0]!.toFixed(3)}, max ${runs[runs.length - 1]!.toFixed(3)}) per ${text.length}-char preview`);
  return median;
}

console.log(`scrub timing (Node ${process.version}, 15 runs of 200 after 500 warm-up calls; each call scrubs all 2048 chars, then cuts to 500):`);
const benignMs = time('2 KB of benign error bodies', preview(false));
const secretMs = time('2 KB of error bodies with secrets in them', preview(true));
/** 2 KB of JSON quoted three strings deep: every level is unescaped and walked again. */
function nested(): string {
  let body = preview(true).slice(0, 1400);
  for (let i = 0; i < 3; i++) body = JSON.stringify({ error: { message: 'upstream error', raw: body } });
  return body.slice(0, 2048);
}
const nestedMs = time('2 KB of JSON quoted three strings deep', nested());
console.log(`  → ${Math.max(benignMs, secretMs, nestedMs).toFixed(3)} ms per 2 KB preview at most (target: well under 1 ms)`);
console.log('hostile bodies (test/corpora/hostile.ts), once each, scrubbed whole and cut to 10,000 characters:');
for (const [name, body] of Object.entries(HOSTILE)) {
  const t0 = performance.now();
  scrubPreview(body, 10_000);
  console.log(`  ${name.padEnd(62)} ${(performance.now() - t0).toFixed(1)} ms for ${body.length} chars`);
}

// ---- Threshold sweep ----------------------------------------------------------

/** Formats only a key name or a connection string's syntax can give away: no shape test could tell them from words. */
const NAMED_ONLY = /password|otp-code|connection-string/;
const shapeSecrets = secrets.filter((s) => !NAMED_ONLY.test(s.format) && !s.secret.includes('\n'));
const shapeValues = [...new Set(shapeSecrets.map((s) => s.secret))];

function evaluate(limits: EntropyLimits) {
  const saved = { ...STRICT };
  Object.assign(STRICT, limits);
  try {
    const shapeAlone = shapeValues.filter((v) => looksRandom(v, STRICT)).length;
    const bareMissed = shapeSecrets.filter((s) => scrubText(`upstream rejected ${s.secret} at 2024-07-18T12:34:56Z`).includes(s.secret.slice(0, 12))).length;
    const missed = secrets.filter((s) => scrubText(s.text).includes(s.secret)).length;
    const fp = benign.filter((b) => scrubText(b) !== b).length;
    return { shapeAlone, bareMissed, missed, fp };
  } finally {
    Object.assign(STRICT, saved);
  }
}

console.log(`\nentropy limits for a token on its own, swept on test/corpora (${secrets.length} secrets, ${benign.length} benign strings):`);
console.log('  shape alone: secret values (not password-like formats) that entropy alone flags, with no known prefix and no key name');
console.log('  bare: those values scrubbed in a sentence with no key word ("upstream rejected <secret> at ...") by the whole scrubber');
console.log('  minLen ratio  b64  hexMin  hex | shape alone | bare missed | corpus missed | false positives');
const chosen = { ...STRICT };
const grid: EntropyLimits[] = [];
for (const minLen of [12, 16, 20, 24, 28]) for (const ratio of [0.5, 0.6, 0.7, 0.8, 0.9]) grid.push({ ...chosen, minLen, ratio });
for (const b64 of [3.5, 4.0, 4.5, 5.0]) grid.push({ ...chosen, b64 });
for (const hexMinLen of [12, 16, 20, 24, 32, 40]) for (const hex of [2.5, 3.0, 3.5]) grid.push({ ...chosen, hexMinLen, hex });
for (const limits of grid) {
  const r = evaluate(limits);
  const mark = JSON.stringify(limits) === JSON.stringify(chosen) ? '  ← chosen' : '';
  console.log(
    `  ${String(limits.minLen).padStart(6)} ${limits.ratio.toFixed(1).padStart(5)} ${limits.b64.toFixed(1).padStart(4)} ${String(limits.hexMinLen).padStart(7)} ${limits.hex.toFixed(1).padStart(4)} |` +
      ` ${`${r.shapeAlone}/${shapeValues.length}`.padStart(11)} | ${`${r.bareMissed}/${shapeSecrets.length}`.padStart(11)} | ${`${r.missed}/${secrets.length}`.padStart(13)} | ${`${r.fp}/${benign.length}`.padStart(15)}${mark}`,
  );
}
{
  const misses = shapeValues.filter((v) => !looksRandom(v, STRICT));
  const formatOf = (v: string) => secrets.find((s) => s.secret === v)!.format;
  console.log(`\nwith the chosen limits, entropy alone misses ${misses.length} values; known prefixes or key names catch them:`);
  for (const v of misses) console.log(`  ${formatOf(v)}: ${v.slice(0, 60)}`);
  const bare = shapeSecrets.filter((s) => scrubText(`upstream rejected ${s.secret} at 2024-07-18T12:34:56Z`).includes(s.secret.slice(0, 12)));
  console.log(`in a sentence with no key word, the whole scrubber misses ${bare.length}:`);
  for (const s of bare) console.log(`  ${s.format}: ${s.secret.slice(0, 60)}`);
  const fps = benign.filter((b) => scrubText(b) !== b);
  console.log(`false positives with the chosen limits (${fps.length}):`);
  for (const b of fps) console.log(`  ${scrubText(b).slice(0, 150)}`);
}
// Near a key word: the same values a few words after one ("Incorrect API key provided: <secret>."), and the benign corpus.
console.log('\nentropy limits a few words after a key word, swept:');
console.log('  near missed: secret values (not password-like) the entropy test misses under these limits, known prefixes set aside');
console.log('  minLen ratio  b64  hexMin  hex | near missed | false positives');
const nearChosen = { ...NEAR_KEY_WORD };
const nearGrid: EntropyLimits[] = [];
for (const minLen of [8, 10, 12, 16]) for (const ratio of [0.5, 0.6, 0.7, 0.8]) nearGrid.push({ ...nearChosen, minLen, ratio });
for (const hexMinLen of [8, 12, 16, 24]) for (const hex of [2.0, 2.5, 3.0]) nearGrid.push({ ...nearChosen, hexMinLen, hex });
for (const limits of nearGrid) {
  Object.assign(NEAR_KEY_WORD, limits);
  // Values the entropy test must catch on its own here: no known prefix applies (checked with the strict limits, where prefixes decide).
  const missed = shapeValues.filter((v) => !looksRandom(v, NEAR_KEY_WORD)).length;
  const fp = benign.filter((b) => scrubText(b) !== b).length;
  Object.assign(NEAR_KEY_WORD, nearChosen);
  const mark = JSON.stringify(limits) === JSON.stringify(nearChosen) ? '  ← chosen' : '';
  console.log(
    `  ${String(limits.minLen).padStart(6)} ${limits.ratio.toFixed(1).padStart(5)} ${limits.b64.toFixed(1).padStart(4)} ${String(limits.hexMinLen).padStart(7)} ${limits.hex.toFixed(1).padStart(4)} |` +
      ` ${`${missed}/${shapeValues.length}`.padStart(11)} | ${`${fp}/${benign.length}`.padStart(15)}${mark}`,
  );
}
