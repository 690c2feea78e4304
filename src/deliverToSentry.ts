import type { Client, Event, Scope } from '@sentry/core';
import type { BackendReport } from '../sw/protocol.js';
import { reportToEvent } from './reportToEvent.js';

/** An event the client has not started sending this long after capture was dropped by the app (beforeSend, sampleRate). */
const PROCESS_DEADLINE_MS = 5000;
/** How long to wait for the transport's answer. */
const SEND_DEADLINE_MS = 20_000;

interface Waiter {
  started: boolean;
  resolve(accepted: boolean): void;
}

/**
 * Captures reports through a Sentry client and tells which ones Sentry has:
 * an event counts as delivered when the transport's answer was 2xx, or when the
 * app's own processing dropped it on purpose (beforeSend returned null,
 * sampling). A 5xx, a 429, a network failure: not delivered, so the worker keeps
 * it and offers it again later, with the same event_id.
 */
export type Deliver = (reports: BackendReport[]) => Promise<string[]>;

export interface DeliverOptions {
  /** The scope to capture with; the current scope when absent (the app's user, tags, release). */
  scope?: Scope;
  /** Whether the client's offline transport stored this event (then it is as good as delivered). */
  storedOffline?: (eventId: string) => boolean;
}

export function deliverToSentry(client: Client, options: DeliverOptions = {}): Deliver {
  const waiters = new Map<string, Waiter>();
  // Sentry's default Dedupe integration drops an event whose message (or
  // exception) and fingerprint equal the previous event's, which would silently
  // lose a backend failure that repeats after the worker's fold window. So the
  // message and exception are held back at capture and put in place by this
  // processor, which runs after Dedupe (the client's processors run in the
  // order they were added, and the defaults are added first). beforeSend
  // still sees them; `ignoreErrors` (InboundFilters, also a default) does not.
  const heldBack = new Map<string, Pick<Event, 'message' | 'exception'>>();
  client.addEventProcessor(
    Object.assign(
      (event: Event) => {
        const held = event.event_id ? heldBack.get(event.event_id) : undefined;
        if (held) {
          Object.assign(event, held);
          heldBack.delete(event.event_id!);
        }
        return event;
      },
      { id: 'BackendMonitorMessage' },
    ),
  );
  client.on('beforeSendEvent', (event: Event) => {
    const w = event.event_id ? waiters.get(event.event_id) : undefined;
    if (w) w.started = true;
  });
  client.on('afterSendEvent', (event: Event, response: { statusCode?: number }) => {
    const w = event.event_id ? waiters.get(event.event_id) : undefined;
    if (!w || !event.event_id) return;
    const status = response?.statusCode;
    w.resolve((status !== undefined && status >= 200 && status < 300) || options.storedOffline?.(event.event_id) === true);
  });

  const deliverOne = (report: BackendReport) =>
    new Promise<boolean>((resolve) => {
      const id = report.eventId;
      let processTimer: ReturnType<typeof setTimeout> | undefined;
      let sendTimer: ReturnType<typeof setTimeout> | undefined;
      const finish = (accepted: boolean) => {
        clearTimeout(processTimer);
        clearTimeout(sendTimer);
        waiters.delete(id);
        heldBack.delete(id);
        resolve(accepted);
      };
      const waiter: Waiter = { started: false, resolve: finish };
      waiters.set(id, waiter);
      processTimer = setTimeout(() => {
        if (!waiter.started) finish(true);
      }, PROCESS_DEADLINE_MS);
      sendTimer = setTimeout(() => finish(false), SEND_DEADLINE_MS);
      try {
        const { message, exception, ...event } = reportToEvent(report);
        heldBack.set(id, { message, exception });
        client.captureEvent(event, { event_id: id }, options.scope);
      } catch {
        finish(false);
      }
    });

  return async (reports) => {
    const results = await Promise.all(reports.map(deliverOne));
    return reports.filter((_, i) => results[i]).map((r) => r.eventId);
  };
}
