import { SDK_VERSION as browserVersion } from '@sentry/browser';
import { SDK_VERSION as coreVersion } from '@sentry/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The SDK version these tests run against: the matrix's (`npm run test:sdk`), else the one package.json pins. */
const expected = process.env.SDK_MATRIX_VERSION ?? (JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@sentry/browser'];

describe('the Sentry SDK under test', () => {
  it('is the version asked for, @sentry/browser and @sentry/core alike (one core)', () => {
    expect(browserVersion).toBe(expected);
    expect(coreVersion).toBe(expected);
  });
});
