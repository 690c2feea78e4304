import type { Event } from '@sentry/core';
import { expect } from '@playwright/test';
import { fingerprintOf } from '../sw/core/reportRules.js';
import type { FailureKind } from '../sw/protocol.js';

/** What a backend event carries, as the seed's trackBackendError events do. */
export interface SeedShape {
  message: string | RegExp;
  level: 'error' | 'warning';
  endpoint: string;
  status: string;
  method: string;
  gateway: string;
  kind: FailureKind;
  /** The full (scrubbed) URL in the context. */
  url: string;
  statusCode: number;
  /** Extra context fields to match exactly. */
  context?: Record<string, unknown>;
}

/**
 * The seed tracker's fields, field by field: message, exception, level, id,
 * tags, fingerprint and the `backend_api` context. The tags are exactly the
 * seed's, plus `otherTags` (what the page's own scope adds).
 */
export function expectSeedShape(event: Event, e: SeedShape, otherTags: Record<string, string> = {}): void {
  if (typeof e.message === 'string') expect(event.message).toBe(e.message);
  else expect(event.message).toMatch(e.message);
  expect(event.exception?.values).toEqual([{ type: 'BackendApiError', value: event.message, mechanism: { type: 'gatewayz-sw-monitor', handled: true } }]);
  expect(event.level).toBe(e.level);
  expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
  expect(event.tags).toEqual({
    error_category: 'backend_api',
    api_endpoint: e.endpoint,
    http_status: e.status,
    http_method: e.method,
    gateway: e.gateway,
    failure_kind: e.kind,
    ...otherTags,
  });
  // The product's one fingerprint rule, applied to what the event should be about (its status as the tag shows it).
  expect(event.fingerprint).toEqual(['backend_api', ...fingerprintOf({ method: e.method, endpoint: e.endpoint, kind: e.kind, status: Number(e.status) })]);
  const ctx = event.contexts?.backend_api as Record<string, unknown>;
  expect(ctx).toMatchObject({ endpoint: e.url, status_code: e.statusCode, method: e.method, gateway: e.gateway, retry_count: 0, ...e.context });
  expect(typeof ctx.duration_ms).toBe('number');
  expect(ctx.duration_ms as number).toBeGreaterThanOrEqual(0);
}

export interface Expected extends SeedShape {
  message: string;
}

/** A backend event from the e2e harness: the seed's shape, and the harness's own scope (its tag, user and release), which the monitor captures through. */
export function expectBackendEvent(event: Event, e: Expected): void {
  expectSeedShape(event, e, { app: 'harness' });
  expect(event.user?.id).toBe('user-42');
  expect(event.release).toBe('harness@1.0.0');
}
