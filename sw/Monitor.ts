import type { BurstAlert } from './burst.js';
import { BurstDetector } from './burst.js';
import { buildReport, gatewayOf, newEventId, type Observation } from './buildReport.js';
import type { MonitorConfig } from './config.js';
import { endpointTemplate } from './endpointTemplate.js';
import { HealthAggregator, type HealthReport, type HealthSeries } from './health.js';
import { IdbOutbox, type Outbox, type OutboxRecord } from './outbox.js';
import { parsePageMessage, PROTOCOL_VERSION, workerMessage, zeroStats, type BackendReport, type FailureKind, type WorkerStats } from './protocol.js';
import { Relay } from './relay.js';
import { RetryTracker } from './retryTracker.js';
import { foldKey, RateLimiter, type ThrottleState } from './throttle.js';

declare const self: ServiceWorkerGlobalScope;

/** Past this many stored reports, the oldest are folded into the held-back count. */
export const OUTBOX_CAP = 1000;
/** The health window in progress is saved this often at most, so a stopped worker loses little. */
const HEALTH_SAVE_MS = 2000;

/**
 * A user's last word on a report before it is stored: return it (changed or
 * not), or null to drop it. A hook that throws is counted and the report kept.
 * (`registerMonitorRoute` wraps a user's hook so what it returns is checked and
 * scrubbed again.)
 */
export type BeforeReportCallback = (report: BackendReport) => BackendReport | null;

export interface MonitorOptions {
  config: MonitorConfig;
  beforeReport?: BeforeReportCallback;
  outbox?: Outbox;
  outboxCap?: number;
}

interface SavedHealth {
  from: number;
  series: HealthSeries[];
}

/**
 * The worker's state: counters, retry inference, quota protection, health
 * aggregates, burst alerts, the outbox and the relay. One per worker; the
 * Workbox plugin feeds it observations.
 */
export class Monitor {
  readonly config: MonitorConfig;
  readonly retries = new RetryTracker();
  readonly outbox: Outbox;
  readonly relay: Relay;
  readonly stats: WorkerStats = zeroStats();
  #beforeReport?: BeforeReportCallback;
  #outboxCap: number;
  /** Open fold windows: fingerprint → when the window ends and the record collecting its duplicates. */
  #folds = new Map<string, { windowEnd: number; recordId?: string }>();
  #limiter?: RateLimiter;
  /** Records are stored one at a time, so folding never races itself. */
  #queue: Promise<unknown> = Promise.resolve();
  #health?: HealthAggregator;
  #healthSavedAt = 0;
  #healthTimer?: ReturnType<typeof setTimeout>;
  #bursts: BurstDetector;
  /** Path → template, so the success path templates each endpoint once. */
  #templates = new Map<string, string>();

  constructor(options: MonitorOptions) {
    this.config = options.config;
    this.#beforeReport = options.beforeReport;
    this.outbox = options.outbox ?? new IdbOutbox();
    this.#outboxCap = options.outboxCap ?? OUTBOX_CAP;
    this.#bursts = new BurstDetector(this.config.burstPerMinute, this.config.sustained5xxMs);
    this.relay = new Relay(this.outbox, this.config, {
      delivered: (n) => {
        this.stats.delivered += n;
      },
      prepare: (due) => this.#serial(() => this.#prepare(due)),
      nextWakeAt: (now) => (this.#limiter && this.#limiter.state.heldBack > 0 ? this.#limiter.nextSlotAt(now) : undefined),
      internalError: (err) => this.internalError(err),
    });
  }

  log(...args: unknown[]): void {
    if (this.config.debug) console.debug('[gatewayz-sw-monitor]', ...args);
  }

  /** Every exception inside the monitor ends here: counted, logged, never rethrown. */
  internalError(err: unknown): void {
    this.stats.internalErrors++;
    console.warn('[gatewayz-sw-monitor] internal error (request unaffected):', err);
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** The rate limiter and the health window, with what an earlier run of the worker left in IndexedDB. */
  async #restore(): Promise<RateLimiter> {
    if (!this.#limiter) {
      let saved: ThrottleState | undefined;
      try {
        saved = await this.outbox.getMeta<ThrottleState>('throttle');
        // Fold windows that were open when the worker stopped stay open.
        for (const r of await this.outbox.all()) {
          if (r.folding && r.notBefore > Date.now()) this.#folds.set(r.folding, { windowEnd: r.notBefore, recordId: r.eventId });
        }
      } catch (err) {
        this.internalError(err);
      }
      this.#limiter ??= new RateLimiter(this.config.maxEventsPerMinute, saved ?? { admitted: [], heldBack: 0 });
    }
    return this.#limiter;
  }

  async #healthWindow(): Promise<HealthAggregator> {
    if (!this.#health) {
      const saved = await this.outbox.getMeta<SavedHealth>('health').catch(() => undefined);
      const h = (this.#health ??= new HealthAggregator(saved?.from ?? Date.now()));
      for (const s of saved?.series ?? []) h.series.set(`${s.origin} ${s.endpoint} ${s.gateway}`, s);
    }
    return this.#health;
  }

  /**
   * Counts one request's outcome for health and bursts: its latency, and its
   * failure kind if it failed. The only work done for a success.
   */
  observe(url: string, status: number, durationMs: number, failure: FailureKind | undefined, clientId: string, countRequest = true): Promise<void> {
    const health = this.#health;
    // Once, when the worker starts: take over the window an earlier run saved.
    if (!health) return this.#serial(() => this.#healthWindow()).then(() => this.observe(url, status, durationMs, failure, clientId, countRequest), (err: unknown) => this.internalError(err));
    try {
      // In memory and synchronous: a success costs a URL parse and a few map lookups.
      const u = new URL(url);
      const endpoint = this.#template(u.pathname);
      const gateway = gatewayOf(u);
      if (countRequest) health.record(u.origin, endpoint, gateway, durationMs, failure);
      else if (failure) health.fail(u.origin, endpoint, gateway, failure);
      const scopes: Array<[BurstAlert['scope'], string]> = [['gateway', gateway], ['endpoint', endpoint]];
      const now = Date.now();
      let alerts: BurstAlert[] = [];
      if (failure) alerts = this.#bursts.failure(scopes, status >= 500, now);
      else this.#bursts.success(scopes);
      this.#scheduleHealth(health, now);
      const save = now - this.#healthSavedAt >= HEALTH_SAVE_MS;
      if (save) this.#healthSavedAt = now;
      if (alerts.length === 0 && !save) return Promise.resolve();
      return this.#serial(async () => {
        for (const alert of alerts) await this.#storeBurst(alert, clientId, now);
        if (save) await this.outbox.putMeta('health', { from: health.from, series: [...health.series.values()] } satisfies SavedHealth);
      }).catch((err: unknown) => this.internalError(err));
    } catch (err) {
      this.internalError(err);
      return Promise.resolve();
    }
  }

  /** Path → template, cached: each endpoint is templated once. */
  #template(pathname: string): string {
    let endpoint = this.#templates.get(pathname);
    if (endpoint === undefined) {
      if (this.#templates.size > 500) this.#templates.clear();
      this.#templates.set(pathname, (endpoint = endpointTemplate(pathname)));
    }
    return endpoint;
  }

  /**
   * Whether a failure would be folded into one already counted: then its body
   * is not worth reading (in a storm, most failures are such duplicates).
   */
  wouldFold(method: string, url: string, status: number): boolean {
    const fold = this.#folds.get(foldKey({ method, endpoint: this.#template(new URL(url).pathname), kind: 'http_error', status }));
    return !!fold && Date.now() < fold.windowEnd && this.config.dedupeWindowMs > 0;
  }

  #scheduleHealth(health: HealthAggregator, now: number): void {
    if (this.#healthTimer !== undefined) return;
    this.#healthTimer = setTimeout(() => {
      this.#healthTimer = undefined;
      void this.flushHealth();
    }, Math.max(0, health.from + this.config.healthIntervalMs - now));
  }

  /** Ends the health window: its aggregates go into the outbox, to the page like any report. */
  flushHealth(): Promise<void> {
    return this.#serial(async () => {
      const now = Date.now();
      const report = (await this.#healthWindow()).drain(now, newEventId());
      await this.outbox.putMeta('health', { from: now, series: [] } satisfies SavedHealth);
      if (!report) return;
      await this.outbox.put(recordOf(report, '', now));
      this.relay.added();
    }).catch((err: unknown) => this.internalError(err));
  }

  /** A burst alert: once per episode, so it passes neither the fold nor the rate limit. */
  async #storeBurst(alert: BurstAlert, clientId: string, now: number): Promise<void> {
    const report: BackendReport = {
      ...summary('burst', 'error', now),
      endpoint: alert.scope === 'endpoint' ? alert.key : '*',
      gateway: alert.scope === 'gateway' ? alert.key : 'all',
      burst: alert,
    };
    await this.outbox.put(recordOf(report, clientId, now));
    this.relay.added();
  }

  /**
   * Builds, scrubs, folds, stores and schedules a failure report. Never throws.
   * The observation may still be in the making (an error body being read): the
   * failure counts as `storing` from the moment it is seen.
   */
  record(observation: Observation | Promise<Observation>, clientId: string, extra?: Partial<BackendReport>): Promise<void> {
    this.stats.failures++;
    this.stats.storing++;
    return Promise.resolve(observation)
      .then((o) =>
        this.#serial(async () => {
          let report: BackendReport | null = { ...buildReport(o, this.config), ...extra };
          if (this.#beforeReport) {
            try {
              report = this.#beforeReport(report);
            } catch (err) {
              this.internalError(err);
            }
          }
          if (report) await this.#store(report, clientId);
        }),
      )
      .catch((err: unknown) => this.internalError(err))
      .finally(() => this.stats.storing--);
  }

  async #store(report: BackendReport, clientId: string): Promise<void> {
    const limiter = await this.#restore();
    const now = Date.now();
    const key = foldKey(report);
    const fold = this.#folds.get(key);
    if (fold && now < fold.windowEnd && this.config.dedupeWindowMs > 0) {
      // A duplicate within the window: counted on the one record that stands for them all.
      const updated =
        fold.recordId &&
        (await this.outbox.update(fold.recordId, (r) => {
          if (r.report.kind === 'health') return;
          r.report.occurrences += report.occurrences;
          r.report.lastSeen = report.lastSeen;
          r.report.retryCount = Math.max(r.report.retryCount, report.retryCount);
        }));
      if (!updated) {
        fold.recordId = report.eventId;
        await this.#put({ ...recordOf(report, clientId, now, fold.windowEnd), folding: key });
      }
      this.relay.wakeAt(fold.windowEnd);
      return;
    }
    this.#folds.set(key, { windowEnd: now + this.config.dedupeWindowMs });
    if (this.#folds.size > 1000) for (const [k, f] of this.#folds) if (f.windowEnd <= now) this.#folds.delete(k);
    if (!limiter.tryAdmit(now)) {
      limiter.hold(report.occurrences);
      await this.outbox.putMeta('throttle', limiter.state);
      this.relay.wakeAt(limiter.nextSlotAt(now));
      return;
    }
    const heldBack = limiter.takeHeldBack();
    if (heldBack) report.heldBack = heldBack;
    await this.outbox.putMeta('throttle', limiter.state);
    await this.#put(recordOf(report, clientId, now));
    this.log('queued', report.kind, report.method, report.url, report.status);
    this.relay.added();
  }

  /** Stores a record; past the cap, the oldest become part of the held-back count instead. */
  async #put(record: OutboxRecord): Promise<void> {
    await this.outbox.put(record);
    this.stats.reported++;
    const excess = (await this.outbox.count()) - this.#outboxCap;
    if (excess > 0) {
      const dropped = await this.outbox.shiftOldest(excess);
      const limiter = await this.#restore();
      for (const { report, eventId } of dropped) {
        if (report.kind !== 'health') limiter.hold(report.occurrences + (report.heldBack ?? 0));
        for (const f of this.#folds.values()) if (f.recordId === eventId) f.recordId = undefined;
      }
      await this.outbox.putMeta('throttle', limiter.state);
    }
  }

  /**
   * Called by the relay with what is due, before a batch goes out: a fold whose
   * window has ended must pass the rate limit like any report; and a held-back
   * count with nothing to ride on goes out as a summary of its own.
   */
  async #prepare(due: OutboxRecord[]): Promise<OutboxRecord[]> {
    const limiter = await this.#restore();
    const now = Date.now();
    const out: OutboxRecord[] = [];
    let changed = false;
    for (const r of due) {
      if (!r.folding || r.report.kind === 'health') {
        out.push(r);
        continue;
      }
      changed = true;
      const f = this.#folds.get(r.folding);
      if (f?.recordId === r.eventId) this.#folds.delete(r.folding);
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
      const report: BackendReport = { ...summary('rate_limited', 'warning', now), heldBack: limiter.takeHeldBack() };
      const record = recordOf(report, '', now);
      await this.outbox.put(record);
      out.push(record);
    }
    if (changed) await this.outbox.putMeta('throttle', limiter.state);
    return out;
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

function recordOf(report: BackendReport | HealthReport, clientId: string, now: number, notBefore = now): OutboxRecord {
  return { eventId: report.eventId, report, clientId, createdAt: now, attempts: 0, notBefore };
}

/** A report that stands for no single request: a held-back count, a burst alert. */
function summary(kind: FailureKind, level: BackendReport['level'], now: number): BackendReport {
  return {
    eventId: newEventId(),
    kind,
    level,
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
  const stats = async () => (monitor ? monitor.currentStats() : zeroStats());
  const work = (async () => {
    switch (msg.type) {
      case 'hello':
        port?.postMessage(workerMessage('hello', { ...info(), protocol: PROTOCOL_VERSION }));
        await monitor?.relay.flush(source.id);
        break;
      case 'stats':
        port?.postMessage(workerMessage('stats', await stats()));
        break;
      case 'flush':
        await monitor?.relay.flush(source.id);
        port?.postMessage(workerMessage('stats', await stats()));
        break;
      case 'scope': // stored with reports: see the delivery core
      case 'ack':
        break; // acks arrive on a batch's own port, never here
    }
  })().catch((err: unknown) => monitor?.internalError(err));
  event.waitUntil(work);
}
