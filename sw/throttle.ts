/**
 * Quota protection, pure: the seed's budget of about 10 events a minute from a
 * client, with the same failure within 60 s folded into one. Nothing is
 * dropped without a number: what the limit holds back is counted, and the
 * count rides on the next report that goes out.
 */
import type { BackendReport } from './protocol.js';

export const RATE_WINDOW_MS = 60_000;

/** The same key makes the same Sentry issue: DESIGN.md's fingerprint. */
export function foldKey(r: Pick<BackendReport, 'method' | 'endpoint' | 'kind' | 'status'>): string {
  return `${r.method} ${r.endpoint} ${r.kind === 'http_error' || r.kind === 'stream_error' ? r.status : r.kind}`;
}

/** What survives a worker restart (kept in IndexedDB beside the outbox). */
export interface ThrottleState {
  /** When each report admitted in the last minute was admitted. */
  admitted: number[];
  /** Failures held back by the rate limit (or the outbox cap) and not yet reported. */
  heldBack: number;
}

export class RateLimiter {
  #maxPerMinute: number;
  readonly state: ThrottleState;

  constructor(maxPerMinute: number, state: ThrottleState = { admitted: [], heldBack: 0 }) {
    this.#maxPerMinute = maxPerMinute;
    this.state = state;
  }

  #prune(now: number): void {
    const from = now - RATE_WINDOW_MS;
    while (this.state.admitted.length > 0 && this.state.admitted[0]! <= from) this.state.admitted.shift();
  }

  /** Takes one of this minute's slots if one is free. */
  tryAdmit(now: number): boolean {
    this.#prune(now);
    if (this.state.admitted.length >= this.#maxPerMinute) return false;
    this.state.admitted.push(now);
    return true;
  }

  hold(failures: number): void {
    this.state.heldBack += failures;
  }

  /** The count that rides on the report now going out; zero afterwards. */
  takeHeldBack(): number {
    const n = this.state.heldBack;
    this.state.heldBack = 0;
    return n;
  }

  /** When the next slot frees, for scheduling a flush of a held-back count. */
  nextSlotAt(now: number): number {
    this.#prune(now);
    return this.state.admitted.length < this.#maxPerMinute ? now : this.state.admitted[0]! + RATE_WINDOW_MS;
  }
}
