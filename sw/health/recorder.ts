import { recordOf, type Clock, type Store } from '../core/store.js';
import { gatewayOf, newEventId } from '../report/buildReport.js';
import { endpointTemplate } from '../report/endpointTemplate.js';
import type { FailureKind, HealthReport } from '../protocol.js';
import { HealthAggregator, mergeWindows } from './aggregate.js';
import type { BurstScope } from './burst.js';

/** With no request for this long, what was counted so far is stored: a worker the browser stops when idle keeps its counts. */
export const IDLE_SAVE_MS = 5000;

/**
 * Health in the worker: every request counted in memory (a success touches no
 * storage), and what was counted goes into the outbox, in one transaction,
 * when the window closes or the worker goes quiet for IDLE_SAVE_MS, whichever
 * comes first. Windows are histograms and counts, so a window sent in parts
 * adds up to the same thing, and nothing is ever taken back from storage to
 * be sent again: no count is doubled, even with two worker versions at once.
 * A worker stopped by force loses what it counted since it last stored: less
 * than one window's counts.
 */
export class HealthRecorder {
  #agg: HealthAggregator;
  #store: Store;
  #clock: Clock;
  #intervalMs: number;
  #hooks: { stored(): void; internalError(err: unknown): void; newId?: () => string };
  /** Path → template, so each endpoint is templated once. */
  #templates = new Map<string, string>();
  #windowTimer?: () => void;
  #idleTimer?: () => void;
  #lastAt = 0;

  constructor(store: Store, clock: Clock, intervalMs: number, hooks: { stored(): void; internalError(err: unknown): void; newId?: () => string }) {
    this.#store = store;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#hooks = hooks;
    this.#agg = new HealthAggregator(clock.now());
  }

  #template(pathname: string): string {
    let endpoint = this.#templates.get(pathname);
    if (endpoint === undefined) {
      if (this.#templates.size > 500) this.#templates.clear();
      this.#templates.set(pathname, (endpoint = endpointTemplate(pathname)));
    }
    return endpoint;
  }

  /** The burst scopes of a request: its gateway and its endpoint template. */
  scopesOf(url: string): BurstScope[] {
    const u = new URL(url);
    return [
      ['gateway', gatewayOf(u)],
      ['endpoint', this.#template(u.pathname)],
    ];
  }

  /** A request's endpoint template (cached: the same path is templated once). */
  endpoint(url: string): string {
    return this.#template(new URL(url).pathname);
  }

  /** Counts a timed-out request's late answer, beside its timeout. */
  late(url: string): void {
    const u = new URL(url);
    this.#agg.late(u.origin, this.#template(u.pathname), gatewayOf(u));
    this.#touched();
  }

  /** Counts a failure whose write-ahead storage refused (the request itself was counted already). */
  storageFailed(url: string): void {
    const u = new URL(url);
    this.#agg.fail(u.origin, this.#template(u.pathname), gatewayOf(u), 'storage_failed');
    this.#touched();
  }

  /** Counts a request (or, with countRequest false, a failure found after it was counted); returns its scopes. */
  record(url: string, durationMs: number, failure: FailureKind | undefined, countRequest: boolean): BurstScope[] {
    const u = new URL(url);
    const endpoint = this.#template(u.pathname);
    const gateway = gatewayOf(u);
    if (countRequest) this.#agg.record(u.origin, endpoint, gateway, durationMs, failure);
    else if (failure) this.#agg.fail(u.origin, endpoint, gateway, failure);
    this.#touched();
    return [
      ['gateway', gateway],
      ['endpoint', endpoint],
    ];
  }

  #touched(): void {
    this.#lastAt = this.#clock.now();
    this.#arm();
  }

  #arm(): void {
    const now = this.#clock.now();
    this.#windowTimer ??= this.#clock.after(this.#agg.from + this.#intervalMs - now, () => {
      this.#windowTimer = undefined;
      void this.flush();
    });
    this.#idleTimer ??= this.#clock.after(IDLE_SAVE_MS, () => this.#idle());
  }

  #idle(): void {
    this.#idleTimer = undefined;
    const quietFor = this.#clock.now() - this.#lastAt;
    if (quietFor < IDLE_SAVE_MS) {
      this.#idleTimer = this.#clock.after(IDLE_SAVE_MS - quietFor, () => this.#idle());
      return;
    }
    void this.flush();
  }

  /**
   * Stores what was counted so far in the outbox, to the page like any report:
   * added to the health window no page has been offered yet, if there is one,
   * so however long no page is open, at most one such window waits.
   */
  async flush(): Promise<void> {
    const now = this.#clock.now();
    const report = this.#agg.drain(now, (this.#hooks.newId ?? newEventId)());
    if (!report) return;
    try {
      await this.#store.tx(async (tx) => {
        const waiting = (await tx.all()).find((r) => r.report.kind === 'health' && r.leaseUntil === undefined);
        if (!waiting) return tx.put(recordOf(report, '', now));
        mergeWindows(waiting.report as HealthReport, report);
        return tx.put(waiting);
      });
      this.#hooks.stored();
    } catch (err) {
      this.#hooks.internalError(err);
    }
  }
}
