import type { Clock, Store } from '../deliver/store.js';
import { recordOf } from '../quota/gate.js';
import { gatewayOf, newEventId } from '../report/buildReport.js';
import { endpointTemplate } from '../report/endpointTemplate.js';
import type { FailureKind } from '../protocol.js';
import { HealthAggregator, mergeBuckets, type HealthSeries } from './aggregate.js';

/** With no request for this long, the window so far is saved: a worker the browser stops when idle keeps its counts. */
export const IDLE_SAVE_MS = 5000;

interface Saved {
  from: number;
  series: HealthSeries[];
}

/**
 * Health in the worker: every request counted in memory (a success touches no
 * storage), the window sent through the outbox when it closes, and saved when
 * the worker goes quiet. A worker stopped before either loses at most the
 * requests since the last save: less than one window's counts.
 */
export class HealthRecorder {
  #agg: HealthAggregator;
  #store: Store;
  #clock: Clock;
  #intervalMs: number;
  #hooks: { stored(): void; internalError(err: unknown): void };
  /** Path → template, so each endpoint is templated once. */
  #templates = new Map<string, string>();
  #windowTimer?: () => void;
  #idleTimer?: () => void;
  #lastAt = 0;
  #dirty = false;
  #restored: Promise<void>;

  constructor(store: Store, clock: Clock, intervalMs: number, hooks: { stored(): void; internalError(err: unknown): void }) {
    this.#store = store;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#hooks = hooks;
    this.#agg = new HealthAggregator(clock.now());
    // What an earlier run of the worker saved joins this window.
    this.#restored = store
      .tx((tx) => tx.getMeta<Saved>('health'))
      .then((saved) => {
        if (!saved || saved.series.length === 0) return;
        this.#agg.from = Math.min(this.#agg.from, saved.from);
        for (const s of saved.series) {
          const key = `${s.origin} ${s.endpoint} ${s.gateway}`;
          const mine = this.#agg.series.get(key);
          if (!mine) this.#agg.series.set(key, s);
          else {
            mine.requests += s.requests;
            for (const [k, n] of Object.entries(s.failures)) mine.failures[k as FailureKind] = (mine.failures[k as FailureKind] ?? 0) + n!;
            if (s.late) mine.late = (mine.late ?? 0) + s.late;
            mergeBuckets(mine.buckets, s.buckets);
          }
        }
        this.#arm();
      })
      .catch((err: unknown) => hooks.internalError(err));
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
  scopesOf(url: string): Array<['gateway' | 'endpoint', string]> {
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

  /** Counts a request (or, with countRequest false, a failure found after it was counted); returns its scopes. */
  record(url: string, durationMs: number, failure: FailureKind | undefined, countRequest: boolean): Array<['gateway' | 'endpoint', string]> {
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
    this.#dirty = true;
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
    if (!this.#dirty) return;
    this.#dirty = false;
    const saved: Saved = { from: this.#agg.from, series: [...this.#agg.series.values()] };
    this.#store.tx((tx) => tx.putMeta('health', saved)).catch((err: unknown) => this.#hooks.internalError(err));
  }

  /** Ends the window: its aggregates go into the outbox, to the page like any report, in one transaction. */
  async flush(): Promise<void> {
    try {
      await this.#restored;
      const now = this.#clock.now();
      const report = this.#agg.drain(now, newEventId());
      this.#dirty = false;
      await this.#store.tx(async (tx) => {
        await tx.putMeta('health', { from: now, series: [] } satisfies Saved);
        if (report) await tx.put(recordOf(report, '', now));
      });
      if (report) this.#hooks.stored();
    } catch (err) {
      this.#hooks.internalError(err);
    }
  }
}
