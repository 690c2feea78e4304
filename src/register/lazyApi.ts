import { Scope } from '@sentry/core';
import { deliverToSentry } from '../deliverToSentry.js';
import { captureMetricPoints, createHealthMetricsSender } from '../healthToMetrics.js';
import { markDelivered } from '../markDelivered.js';
import { createPageBridge } from '../pageBridge.js';
import { pageScopeOf, watchScopes } from '../pageScopeOf.js';
import type { LazyApi } from './lazy.js';

/** What both lazily loaded files share: delivery and health metrics through a given client. */
export const lazyApi: LazyApi = {
  pageSink(client, scopeChanged) {
    const scope = new Scope();
    scope.setClient(client);
    // A user signing in or out: the worker is told at once.
    watchScopes(client, scopeChanged);
    return { deliver: deliverToSentry(client), scope, pageScope: () => pageScopeOf(client) };
  },
  healthSender: (scope) => createHealthMetricsSender((points) => captureMetricPoints(points, scope())),
  bridge: (o) => createPageBridge({ ...o, markDelivered }),
};
