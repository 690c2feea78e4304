import type { Event } from '@sentry/core';

/** What the recorder's backend events account for: each event stands for its occurrences plus what it says was held back. */
export function accountFor(events: Event[]): { accounted: number; duplicated: number; events: number } {
  const seen = new Set<string>();
  let duplicated = 0;
  let accounted = 0;
  for (const e of events) {
    if (e.tags?.error_category !== 'backend_api') continue;
    if (seen.has(e.event_id!)) {
      duplicated++;
      continue;
    }
    seen.add(e.event_id!);
    const ctx = (e.contexts?.backend_api ?? {}) as { occurrences?: number; held_back?: number };
    // A held-back summary and a burst alert stand for no failure of their own.
    const occurrences = e.tags?.failure_kind === 'rate_limited' || e.tags?.failure_kind === 'burst' ? 0 : (ctx.occurrences ?? 1);
    accounted += occurrences + (ctx.held_back ?? 0);
  }
  return { accounted, duplicated, events: seen.size };
}

/** 0 → a, 25 → z, 26 → ba: path segments made of letters stay distinct after templating. */
export function letters(i: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}
