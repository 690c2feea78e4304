import type { Client, Event, EventHint, Scope } from '@sentry/core';
import type { BackendReport, PageScope } from '../sw/protocol.js';
import { offlineQueueHolds } from './offlineQueueHolds.js';
import { reportToEvent } from './reportToEvent.js';

/** How long to wait for the transport's answer. */
const SEND_DEADLINE_MS = 20_000;

/**
 * Captures reports through a Sentry client and tells which ones Sentry has:
 * an event counts as delivered when the transport's answer was 2xx, when
 * Sentry's offline transport stored it, or when the app's own processing
 * dropped it on purpose (an event processor or beforeSend returned null,
 * sampling). A 5xx, a 429, a network failure: not delivered, so the worker
 * keeps it and offers it again later, with the same event_id.
 */
export type Deliver = (reports: BackendReport[]) => Promise<string[]>;

export interface DeliverOptions {
  /** The scope to capture with; the current scope when absent (the app's user, tags, release). */
  scope?: Scope;
  /** The isolation scope to capture with; the app's when absent. */
  isolationScope?: Scope;
  /**
   * Whether the client's offline transport stored this event (then it is as
   * good as delivered). Default: look in Sentry's offline queue, named by the
   * client's `transportOptions` (`dbName`, `storeName`).
   */
  storedOffline?: (eventId: string) => Promise<boolean>;
}

interface InFlight {
  /** What is put on the event after every event processor has run. */
  held: Pick<Event, 'message' | 'exception'>;
  page?: PageScope;
  sent(accepted: boolean): void;
}

/** Client internals this relies on, present in @sentry/core 8 to 11. */
interface CapturingClient {
  /** Runs the client's whole pipeline for one event: its id once handed to the transport, undefined when the pipeline dropped it. */
  _captureEvent?(event: Event, hint: EventHint, scope?: Scope, isolationScope?: Scope): PromiseLike<string | undefined>;
}

/** The page that saw the failure decides who it happened to: exactly its user, release and environment. */
function applyPage(event: Event, page: PageScope): void {
  if (page.user) event.user = { ...page.user };
  else delete event.user;
  if (page.release) event.release = page.release;
  else delete event.release;
  if (page.environment) event.environment = page.environment;
  else delete event.environment;
}

export function deliverToSentry(client: Client, options: DeliverOptions = {}): Deliver {
  const inFlight = new Map<string, InFlight>();
  const transportOptions = (client.getOptions().transportOptions ?? {}) as { dbName?: string; storeName?: string };
  const storedOffline = options.storedOffline ?? ((id: string) => offlineQueueHolds(id, transportOptions.dbName, transportOptions.storeName));

  // Sentry's default Dedupe integration drops an event whose message (or
  // exception) and fingerprint equal the previous event's, which would silently
  // lose a fold summary (the same failure again, with the count it carries). So
  // the message and exception are held back at capture and put in place once
  // every event processor has run ('postprocessEvent'), whatever order the
  // integrations are in; beforeSend still sees them, `ignoreErrors` does not.
  const finish = (event: Event) => {
    const f = event.event_id ? inFlight.get(event.event_id) : undefined;
    if (!f) return;
    if (event.message === undefined) Object.assign(event, f.held);
    if (f.page) applyPage(event, f.page);
  };
  client.on('postprocessEvent', finish);
  // An SDK without 'postprocessEvent' still sends the event whole: beforeSend just did not see the message.
  client.on('beforeSendEvent', finish);
  client.on('afterSendEvent', (event: Event, response: { statusCode?: number }) => {
    const f = event.event_id ? inFlight.get(event.event_id) : undefined;
    if (!f) return;
    const status = response?.statusCode;
    if (status !== undefined) return f.sent(status >= 200 && status < 300);
    // No status: the send failed, and an offline transport may have stored the envelope.
    storedOffline(event.event_id!).then(f.sent, () => f.sent(false));
  });

  const deliverOne = (report: BackendReport) =>
    new Promise<boolean>((resolve) => {
      const id = report.eventId;
      let settled = false;
      const settle = (accepted: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(id);
        resolve(accepted);
      };
      const timer = setTimeout(() => settle(false), SEND_DEADLINE_MS);
      try {
        const { message, exception, ...event } = reportToEvent(report);
        inFlight.set(id, { held: { message, exception }, page: report.page, sent: settle });
        const capture = (client as unknown as CapturingClient)._captureEvent;
        if (typeof capture === 'function') {
          // The public captureEvent returns only the id; this is the same pipeline,
          // and its promise says whether the app's processing kept the event. Dropped
          // on purpose (sampling, an event processor, beforeSend): done with it.
          Promise.resolve(capture.call(client, event, { event_id: id }, options.scope, options.isolationScope)).then(
            (kept) => kept === undefined && settle(true),
            () => settle(false),
          );
        } else {
          // Without it, an event the app drops is not acknowledged: the worker offers it again later.
          client.captureEvent(event, { event_id: id }, options.scope);
        }
      } catch {
        settle(false);
      }
    });

  return async (reports) => {
    const results = await Promise.all(reports.map(deliverOne));
    return reports.filter((_, i) => results[i]).map((r) => r.eventId);
  };
}
