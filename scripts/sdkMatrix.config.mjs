/**
 * The vitest config `scripts/sdkMatrix.mjs` runs once per Sentry SDK version:
 * `@sentry/browser` and `@sentry/core` resolve to the folder SDK_MATRIX_DIR
 * names, for the product modules and the tests alike. Those files are then
 * loaded by Node from that folder, so @sentry/browser's own import of
 * @sentry/core finds the same copy: one core per run.
 */
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const dir = process.env.SDK_MATRIX_DIR;
if (!dir) throw new Error('SDK_MATRIX_DIR is not set: run this config through `npm run test:sdk` (scripts/sdkMatrix.mjs).');

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@sentry\/browser$/, replacement: join(dir, 'node_modules', '@sentry', 'browser') },
      { find: /^@sentry\/core$/, replacement: join(dir, 'node_modules', '@sentry', 'core') },
    ],
  },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
