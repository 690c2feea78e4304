/** Takes an event back out of Sentry's browser offline queue: see the SDK adapter (src/sentry/adapter.ts), where every reliance on an SDK internal lives. */
export { takeFromOfflineQueue } from './sentry/adapter.js';
