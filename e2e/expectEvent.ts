import type { Event } from '@sentry/core';
import { expect } from '@playwright/test';

export interface Expected {
  message: string;
  level: 'error' | 'warning';
  endpoint: string;
  status: string;
  method: string;
  gateway: string;
  kind: string;
  /** The full (scrubbed) URL in the context. */
  url: string;
  statusCode: number;
  /** Extra context fields to match exactly. */
  context?: Record<string, unknown>;
}

/** Asserts a recorded event carries everything the seed's trackBackendError events carry, field by field. */
export function expectBackendEvent(event: Event, e: Expected): void {
  expect(event.message).toBe(e.message);
  expect(event.exception?.values).toEqual([
    { type: 'BackendApiError', value: e.message, mechanism: { type: 'gatewayz-sw-monitor', handled: true } },
  ]);
  expect(event.level).toBe(e.level);
  expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
  expect(event.tags).toMatchObject({
    error_category: 'backend_api',
    api_endpoint: e.endpoint,
    http_status: e.status,
    http_method: e.method,
    gateway: e.gateway,
    failure_kind: e.kind,
    // The page's own scope reaches the event: the monitor captures through the app's client.
    app: 'harness',
  });
  expect(event.fingerprint).toEqual(['backend_api', e.method, e.endpoint, e.kind === 'http_error' ? e.status : e.kind]);
  const ctx = event.contexts?.backend_api as Record<string, unknown>;
  expect(ctx).toMatchObject({
    endpoint: e.url,
    status_code: e.statusCode,
    method: e.method,
    gateway: e.gateway,
    retry_count: 0,
    ...e.context,
  });
  expect(typeof ctx.duration_ms).toBe('number');
  expect(ctx.duration_ms as number).toBeGreaterThanOrEqual(0);
  expect(event.user?.id).toBe('user-42');
  expect(event.release).toBe('harness@1.0.0');
}
