/**
 * `gatewayz-deliver.js`: loaded by `gatewayz-register.js` when the first
 * report must go out on a page whose app has its own Sentry
 * client. Delivers through that client; never makes a client of its own.
 */
import { lazyApi } from './lazyApi.js';
import { LAZY_GLOBAL } from './lazy.js';

(globalThis as Record<string, unknown>)[LAZY_GLOBAL] = lazyApi;
