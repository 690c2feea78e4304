/**
 * `npm run bench:scrub`: how long scrubbing a 2 KB error preview takes (the
 * work the worker does once per reported failure), and the sweep over the
 * entropy limits that chose the ones in sw/entropy.ts, measured on
 * test/corpora. Pure Node: the scrubber is plain code with no browser API.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { looksRandom, NEAR_KEY_WORD, STRICT, type EntropyLimits } from '../sw/report/entropy.js';
import { scrubPreview, scrubText } from '../sw/report/scrub.js';
import { HOSTILE } from '../test/corpora/hostile.js';

interface SecretSample {
  format: string;
  context: string;
  secret: string;
  text: string;
}
const load = <T>(file: string): T => JSON.parse(readFileSync(`test/corpora/${file}`, 'utf8')) as T;
const secrets = load<{ samples: SecretSample[] }>('secrets.json').samples;
const benign = load<{ samples: Array<{ text: string }> }>('benign.json').samples.map((b) => b.text);

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
