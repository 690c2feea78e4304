/**
 * Burst alerts, pure: when failures for one gateway or one endpoint pass
 * `perMinute` in a minute, or 5xx answers persist for `sustainedMs` with no
 * success in between, say so once per episode rather than once per failure.
 */
export const BURST_WINDOW_MS = 60_000;

export interface BurstAlert {
  scope: 'gateway' | 'endpoint';
  key: string;
  reason: 'rate' | 'sustained_5xx';
  /** Failures in the last minute (rate), or ms since the first 5xx (sustained). */
  count: number;
}

interface Track {
  times: number[];
  inBurst: boolean;
  first5xx?: number;
  sustainedAlerted: boolean;
}

export class BurstDetector {
  #tracks = new Map<string, Track>();

  #perMinute: number;
  #sustainedMs: number;

  constructor(perMinute: number, sustainedMs: number) {
    this.#perMinute = perMinute;
    this.#sustainedMs = sustainedMs;
  }

  #track(scope: string, key: string): Track {
    const id = `${scope} ${key}`;
    let t = this.#tracks.get(id);
    if (!t) {
      // Bounded: thousands of distinct endpoints in a minute would be an attack, not a backend.
      if (this.#tracks.size > 2000) this.#tracks.clear();
      t = { times: [], inBurst: false, sustainedAlerted: false };
      this.#tracks.set(id, t);
    }
    return t;
  }

  failure(scopes: Array<[BurstAlert['scope'], string]>, is5xx: boolean, now: number): BurstAlert[] {
    const alerts: BurstAlert[] = [];
    for (const [scope, key] of scopes) {
      const t = this.#track(scope, key);
      while (t.times.length > 0 && t.times[0]! <= now - BURST_WINDOW_MS) t.times.shift();
      // Only whether the count passes the threshold matters: keep at most one more.
      t.times.push(now);
      if (t.times.length > this.#perMinute + 1) t.times.shift();
      if (t.times.length > this.#perMinute) {
        if (!t.inBurst) alerts.push({ scope, key, reason: 'rate', count: t.times.length });
        t.inBurst = true;
      } else {
        t.inBurst = false;
      }
      if (is5xx) {
        t.first5xx ??= now;
        if (!t.sustainedAlerted && now - t.first5xx >= this.#sustainedMs) {
          t.sustainedAlerted = true;
          alerts.push({ scope, key, reason: 'sustained_5xx', count: now - t.first5xx });
        }
      }
    }
    return alerts;
  }

  /** A success ends a sustained-5xx episode. */
  success(scopes: Array<[BurstAlert['scope'], string]>): void {
    for (const [scope, key] of scopes) {
      const t = this.#tracks.get(`${scope} ${key}`);
      if (t) {
        t.first5xx = undefined;
        t.sustainedAlerted = false;
      }
    }
  }
}
