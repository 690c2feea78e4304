/**
 * Shared by the scrub tests: a failed request as the worker observes it
 * (a 401 from the models API), with any field replaced. Imports only a type,
 * so it typechecks with both the page's lib and the worker's.
 */
import type { Observation } from '../sw/report/buildReport.js';

export const observation = (o: Partial<Observation> = {}): Observation => ({
  classification: { kind: 'http_error', level: 'warning' },
  method: 'GET',
  url: 'https://api.gatewayz.ai/v1/models',
  status: 401,
  statusText: 'Unauthorized',
  startedAt: 1000,
  endedAt: 1100,
  retryCount: 0,
  online: true,
  ...o,
});

/** Synthetic values, random-looking, never real keys: one with a known prefix, one only its shape gives away. */
export const KEY = 'sk-proj-Qx7bN2kLp9WzR4tYc8vHd3JmAa5Ff6Gg';
export const RANDOM = 'Zq9Xw7VbN2kLp4WzR8tYc1vHd3JmQe6T';
