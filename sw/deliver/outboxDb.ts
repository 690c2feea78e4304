/**
 * The outbox's IndexedDB database: its name and schema version, shared by the
 * worker (which owns it, `idbStore.ts`) and the page bridge (which deletes
 * what Sentry took, `src/markDelivered.ts`). Bump the version with a
 * migration step in `idbStore.ts` whenever the stored shape changes.
 */
export const OUTBOX_DB = 'gatewayz-sw-monitor';
export const OUTBOX_SCHEMA_VERSION = 3;
export const OUTBOX_STORE = 'outbox';
