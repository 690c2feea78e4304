/**
 * Infers retries: a request with the same method and URL as one that failed
 * less than `windowMs` ago is a retry of it (the event's `retry_count`). Kept in
 * memory only: a worker that the browser stops forgets, and counting restarts.
 */
export class RetryTracker {
  #failures = new Map<string, { at: number; count: number }>();

  #windowMs: number;
  #maxKeys: number;

  constructor(windowMs = 60_000, maxKeys = 500) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** Called when a request starts; returns how many failed attempts of it came just before. */
  retriesBefore(key: string, now: number): number {
    const last = this.#failures.get(key);
    if (!last || now - last.at > this.#windowMs) return 0;
    return last.count;
  }

  /** Called when a request fails; `retries` is what retriesBefore said when it started. */
  failed(key: string, retries: number, now: number): void {
    this.#failures.delete(key);
    this.#failures.set(key, { at: now, count: retries + 1 });
    if (this.#failures.size > this.#maxKeys) {
      // Maps iterate in insertion order, and failed() re-inserts: the first key is the stalest.
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  succeeded(key: string): void {
    this.#failures.delete(key);
  }
}
