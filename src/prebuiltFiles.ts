/**
 * The prebuilt files an app serves, by the names they are served at: one
 * list, which the Vite plugin and the Next.js wrapper serve and emit, and
 * which scripts/checkPackage.mjs checks against package.json's `files` and
 * `exports` (both of which npm reads as written).
 */
import { DELIVER_FILE, OPTIONS_FILE, SENTRY_FILE } from './register/lazy.js';

/** The worker, at the site root so that its scope is the whole site. */
export const WORKER_FILE = 'gatewayz-sw.js';
/** The kill-switch build, served as WORKER_FILE when the monitor is disabled. */
export const DISABLED_WORKER_FILE = 'gatewayz-sw-disabled.js';
/** The script tag's file. */
export const REGISTER_FILE = 'gatewayz-register.js';
/** What the register script loads from its own folder, only when needed (src/register/lazy.ts). */
export const LAZY_FILES = [SENTRY_FILE, DELIVER_FILE, OPTIONS_FILE] as const;
/** Everything an app serves, the worker first. */
export const SERVED_FILES = [WORKER_FILE, REGISTER_FILE, ...LAZY_FILES] as const;
