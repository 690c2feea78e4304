import { disabledUntil, getIsolationScope, isRateLimited, updateRateLimits, type Client, type Event, type Scope } from '@sentry/core';
import type { BackendReport, PageScope } from '../sw/protocol.js';
import type { DeliveryResult } from './pageBridge.js';
import { eventPipeline, scopesOf } from './sentry/adapter.js';
import { reportToEvent } from './reportToEvent.js';
import { takeFromOfflineQueue } from './takeFromOfflineQueue.js';

/** How long to wait for the transport's answer before telling the worker "not yet" (the send goes on). */
const SEND_DEADLINE_MS = 20_000;
/** Late answers remembered, at most: an offer of one again is answered from here. */
const REMEMBER = 2000;

/**
 * Captures reports through a Sentry client and says what became of each:
 *
 * - `delivered` only when Sentry answered 2xx for the envelope that carried it;
 * - `dropped` when the app dropped it on purpose: an event processor or
 *   `beforeSend` returned null, or the client's `sampleRate` left it out (the
 *   worker then carries its counts onto the next report);
 * - otherwise not delivered, and the worker offers it again later with the
 *   same event_id: a 5xx, a 429, a network failure, a `beforeSend` or event
 *   processor that threw, an envelope Sentry's offline transport stored (it
 *   is taken back out of that queue: see `takeFromOfflineQueue`).
 *
 * Sentry's `Retry-After` and `X-Sentry-Rate-Limits` are honoured: while the
 * `error` category is limited nothing is sent, and `retryAt` tells the worker
 * until when to hold its reports.
 */
export type Deliver = (reports: BackendReport[]) => Promise<DeliveryResult>;

export interface DeliverOptions {
  /** The scope to capture with; the current scope when absent (the app's user, tags, release). */
  scope?: Scope;
  /** The isolation scope to capture with; the app's when absent. */
  isolationScope?: Scope;
  /**
   * Takes an event back out of the client's offline queue; resolves with
   * whether it was there. Default: Sentry's own queue, named by the client's
   * `transportOptions` (`dbName`, `storeName`).
   */
  takeFromOfflineQueue?: (eventId: string) => Promise<boolean>;
  /** Time, for the send deadline and Sentry's rate limits; the page's by default (the simulation's is virtual). */
  clock?: { now(): number; after(ms: number, fn: () => void): () => void };
}

const pageClock = {
  now: () => Date.now(),
  after(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

type Outcome = 'delivered' | 'dropped' | 'refused' | 'failed';

interface InFlight {
  /** What is put on the event after every event processor has run. */
  held: Pick<Event, 'message' | 'exception'>;
  page?: PageScope;
  /** Settles with what became of the event. */
  settle(outcome: Outcome): void;
  /** The client handed it to its transport ('beforeSendEvent'). */
  sent?: boolean;
  outcome: Promise<Outcome>;
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
  /** Answers that came after the send deadline: the next offer of that report is answered from here. */
  const late = new Map<string, Outcome>();
  /** Sentry's rate limits, as its answers set them. */
  let limits: Record<string, number> = {};
  /** The client's pipeline, through the SDK adapter (src/sentry/adapter.ts): one event at a time. */
  const pipeline = eventPipeline(client);
  const transportOptions = (client.getOptions().transportOptions ?? {}) as { dbName?: string; storeName?: string };
  const clock = options.clock ?? pageClock;
  const takeBack = options.takeFromOfflineQueue ?? ((id: string) => takeFromOfflineQueue(id, transportOptions.dbName, transportOptions.storeName));

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
  client.on('beforeSendEvent', (event: Event) => {
    finish(event);
    const f = event.event_id ? inFlight.get(event.event_id) : undefined;
    if (f) f.sent = true;
  });
  client.on('afterSendEvent', (event: Event, response: { statusCode?: number; headers?: Record<string, string | null> }) => {
    const f = event.event_id ? inFlight.get(event.event_id) : undefined;
    if (!f) return;
    try {
      limits = updateRateLimits(limits, (response ?? {}) as Parameters<typeof updateRateLimits>[1], clock.now());
    } catch {
      // an answer without headers
    }
    const status = response?.statusCode;
    if (status !== undefined) return f.settle(status >= 200 && status < 300 ? 'delivered' : 'refused');
    // No status: the send failed, was filtered by a rate limit, or an offline transport stored it (taken back).
    takeBack(event.event_id!).then(
      () => f.settle('failed'),
      () => f.settle('failed'),
    );
  });

  const capture = (report: BackendReport): InFlight => {
    const id = report.eventId;
    let settle!: (o: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    const { message, exception, ...event } = reportToEvent(report);
    const f: InFlight = {
      held: { message, exception },
      page: report.page,
      outcome,
      settle: (o) => {
        if (inFlight.get(id) !== f) return;
        inFlight.delete(id);
        settle(o);
      },
    };
    inFlight.set(id, f);
    let scope: Scope;
    let isolationScope: Scope;
    try {
      // The scopes `captureEvent` would use: the app's, found for this client whatever its SDK version.
      const scopes = scopesOf(client) as Scope[];
      scope = options.scope ?? scopes[scopes.length - 1]!;
      isolationScope = options.isolationScope ?? (scopes.length >= 3 ? scopes[1]! : getIsolationScope());
    } catch {
      f.settle('failed');
      return f;
    }
    // Resolves once the event went to the transport (afterSendEvent then settles it), or with why not.
    void pipeline.process(event, { event_id: id }, scope, isolationScope, () => f.sent === true).then(
      (notSent) => {
        if (notSent) f.settle(notSent);
      },
      () => f.settle('failed'),
    );
    return f;
  };

  const deliverOne = (report: BackendReport): Promise<Outcome> => {
    const id = report.eventId;
    const known = late.get(id);
    if (known !== undefined) {
      late.delete(id);
      if (known === 'delivered' || known === 'dropped') return Promise.resolve(known);
    }
    // Still being sent (its deadline passed earlier): this offer waits for that answer; never a second send.
    const f = inFlight.get(id) ?? capture(report);
    return new Promise<Outcome>((resolve) => {
      let timedOut = false;
      const cancel = clock.after(SEND_DEADLINE_MS, () => {
        timedOut = true;
        resolve('failed');
      });
      void f.outcome.then((o) => {
        cancel();
        resolve(o);
        if (!timedOut) return;
        // An answer after the deadline is remembered for the next offer.
        late.set(id, o);
        if (late.size > REMEMBER) late.delete(late.keys().next().value!);
      });
    });
  };

  return async (reports) => {
    const now = clock.now();
    // Sentry asked for a pause: nothing is sent (the SDK would only filter it and count it dropped).
    if (isRateLimited(limits, 'error', now)) return { delivered: [], retryAt: disabledUntil(limits, 'error') };
    const results = await Promise.all(reports.map(deliverOne));
    const pick = (o: Outcome) => reports.filter((_, i) => results[i] === o).map((r) => r.eventId);
    const result: DeliveryResult = { delivered: pick('delivered'), dropped: pick('dropped') };
    const refused = pick('refused');
    if (refused.length > 0) result.refused = refused;
    const until = disabledUntil(limits, 'error');
    if (until > clock.now()) result.retryAt = until;
    return result;
  };
}
