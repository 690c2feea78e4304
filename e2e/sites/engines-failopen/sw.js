// A site's own worker with the monitor in it, where one step of the monitor
// throws, for the engines suite's fail-open scenario (?mode=):
//   hook:   the site's beforeReport hook throws on every report;
//   outbox: the monitor's storage throws on every call (IndexedDB unusable).
// Either way every response must reach the page untouched.
import { BackendMonitorPlugin, DEFAULT_CONFIG, Monitor, PassThrough, registerMonitorRoute } from 'gatewayz-sw-monitor/sw';
import { clientsClaim } from 'workbox-core';
import { registerRoute, Route } from 'workbox-routing';

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
} else if (mode === 'outbox') {
  const broken = (name) => () => Promise.reject(new Error(`outbox.${name} broke (engines fail-open fixture)`));
  const outbox = {
    put() {
      throw new Error('outbox.put threw (engines fail-open fixture)');
    },
    get: broken('get'),
    update: broken('update'),
    all: broken('all'),
    delete: broken('delete'),
    count: broken('count'),
    shiftOldest: broken('shiftOldest'),
    getMeta: broken('getMeta'),
    putMeta: broken('putMeta'),
  };
  const monitor = new Monitor({ config: { ...DEFAULT_CONFIG, origins: [api] }, outbox });
  const strategy = new PassThrough({ plugins: [new BackendMonitorPlugin(monitor)] });
  for (const method of ['GET', 'POST']) registerRoute(new Route(({ url }) => url.origin === api, strategy, method));
  monitor.listen(() => ({ version: 'fixture', observing: true, configErrors: [] }));
} else {
  throw new Error(`engines fail-open fixture: unknown mode ${mode}`);
}

self.skipWaiting();
clientsClaim();
