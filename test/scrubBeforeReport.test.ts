/**
 * A user's beforeReport hook (registerMonitorRoute) gets each report last; what
 * it returns is scrubbed again, every field that reaches Sentry as text
 * included. Typechecked with the worker's lib (tsconfig.sw.json), like
 * Monitor.test.ts, since the guard's types come from Monitor.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../sw/report/buildReport.js';
import { guardBeforeReport } from '../sw/report/guardBeforeReport.js';
import { FILTERED } from '../sw/report/scrub.js';
import { KEY, observation, RANDOM } from './scrubFixtures.js';

describe('a beforeReport hook', () => {
  it('has its output scrubbed again: URL, status text, request id, preview and error message', () => {
    const built = buildReport(observation(), { timeoutMs: 1, scrubParams: [] });
    const hook = guardBeforeReport(
      (r) => ({
        ...r,
        url: `${r.url}/${RANDOM}?token=abc`,
        statusText: `Bearer ${RANDOM}`,
        requestId: KEY,
        responsePreview: '{"password":"hunter2"}',
        errorMessage: `failed with ${KEY}`,
      }),
      [],
    );
    const r = hook(built)!;
    expect(r.url).toBe(`https://api.gatewayz.ai/v1/models/${FILTERED}?token=${FILTERED}`);
    expect(r.statusText).toBe(`Bearer ${FILTERED}`);
    expect(r.requestId).toBe(FILTERED);
    expect(r.responsePreview).toBe(`{"password":"${FILTERED}"}`);
    expect(r.errorMessage).toBe(`failed with ${FILTERED}`);
  });
});
