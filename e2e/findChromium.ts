import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * The browser the tests use: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`,
 * else Playwright's own if it was installed; else a message saying how to get one.
 */
export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    /* not installed */
  }
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one of:\n' +
      '  - Debian/Ubuntu: sudo apt-get install -y chromium   (then /usr/bin/chromium is used)\n' +
      '  - Playwright\'s own: npx playwright install chromium\n' +
      '  - or point CHROMIUM_PATH at any Chromium 156-compatible binary.',
  );
}

/**
 * Launch flags: keep Chromium off the network except loopback. The background
 * services would otherwise try Google's hosts; the resolver rule makes any
 * other name fail locally, so no lookup ever leaves the machine.
 */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
