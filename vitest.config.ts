import { defineConfig } from 'vitest/config';

// Unit tests of the pure parts; the browser behaviour is in e2e/ (Playwright).
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
