/**
 * Burst episodes, pure: one gateway or one endpoint failing more often than
 * `perMinute` in a minute opens an episode, and it closes only after a full
 * minute below half of that, so a rate that hovers at the threshold is one
 * episode, not an alert at every crossing. 5xx answers that persist for
 * `sustainedMs` with no success in between are an episode of their own, which
 * a success ends. The quota gate keeps each scope's track in storage and
 * makes at most one alert per episode.
 */
export const BURST_WINDOW_MS = 60_000;

/** Where failures are counted for bursts: one gateway, or one endpoint template. */
export type BurstScope = ['gateway' | 'endpoint', string];

export interface BurstTrack {
  /** The most recent failures' times within the last minute (at most perMinute + 1 kept). */
  times: number[];
  open: boolean;
  /** Until when the count stays at or above half the threshold without another failure. */
  aboveHalfUntil: number;
  first5xx?: number;
  sustainedAlerted: boolean;
}

/** A scope's track before its first failure. */
export const newTrack = (): BurstTrack => ({ times: [], open: false, aboveHalfUntil: 0, sustainedAlerted: false });

export interface BurstAlertReason {
  reason: 'rate' | 'sustained_5xx';
  /** Failures in the last minute (rate), or ms since the first 5xx (sustained). */
  count: number;
}

export function burstFailure(t: BurstTrack, now: number, perMinute: number, is5xx: boolean, sustainedMs: number): BurstAlertReason[] {
  const alerts: BurstAlertReason[] = [];
  while (t.times.length > 0 && t.times[0]! <= now - BURST_WINDOW_MS) t.times.shift();
  // A full minute below half the threshold ends the episode.
  if (t.open && now >= t.aboveHalfUntil + BURST_WINDOW_MS) t.open = false;
  t.times.push(now);
  if (t.times.length > perMinute + 1) t.times.shift();
  const half = Math.max(1, Math.ceil(perMinute / 2));
  const n = t.times.length;
  if (n >= half) t.aboveHalfUntil = t.times[n - half]! + BURST_WINDOW_MS;
  if (n > perMinute && !t.open) {
    t.open = true;
    alerts.push({ reason: 'rate', count: n });
  }
  if (is5xx) {
    t.first5xx ??= now;
    if (!t.sustainedAlerted && now - t.first5xx >= sustainedMs) {
      t.sustainedAlerted = true;
      alerts.push({ reason: 'sustained_5xx', count: now - t.first5xx });
    }
  }
  return alerts;
}
