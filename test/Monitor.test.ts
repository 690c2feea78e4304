/**
 * The worker's bookkeeping, pure: folding, the rate limit, the outbox cap and
 * the user's beforeReport hook, against an in-memory outbox (a test double for
 * IndexedDB; the real one is exercised in e2e/).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Observation } from '../sw/buildReport.js';
import { DEFAULT_CONFIG, type MonitorConfig } from '../sw/config.js';
import { Monitor } from '../sw/Monitor.js';
import { guardBeforeReport } from '../sw/guardBeforeReport.js';
import type { Outbox, OutboxRecord } from '../sw/outbox.js';
import type { BackendReport } from '../sw/protocol.js';
import type { ThrottleState } from '../sw/throttle.js';

class MemoryOutbox implements Outbox {
  records = new Map<string, OutboxRecord>();
  async put(r: OutboxRecord) {
    this.records.set(r.eventId, structuredClone(r));
  }
  async get(id: string) {
    const r = this.records.get(id);
    return r && structuredClone(r);
  }
  async update(id: string, change: (r: OutboxRecord) => void) {
    const r = this.records.get(id);
    if (r) change(r);
    return !!r;
  }
  async all(): Promise<OutboxRecord[]> {
    return [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt).map((r) => structuredClone(r));
  }
  async delete(ids: string[]) {
    ids.forEach((id) => this.records.delete(id));
  }
  async count() {
    return this.records.size;
  }
  async shiftOldest(n: number) {
    const oldest = (await this.all()).slice(0, n);
    await this.delete(oldest.map((r) => r.eventId));
    return oldest;
  }
  meta = new Map<string, unknown>();
  get throttle(): ThrottleState | undefined {
    return this.meta.get('throttle') as ThrottleState | undefined;
  }
  async getMeta<T>(key: string) {
    return structuredClone(this.meta.get(key)) as T | undefined;
  }
  async putMeta(key: string, value: unknown) {
    this.meta.set(key, structuredClone(value));
  }
  /** The failure reports (not health windows), oldest first. */
  async reports(): Promise<Array<OutboxRecord & { report: BackendReport }>> {
    return (await this.all()).filter((r): r is OutboxRecord & { report: BackendReport } => r.report.kind !== 'health');
  }
}

const observation = (path: string, status = 503): Observation => ({
  classification: { kind: 'http_error', level: status >= 500 ? 'error' : 'warning' },
  method: 'GET',
  url: `https://api.gatewayz.ai${path}`,
  status,
  statusText: '',
  startedAt: Date.now(),
  endedAt: Date.now(),
  retryCount: 0,
  online: true,
});

function monitor(config: Partial<MonitorConfig> = {}, extra: Partial<ConstructorParameters<typeof Monitor>[0]> = {}) {
  const outbox = new MemoryOutbox();
  const m = new Monitor({ config: { ...DEFAULT_CONFIG, ...config }, outbox, ...extra });
  return { m, outbox };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  // The worker globals the monitor touches, with no page open: batches wait.
  vi.stubGlobal('self', { navigator: { onLine: true }, clients: { matchAll: async () => [] }, location: { origin: 'https://app.example' } });
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('Monitor', () => {
  it('folds the same failure within the window into one record that counts them', async () => {
    const { m, outbox } = monitor();
    for (let i = 0; i < 5; i++) {
      await m.record(observation('/v1/models'), 'c1');
      vi.advanceTimersByTime(1000);
    }
    const records = await outbox.reports();
    expect(records.map((r) => [r.report.occurrences, !!r.folding])).toEqual([
      [1, false],
      [4, true],
    ]);
    const fold = records[1]!;
    expect(fold.notBefore).toBe(Date.parse('2026-01-01T00:01:00Z'));
    expect(fold.report.lastSeen - fold.report.firstSeen).toBe(3000);
  });

  it('lets at most maxEventsPerMinute out, counts the rest, and hands the count to the next report', async () => {
    const { m, outbox } = monitor({ maxEventsPerMinute: 10 });
    for (let i = 0; i < 15; i++) await m.record(observation(`/v1/x${'abcdefghijklmno'[i]}`), 'c1');
    expect(await outbox.count()).toBe(10);
    expect(outbox.throttle?.heldBack).toBe(5);
    vi.advanceTimersByTime(61_000);
    await m.record(observation('/v1/later'), 'c1');
    const later = (await outbox.reports()).find((r) => r.report.endpoint === '/v1/later')!;
    expect(later.report.heldBack).toBe(5);
    expect(outbox.throttle?.heldBack).toBe(0);
  });

  it('past the outbox cap, folds the oldest into the held-back count', async () => {
    const { m, outbox } = monitor({ maxEventsPerMinute: 100 }, { outboxCap: 5 });
    for (let i = 0; i < 8; i++) await m.record(observation(`/v1/y${'abcdefgh'[i]}`), 'c1');
    expect(await outbox.count()).toBe(5);
    expect((await outbox.reports()).map((r) => r.report.endpoint)).toEqual(['/v1/yd', '/v1/ye', '/v1/yf', '/v1/yg', '/v1/yh']);
    // Every failure is still counted: by a stored report, by the count one carries, or by the count waiting to go.
    const records = await outbox.reports();
    const carried = records.reduce((n, r) => n + r.report.occurrences + (r.report.heldBack ?? 0), 0);
    expect(carried + (outbox.throttle?.heldBack ?? 0)).toBe(8);
  });

  it('a beforeReport hook that throws is counted and the report kept as built', async () => {
    const { m, outbox } = monitor({}, { beforeReport: () => { throw new Error('user bug'); } });
    await m.record(observation('/v1/models'), 'c1');
    expect(m.stats.internalErrors).toBe(1);
    expect((await outbox.reports())[0]?.report.endpoint).toBe('/v1/models');
  });

  it('what beforeReport returns (through registerMonitorRoute\'s guard) is scrubbed again; null drops the report', async () => {
    const hook = guardBeforeReport(
      (r) => (r.endpoint === '/v1/drop' ? null : { ...r, responsePreview: 'leaked sk-live-abcdefghijklmnop1234', url: `${r.url}?token=abc` }),
      [],
    );
    const { m, outbox } = monitor({ dedupeWindowMs: 0 }, { beforeReport: hook });
    await m.record(observation('/v1/keep'), 'c1');
    await m.record(observation('/v1/drop'), 'c1');
    const records = await outbox.reports();
    expect(records).toHaveLength(1);
    expect(records[0]!.report.responsePreview).toBe('leaked [Filtered]');
    expect(records[0]!.report.url).toBe('https://api.gatewayz.ai/v1/keep?token=[Filtered]');
  });

  it('a hook that returns something that is not a report leaves the report as built', async () => {
    const { m, outbox } = monitor({}, { beforeReport: guardBeforeReport(() => ({ nonsense: true }) as never, []) });
    await m.record(observation('/v1/models'), 'c1');
    expect((await outbox.reports())[0]?.report.endpoint).toBe('/v1/models');
  });
});
