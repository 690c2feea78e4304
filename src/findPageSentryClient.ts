import type { Client } from '@sentry/core';
import { findSdkClient } from './sentry/adapter.js';

/**
 * The Sentry client the app set up, if any, whatever its SDK version: the CDN
 * bundle's `window.Sentry.getClient()`, else the client `Sentry.init` put on
 * the current scope, found through the SDK adapter (src/sentry/adapter.ts).
 */
export function findPageSentryClient(): Client | undefined {
  return findSdkClient();
}
