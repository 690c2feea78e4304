// A site's own worker with the monitor in it (registerMonitorRoute, the
// public API), where one step of the monitor throws, for the engines suite's
// fail-open scenario (?mode=):
//   hook:    the site's beforeReport hook throws on every report;
//   storage: IndexedDB throws on open, as where storage is unavailable.
// Either way every response must reach the page untouched.
import { registerMonitorRoute } from 'gatewayz-sw-monitor/sw';
import { clientsClaim } from 'workbox-core';

const params = new URL(self.location.href).searchParams;
const api = params.get('api');
const mode = params.get('mode');

if (mode === 'hook') {
  registerMonitorRoute({
    origins: [api],
    beforeReport: () => {
      throw new Error('beforeReport broke (engines fail-open fixture)');
    },
  });
} else if (mode === 'storage') {
  IDBFactory.prototype.open = function open() {
    throw new DOMException('IndexedDB is unavailable here (engines fail-open fixture)', 'InvalidStateError');
  };
  registerMonitorRoute({ origins: [api] });
} else {
  throw new Error(`engines fail-open fixture: unknown mode ${mode}`);
}

self.skipWaiting();
clientsClaim();
