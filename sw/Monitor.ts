/**
 * The composition root: wires the worker's parts together and owns only the
 * counters. `observe/` turns requests into observations (through the
 * `RequestSink` this implements), `report/` turns an observation into a
 * scrubbed report, `quota/` decides what of it leaves, `deliver/` stores and
 * relays it and answers the pages, `health/` aggregates; `core/` holds the
 * types and rules they share. The layers, and which may import which:
 * `.dependency-cruiser.cjs`.
 */
import { IdbStore } from './deliver/idbStore.js';
import { Relay, type Pages } from './deliver/relay.js';
import { recordOf, systemClock, type Clock, type OutboxRecord, type Store } from './core/store.js';
import { swPages } from './deliver/swPages.js';
import type { MonitorConfig } from './config.js';
import type { BeforeReportCallback } from './core/hooks.js';
import { HealthRecorder } from './health/recorder.js';
import { RetryTracker } from './observe/retryTracker.js';
import type { Notice, RequestSink } from './observe/watchRequest.js';
import { zeroStats, type BackendReport, type FailureKind, type FailureNotice, type WorkerStats } from './protocol.js';
import { burstKey, foldKey, QuotaGate, type Decision } from './quota/gate.js';
import { buildReport, newEventId, retryAfterOf, type Observation } from './report/buildReport.js';
import { scrubPreview } from './report/scrub.js';
import { compileRules, type RuleFacts, type RuleHit } from './rules.js';
import { statusCodeOf } from './core/reportRules.js';
import { listenToPages, type WorkerState } from './deliver/pageMessages.js';

declare const self: ServiceWorkerGlobalScope;

export type { BeforeReportCallback };

export interface MonitorOptions {
  config: MonitorConfig;
  beforeReport?: BeforeReportCallback;
  store?: Store;
  clock?: Clock;
  pages?: Pages;
  /** navigator.onLine, by default the worker's. */
  online?: () => boolean;
  /** New event ids, by default random. */
  newId?: () => string;
}

/** Reports held in memory while storage fails, at most; past it, failures are counted on the last one. */
const MAX_HELD = 100;

export class Monitor implements RequestSink {
  readonly config: MonitorConfig;
  readonly retries = new RetryTracker();
  readonly store: Store;
  readonly gate: QuotaGate;
  readonly relay: Relay;
  readonly health: HealthRecorder;
  readonly stats: WorkerStats = zeroStats();
  /** Called after a page's acknowledgement was stored (the kill switch checks whether anything still waits). */
  onDelivered?: () => void;
  #beforeReport?: BeforeReportCallback;
  /** The `rules` option, compiled once: a failure → what the first rule that matches it does. */
  #rules: (facts: RuleFacts) => RuleHit | undefined;
  #clock: Clock;
  #newId: () => string;
  #pages: Pages;
  /** Burst scopes that saw a success since the last failure stored: it ends their sustained-5xx episode. */
  #succeeded = new Set<string>();

  constructor(options: MonitorOptions) {
    this.config = options.config;
    this.#beforeReport = options.beforeReport;
    this.#rules = compileRules(this.config.rules ?? []);
    this.#clock = options.clock ?? systemClock;
    this.#newId = options.newId ?? newEventId;
    this.store = options.store ?? new IdbStore();
    this.gate = new QuotaGate(this.config);
    this.#pages = options.pages ?? swPages;
    this.relay = new Relay({
      store: this.store,
      clock: this.#clock,
      pages: this.#pages,
      gate: this.gate,
      newId: this.#newId,
      online: options.online ?? (() => self.navigator.onLine),
      batchMs: this.config.batchMs,
      batchSize: this.config.batchSize,
      delivered: (n, dropped) => {
        this.stats.delivered += n;
        this.stats.dropped += dropped;
        this.onDelivered?.();
      },
      internalError: (err) => this.internalError(err),
    });
    this.health = new HealthRecorder(this.store, this.#clock, this.config.healthIntervalMs, {
      stored: () => this.relay.added(),
      internalError: (err) => this.internalError(err),
      newId: this.#newId,
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

  watching(): void {
    this.stats.observed++;
  }

  endpointOf(url: string): string {
    return this.health.endpoint(url);
  }

  late(url: string): void {
    this.health.late(url);
  }

  /** Counts one request's outcome for health (in memory: a success touches no storage). */
  observe(url: string, status: number, durationMs: number, failure: FailureKind | undefined, countRequest = true): void {
    try {
      const scopes = this.health.record(url, durationMs, failure, countRequest);
      if (!failure && scopes) for (const s of scopes) this.#succeeded.add(burstKey(s));
    } catch (err) {
      this.internalError(err);
    }
    void status;
  }

  /**
   * The write-ahead step: builds and scrubs the report, lets the quota gate
   * decide, and stores the decision, in one transaction. Resolves when it is
   * committed, with the event id when an event was stored (so its preview can
   * be added), and never rejects.
   */
  async capture(o: Observation, clientId: string, extra?: Partial<BackendReport>, notBefore?: number, noticed?: (n: Notice) => void): Promise<string | undefined> {
    this.stats.failures++;
    this.stats.storing++;
    try {
      let report: BackendReport | null = { ...buildReport(o, this.config, this.#newId()), ...extra };
      // The first rule that matches: no event (health has counted it already), or another level or fingerprint,
      // which also makes it fold apart from the failures no rule changed.
      const hit = this.#rules({ status: statusCodeOf(report.kind, report.status), endpoint: report.endpoint, gateway: report.gateway, method: report.method, kind: report.kind });
      if (hit?.ignore) {
        this.stats.ignored = (this.stats.ignored ?? 0) + 1;
        return undefined;
      }
      if (hit) {
        report.rule = hit.rule;
        if (hit.level) report.level = hit.level;
        report.fingerprintExtra = hit.fingerprint ?? [`level:${hit.level}`];
      }
      if (this.#beforeReport) {
        try {
          report = this.#beforeReport(report);
        } catch (err) {
          this.internalError(err);
        }
      }
      if (!report) return undefined;
      const r = report;
      let now = this.#clock.now();
      const scopes = this.health.scopesOf(o.url);
      const succeeded = new Set(this.#succeeded);
      this.#succeeded.clear();
      let decision: Decision | undefined;
      // What the page that made the request may be told of it: the report's event id only when it is an event of its own.
      const notice = () => noticed?.({ eventId: decision === 'event' ? r.eventId : undefined, method: r.method, url: r.url, endpoint: r.endpoint, kind: r.kind });
      try {
        decision = await this.store.tx(async (tx) => {
          // The time the transaction runs, not when it was asked for (an open may wait): the rate limit counts in order.
          now = this.#clock.now();
          // Who uses the page that made the request: from memory, or read in this same transaction beside the
          // gate's reads (a cold worker pays for its write-ahead and nothing else).
          const page = this.relay.bridgesIn(tx).then((b) => (r.page = b.get(clientId)?.page ?? r.page));
          return this.gate.capture(tx, r, { clientId, now, notBefore, page, burstScopes: scopes, succeeded: (s) => succeeded.has(s), newId: this.#newId });
        });
      } catch (err) {
        // Storage refused (quota, private mode, eviction): the failure is kept in memory and offered at once.
        this.#holdInMemory(r, clientId, now, err);
        notice();
        return undefined;
      }
      notice();
      this.log('captured', decision, r.url);
      if (decision === 'event') this.stats.reported++;
      this.relay.added();
      return decision === 'event' ? r.eventId : undefined;
    } catch (err) {
      this.internalError(err);
      return undefined;
    } finally {
      this.stats.storing--;
    }
  }

  /**
   * A failure whose write-ahead failed: held in memory (folded into one held
   * already for its fingerprint and not yet offered), offered to pages at once,
   * and counted as `storage_failed` in health. Only a worker stopped before a
   * page takes it loses it.
   */
  #holdInMemory(report: BackendReport, clientId: string, now: number, err: unknown): void {
    this.stats.storageFailed++;
    console.warn('[gatewayz-sw-monitor] storage refused a report; held in memory:', err);
    try {
      this.health.storageFailed(report.url || 'about:blank');
      this.stats.reported++;
      this.relay.hold(recordOf(report, clientId, now), foldKey(report), MAX_HELD);
    } catch (e) {
      this.internalError(e);
    }
  }

  /** Tells the tab that made a request that it failed (swPages: a `failed` message to that window); never rejects. */
  async tell(clientId: string, notice: FailureNotice): Promise<void> {
    try {
      await this.#pages.tell?.(clientId, notice);
    } catch (err) {
      this.internalError(err);
    }
  }

  /** The app's own Sentry event of a failed request's rejection, named on the request's stored report unless a page has it. */
  appEvent(eventId: string, appEventId: string): Promise<void> {
    return this.#amend(eventId, ({ report }) => ((report as BackendReport).appEventId = appEventId));
  }

  /** The error body's preview, read after the page got its response: added to the stored report unless a page already has it. */
  addPreview(eventId: string, preview: string | undefined, headers?: { get(name: string): string | null }): Promise<void> {
    const now = this.#clock.now();
    return this.#amend(eventId, (record) => {
      const r = record.report as BackendReport;
      if (preview !== undefined) {
        r.responsePreview = scrubPreview(preview, this.config.previewChars);
        r.retryAfter ??= retryAfterOf(headers, preview);
        if (r.retryAfter === undefined) delete r.retryAfter;
      }
      record.notBefore = now;
    }).then(() => this.relay.flushSoon(this.config.batchMs));
  }

  /**
   * A timed-out request's late answer: its status, and when it came from the
   * request's start, added to the stored timeout report in one transaction,
   * unless a page may already have it (then the report goes as it was).
   */
  addLate(eventId: string, status: number, afterMs: number): Promise<void> {
    return this.#amend(eventId, ({ report }) => Object.assign(report, { lateStatus: status, lateAfterMs: afterMs }));
  }

  /** Changes a stored report in one transaction, unless a page may already have it. Never rejects. */
  async #amend(eventId: string, change: (record: OutboxRecord) => void): Promise<void> {
    try {
      await this.store.tx(async (tx) => {
        const record = await tx.get(eventId);
        // (Only reports' ids come here, never a health window's.)
        if (!record || record.leaseUntil !== undefined) return;
        change(record);
        await tx.put(record);
      });
    } catch (err) {
      this.internalError(err);
    }
  }

  async currentStats(): Promise<WorkerStats> {
    let pending = -1;
    try {
      // Reports waiting (a health window waiting beside them is not one).
      pending = (await this.store.tx((tx) => tx.all())).filter((r) => r.report.kind !== 'health').length;
    } catch (err) {
      this.internalError(err);
    }
    return { ...this.stats, pending: pending + this.relay.held, flushing: this.relay.busy };
  }

  /** Answers the pages' messages and takes part in updates (`deliver/pageMessages.ts`). */
  listen(info: WorkerState): void {
    listenToPages(this, info);
  }
}
