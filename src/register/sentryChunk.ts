/**
 * `gatewayz-sentry.js`: loaded by `gatewayz-register.js` when the first
 * report must go out on a page that has no Sentry client of
 * its own. The monitor's own isolated client, plus delivery through the
 * app's client should the app set Sentry up later.
 */
import { createIsolatedClient } from '../createIsolatedClient.js';
import { lazyApi } from './lazyApi.js';
import { LAZY_GLOBAL, type LazyApi } from './lazy.js';

const api: LazyApi = {
  ...lazyApi,
  isolatedSink(options) {
    const { release, environment } = options;
    return { ...createIsolatedClient(options), pageScope: () => ({ ...(release ? { release } : {}), ...(environment ? { environment } : {}) }) };
  },
};
(globalThis as Record<string, unknown>)[LAZY_GLOBAL] = api;
