import { buildReport, newEventId, type Observation } from './buildReport.js';
import type { MonitorConfig } from './config.js';
import { IdbOutbox, type Outbox, type OutboxRecord } from './outbox.js';
import { isBackendReport, parsePageMessage, PROTOCOL_VERSION, workerMessage, type BackendReport, type WorkerStats } from './protocol.js';
import { scrubText, scrubUrl } from './scrub.js';
import { Relay } from './relay.js';
import { RetryTracker } from './retryTracker.js';
import { foldKey, RateLimiter } from './throttle.js';

declare const self: ServiceWorkerGlobalScope;

/** Past this many stored reports, the oldest are folded into the held-back count. */
export const OUTBOX_CAP = 1000;

/**
 * A user's last word on a report before it is stored: return it (changed or
 * not), or null to drop it. A hook that throws is counted and the report kept
 * as it was. What it returns is scrubbed again, so a hook cannot leak a secret.
 */
export type BeforeReportCallback = (report: BackendReport) => BackendReport | null;

export interface MonitorOptions {
  config: MonitorConfig;
  beforeReport?: BeforeReportCallback;
  outbox?: Outbox;
  outboxCap?: number;
}

/**
 * The worker's state: counters, retry inference, quota protection, the outbox
 * and the relay. One per worker; the Workbox plugin feeds it observations.
 */
export class Monitor {
  readonly config: MonitorConfig;
  readonly retries = new RetryTracker();
  readonly outbox: Outbox;
  readonly relay: Relay;
  readonly stats: WorkerStats = { fetchEvents: 0, observed: 0, failures: 0, reported: 0, delivered: 0, internalErrors: 0, pending: 0 };
  private readonly beforeReport?: BeforeReportCallback;
  private readonly outboxCap: number;
  /** Open fold windows: fingerprint → when the window ends and the record collecting its duplicates. */
  private readonly folds = new Map<string, { windowEnd: number; recordId?: string }>();
  private limiter?: RateLimiter;
  /** Records are stored one at a time, so folding never races itself. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: MonitorOptions) {
    this.config = options.config;
    this.beforeReport = options.beforeReport;
    this.outbox = options.outbox ?? new IdbOutbox();
    this.outboxCap = options.outboxCap ?? OUTBOX_CAP;
    this.relay = new Relay(this.outbox, this.config, {
      delivered: (n) => {
        this.stats.delivered += n;
      },
      prepare: (due) => this.serial(() => this.prepare(due)),
      nextWakeAt: (now) => this.nextWakeAt(now),
      internalError: (err) => this.internalError(err),
      log: (...args) => this.log(...args),
    });
  }

  log(...args: unknown[]): void {
    if (this.config.debug) console.debug('[gatewayz-sw-monitor]', ...args);
  }

  /** Every exception inside the monitor ends here: counted, logged, never rethrown. */
  internalError(err: unknown): void {
    this.stats.internalErrors++;
    console.warn('[gatewayz-sw-monitor] internal error (the request was not affected):', err);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  /** The rate limiter, with what an earlier run of the worker left in IndexedDB. */
  private async rate(): Promise<RateLimiter> {
    if (!this.limiter) {
      let saved;
      try {
        saved = await this.outbox.getThrottle();
        // Fold windows that were open when the worker stopped stay open.
        for (const r of await this.outbox.all()) {
          if (r.folding && r.notBefore > Date.now()) this.folds.set(r.folding, { windowEnd: r.notBefore, recordId: r.eventId });
        }
      } catch (err) {
        this.internalError(err);
      }
      this.limiter ??= new RateLimiter(this.config.maxEventsPerMinute, saved ?? { admitted: [], heldBack: 0 });
    }
    return this.limiter;
  }

  /** Builds, scrubs, folds, stores and schedules a report. Never throws. */
  record(observation: Observation, clientId: string): Promise<void> {
    this.stats.failures++;
    return this.serial(async () => {
      let report: BackendReport | null = buildReport(observation, this.config);
      if (this.beforeReport) {
        const built = report;
        try {
          const returned = this.beforeReport(structuredClone(built));
          report = returned && isBackendReport(returned) ? rescrub(returned, this.config.scrubParams) : returned === null ? null : built;
        } catch (err) {
          this.internalError(err);
          report = built;
        }
      }
      if (!report) return;
      await this.store(report, clientId);
    }).catch((err: unknown) => this.internalError(err));
  }

  private async store(report: BackendReport, clientId: string): Promise<void> {
    const limiter = await this.rate();
    const now = Date.now();
    const key = foldKey(report);
    const fold = this.folds.get(key);
    if (fold && now < fold.windowEnd && this.config.dedupeWindowMs > 0) {
      // A duplicate within the window: counted on the one record that stands for them all.
      const existing = fold.recordId ? await this.outbox.get(fold.recordId) : undefined;
      if (existing) {
        existing.report.occurrences += report.occurrences;
        existing.report.lastSeen = report.lastSeen;
        existing.report.retryCount = Math.max(existing.report.retryCount, report.retryCount);
        await this.outbox.put(existing);
      } else {
        fold.recordId = report.eventId;
        await this.put({ eventId: report.eventId, report, clientId, createdAt: now, attempts: 0, notBefore: fold.windowEnd, folding: key });
      }
      this.log('folded', key);
      this.relay.wakeAt(fold.windowEnd);
      return;
    }
    this.folds.set(key, { windowEnd: now + this.config.dedupeWindowMs });
    if (this.folds.size > 1000) this.pruneFolds(now);
    if (!limiter.tryAdmit(now)) {
      limiter.hold(report.occurrences);
      await this.outbox.putThrottle(limiter.state);
      this.log('held back by the rate limit', key);
      this.relay.wakeAt(limiter.nextSlotAt(now));
      return;
    }
    const heldBack = limiter.takeHeldBack();
    if (heldBack) report.heldBack = heldBack;
    await this.outbox.putThrottle(limiter.state);
    await this.put({ eventId: report.eventId, report, clientId, createdAt: now, attempts: 0, notBefore: now });
    this.log('queued', report.kind, report.method, report.url, report.status);
    this.relay.added();
  }

  private pruneFolds(now: number): void {
    for (const [k, f] of this.folds) if (f.windowEnd <= now) this.folds.delete(k);
  }

  /** Stores a record; past the cap, the oldest become part of the held-back count instead. */
  private async put(record: OutboxRecord): Promise<void> {
    await this.outbox.put(record);
    this.stats.reported++;
    const excess = (await this.outbox.count()) - this.outboxCap;
    if (excess > 0) {
      const dropped = await this.outbox.shiftOldest(excess);
      const limiter = await this.rate();
      for (const r of dropped) {
        limiter.hold(r.report.occurrences + (r.report.heldBack ?? 0));
        for (const f of this.folds.values()) if (f.recordId === r.eventId) f.recordId = undefined;
      }
      await this.outbox.putThrottle(limiter.state);
      this.log(`outbox over its cap of ${this.outboxCap}: ${dropped.length} oldest folded into the held-back count`);
    }
  }

  /**
   * Called by the relay with what is due, before a batch goes out: a fold whose
   * window has ended must pass the rate limit like any report; and a held-back
   * count with nothing to ride on goes out as a summary of its own.
   */
  private async prepare(due: OutboxRecord[]): Promise<OutboxRecord[]> {
    const limiter = await this.rate();
    const now = Date.now();
    const out: OutboxRecord[] = [];
    let changed = false;
    for (const r of due) {
      if (!r.folding) {
        out.push(r);
        continue;
      }
      changed = true;
      const f = this.folds.get(r.folding);
      if (f?.recordId === r.eventId) this.folds.delete(r.folding);
      if (limiter.tryAdmit(now)) {
        delete r.folding;
        const heldBack = limiter.takeHeldBack();
        if (heldBack) r.report.heldBack = (r.report.heldBack ?? 0) + heldBack;
        await this.outbox.put(r);
        out.push(r);
      } else {
        limiter.hold(r.report.occurrences + (r.report.heldBack ?? 0));
        await this.outbox.delete([r.eventId]);
      }
    }
    if (limiter.state.heldBack > 0 && limiter.tryAdmit(now)) {
      changed = true;
      const summary = heldBackSummary(limiter.takeHeldBack(), now);
      const record = { eventId: summary.eventId, report: summary, clientId: '', createdAt: now, attempts: 0, notBefore: now };
      await this.outbox.put(record);
      out.push(record);
    }
    if (changed) await this.outbox.putThrottle(limiter.state);
    return out;
  }

  private nextWakeAt(now: number): number | undefined {
    return this.limiter && this.limiter.state.heldBack > 0 ? this.limiter.nextSlotAt(now) : undefined;
  }

  async currentStats(): Promise<WorkerStats> {
    let pending = -1;
    try {
      pending = await this.outbox.count();
    } catch (err) {
      this.internalError(err);
    }
    return { ...this.stats, pending };
  }

  /** Answers the pages' messages: hello (then sends them what waits), stats, flush. */
  listen(info: () => { version: string; observing: boolean; configErrors: string[] }): void {
    self.addEventListener('message', (event) => handlePageMessage(this, event, info));
  }
}

/** The text fields of a report a user's hook returned, scrubbed again. */
function rescrub(r: BackendReport, scrubParams: readonly string[]): BackendReport {
  r.url = scrubUrl(r.url, scrubParams);
  r.gateway = scrubText(r.gateway);
  r.endpoint = scrubText(r.endpoint);
  if (r.responsePreview !== undefined) r.responsePreview = scrubText(r.responsePreview);
  if (r.errorMessage !== undefined) r.errorMessage = scrubText(r.errorMessage);
  return r;
}

function heldBackSummary(heldBack: number, now: number): BackendReport {
  return {
    eventId: newEventId(),
    kind: 'rate_limited',
    level: 'warning',
    method: '*',
    url: '',
    endpoint: '*',
    gateway: 'all',
    status: 0,
    statusText: '',
    retryCount: 0,
    durationMs: 0,
    startedAt: now,
    online: self.navigator.onLine,
    occurrences: 0,
    heldBack,
    firstSeen: now,
    lastSeen: now,
  };
}

export function handlePageMessage(
  monitor: Monitor | undefined,
  event: ExtendableMessageEvent,
  info: () => { version: string; observing: boolean; configErrors: string[] },
): void {
  // Only this site's own pages may talk to the worker.
  if (event.origin !== self.location.origin || !(event.source instanceof Client)) return;
  const msg = parsePageMessage(event.data);
  const port = event.ports[0];
  if (!msg) return;
  const source = event.source;
  const work = (async () => {
    switch (msg.type) {
      case 'hello':
        port?.postMessage(workerMessage('hello', { ...info(), protocol: PROTOCOL_VERSION }));
        await monitor?.relay.flush(source.id);
        break;
      case 'stats':
        port?.postMessage(workerMessage('stats', monitor ? await monitor.currentStats() : emptyStats()));
        break;
      case 'flush':
        await monitor?.relay.flush(source.id);
        port?.postMessage(workerMessage('stats', monitor ? await monitor.currentStats() : emptyStats()));
        break;
      case 'ack':
        break; // acks arrive on a batch's own port, never here
    }
  })().catch((err: unknown) => monitor?.internalError(err));
  event.waitUntil(work);
}

function emptyStats(): WorkerStats {
  return { fetchEvents: 0, observed: 0, failures: 0, reported: 0, delivered: 0, internalErrors: 0, pending: 0 };
}
