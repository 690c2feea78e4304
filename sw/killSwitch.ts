/**
 * `gatewayz-sw-disabled.js`: the worker built disabled. Served in place of
 * `gatewayz-sw.js`, the browser's next update check installs it; it handles no
 * fetch (so every request goes straight to the network), delivers what the
 * outbox still holds to the pages, and then unregisters itself, so the next
 * load is uncontrolled. The seed's rollback plan, without touching
 * application code. (The same as `gatewayz-sw.js?enabled=false`.)
 */
import { parseConfig } from './config.js';
import { drainThenLeave } from './drainThenLeave.js';
import { VERSION } from './version.js';

declare const self: ServiceWorkerGlobalScope;

const { config } = parseConfig(new URL(self.location.href).searchParams);
drainThenLeave({ ...config, enabled: false }, () => ({ version: VERSION, observing: false, configErrors: [] }));
