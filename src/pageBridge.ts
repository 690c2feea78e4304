/**
 * The page's half of delivery, with no browser globals: what a page does with
 * a batch the worker offers. `registerBackendMonitor` wires it to the
 * worker's messages; the simulation drives the same code.
 *
 * - It says `received` at once (a page that stays silent is passed over).
 * - Each report goes to `deliver` once per page: an offer of one that is
 *   still being sent (from a worker the browser stopped and started again, or
 *   a new version) joins that send instead of sending it twice, and one
 *   already settled is answered from memory.
 * - What Sentry took (2xx) is deleted from the worker's outbox by the page
 *   itself (`markDelivered`) before the `ack`: a worker stopped before the
 *   ack reaches it repeats nothing.
 * - What the app dropped on purpose is reported as `dropped`, so the worker
 *   moves its counts onto the next report.
 * - While Sentry asked for a pause (429, Retry-After, X-Sentry-Rate-Limits)
 *   nothing is sent, and the worker is told until when.
 */
import type { AckPayload, BackendReport, HealthReport } from '../sw/protocol.js';

/** What became of the reports handed to `deliver`; a plain array lists the delivered ones. */
export interface DeliveryResult {
  /** Sentry answered 2xx for the envelope that carried each. */
  delivered: string[];
  /** The app dropped them on purpose (beforeSend or an event processor returned null, sampling). */
  dropped?: string[];
  /** Sentry asked for no events before this time (epoch ms). */
  retryAt?: number;
  /** Sentry answered these with a refusal (a status, not 2xx): they did not count against its quota. */
  refused?: string[];
}

/** Sends reports on (to Sentry) and says what became of each; anything not listed is offered again later. */
export type Deliver = (reports: BackendReport[]) => Promise<string[] | DeliveryResult>;

type Outcome = 'delivered' | 'dropped' | 'refused' | 'failed';

export interface BridgeOptions {
  deliver: Deliver;
  /** Called with each batch's health windows; they are done once it settles, unless it resolves false (not taken). */
  health(windows: HealthReport[]): Promise<unknown>;
  /** Deletes what Sentry took from the worker's outbox; resolves when that committed. */
  markDelivered(eventIds: string[]): Promise<unknown>;
  now(): number;
  warn(message: string, err: unknown): void;
  debug?(message: string): void;
}

export interface BatchReply {
  received(): void;
  ack(payload: AckPayload): void;
}

/** Settled outcomes remembered per page, at most. */
const REMEMBER = 5000;

export function createPageBridge(o: BridgeOptions) {
  /** Event ids this page settled (delivered or dropped): a re-offer is answered at once. */
  const settled = new Map<string, 'delivered' | 'dropped'>();
  /** Reports being handed to `deliver`, by event id. */
  const delivering = new Map<string, Promise<Outcome>>();
  let retryAt = 0;

  const remember = (id: string, outcome: Outcome) => {
    if (outcome !== 'delivered' && outcome !== 'dropped') return;
    settled.set(id, outcome);
    if (settled.size > REMEMBER) settled.delete(settled.keys().next().value!);
  };

  const start = (reports: BackendReport[]) => {
    const result = Promise.resolve()
      .then(() => o.deliver(reports))
      .then(
        (r): DeliveryResult => (Array.isArray(r) ? { delivered: r } : r),
        (err: unknown): DeliveryResult => {
          o.warn('delivering reports failed; the worker keeps them and offers them again', err);
          return { delivered: [] };
        },
      )
      .then((r) => {
        if (r.retryAt !== undefined && r.retryAt > retryAt) retryAt = r.retryAt;
        return { delivered: new Set(r.delivered), dropped: new Set(r.dropped ?? []), refused: new Set(r.refused ?? []) };
      });
    for (const { eventId } of reports) {
      delivering.set(
        eventId,
        result.then(({ delivered, dropped, refused }) => {
          delivering.delete(eventId);
          const outcome: Outcome = delivered.has(eventId) ? 'delivered' : dropped.has(eventId) ? 'dropped' : refused.has(eventId) ? 'refused' : 'failed';
          remember(eventId, outcome);
          return outcome;
        }),
      );
    }
  };

  return {
    /**
     * A batch from the worker. Returns false (and answers nothing) when it
     * came after its deadline: this tab was frozen and the worker has offered
     * it elsewhere.
     */
    batch(payload: { reports: BackendReport[]; health?: HealthReport[]; respondBy?: number }, reply: BatchReply): boolean {
      if (payload.respondBy !== undefined && o.now() > payload.respondBy) return false;
      reply.received();
      const { reports, health = [] } = payload;
      o.debug?.(`received ${reports.length} report(s) and ${health.length} health window(s)`);
      const paused = o.now() < retryAt;
      const toStart = paused ? [] : reports.filter((r) => !settled.has(r.eventId) && !delivering.has(r.eventId));
      if (toStart.length > 0) start(toStart);
      const outcomes = Promise.all(
        reports.map((r) => settled.get(r.eventId) ?? delivering.get(r.eventId) ?? Promise.resolve<Outcome>('failed')),
      );
      const healthDone = health.length > 0 ? o.health(health) : Promise.resolve();
      void Promise.all([outcomes, healthDone]).then(async ([results, took]) => {
        const delivered = reports.filter((_, i) => results[i] === 'delivered').map((r) => r.eventId);
        const dropped = reports.filter((_, i) => results[i] === 'dropped').map((r) => r.eventId);
        const refused = reports.filter((_, i) => results[i] === 'refused').map((r) => r.eventId);
        const done = [...delivered, ...(took === false ? [] : health.map((h) => h.eventId))];
        // Through storage first: the ack message is lost if the worker stops before it arrives.
        await o.markDelivered(done).catch(() => undefined);
        const ack: AckPayload = { eventIds: done };
        if (dropped.length > 0) ack.dropped = dropped;
        if (refused.length > 0) ack.refused = refused;
        if (retryAt > o.now()) ack.retryAt = retryAt;
        reply.ack(ack);
      });
      return true;
    },
  };
}

export type PageBridge = ReturnType<typeof createPageBridge>;
