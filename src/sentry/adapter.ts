/**
 * Every use this package makes of a Sentry SDK internal, in one place. The
 * rest of the package talks to Sentry through these functions and Sentry's
 * public API only.
 *
 * Each internal is feature-detected (never by version string) and has a
 * public-API fallback, so an SDK that renames or removes one still delivers
 * reports, with the weaker behaviour each entry states. `npm run test:sdk`
 * runs the page side's tests against the newest 10.x, 11.5.0, the pinned
 * 11.x and the newest 11.x; test/sentryAdapter.test.ts and
 * test/findPageSentryClient.test.ts run the fallbacks (each internal hidden)
 * against each of them.
 *
 * | Internal                                    | Why                                                                                   | Fallback (public API)                                                                                     |
 * |---------------------------------------------|---------------------------------------------------------------------------------------|-----------------------------------------------------------------------------------------------------------|
 * | `client._processEvent(event, hint, scope, isolationScope)` | runs one event through the client's pipeline and rejects with why it was not sent, with the isolation scope we choose | `client.captureEvent` then `client.flush`: sent / not sent is known, why not from `recordDroppedEvent` below; the client's own isolation scope is used |
 * | `client.recordDroppedEvent` (intercepted: the client calls `this.recordDroppedEvent`) | the reason the client records for an event it did not send: `callback_error` (a `beforeSend` or processor threw, 11.x) vs `before_send` / `event_processor` / `sample_rate` (dropped on purpose) | with `_processEvent`: the rejection's marker and message alone; without either (missing, or the assignment does not take): an event not sent counts as a failure and is offered again (a drop is retried, never lost) |
 * | the rejection's marker: `Symbol.for('SentryDoNotSendEventError')` (9 to 11), `logLevel: 'log'` (8) | tells a deliberate drop from a pipeline error | the message: "threw" means not deliberate; an unmarked reason counts as a failure |
 * | the offline queue's storage (`makeBrowserOfflineTransport`: IndexedDB `dbName`/`storeName`, default `sentry-offline`/`queue`, one serialized envelope per record) | an envelope the offline transport stored must be taken back out: the worker offers it again, and that queue loses envelopes on a 429 | none: when the queue is absent or its layout unknown nothing is found, the event counts as not delivered (offered again) and the queue may still send its own copy later (a duplicate, never a loss) |
 * | the global carrier `globalThis.__SENTRY__[version]` (`stack.getScope()`, `stack.getIsolationScope()`, `globalScope`; `defaultCurrentScope` in 8) | the app's SDK may be another copy or version than this package's (a CDN bundle, the prebuilt files): its scopes and client are only reachable there | scopes: this package's `getGlobalScope()`, `getIsolationScope()`, `getCurrentScope()`; the client: the CDN bundle's public `window.Sentry.getClient()` |
 *
 * This module imports @sentry/core values only for the fallbacks; the
 * register script (which must carry no Sentry code) uses `findSdkClient`
 * alone, which needs none.
 */
import { getCurrentScope, getGlobalScope, getIsolationScope, type Client, type Event, type EventHint, type Scope } from '@sentry/core';

/** What a scope must offer for this package to read the user from it and hear of its changes. */
export type ScopeLike = Pick<Scope, 'getUser' | 'addScopeListener'>;

function isScope(x: unknown): x is ScopeLike {
  const s = x as Partial<Scope> | undefined;
  return !!s && typeof s.getUser === 'function' && typeof s.addScopeListener === 'function';
}

function isClient(x: unknown): x is Client {
  const c = x as Partial<Client> | undefined;
  return !!c && typeof c.captureEvent === 'function' && typeof c.on === 'function' && typeof c.addEventProcessor === 'function';
}

// --- the global carrier (`__SENTRY__`) ------------------------------------------------------------

interface CarrierSlot {
  stack?: { getScope?(): unknown; getIsolationScope?(): unknown };
  globalScope?: unknown;
  /** Sentry 8's current scope, before the stack. */
  defaultCurrentScope?: unknown;
}

/** The carrier's per-version slots, the carrier's own `version` first. Empty when there is no carrier. */
function carrierSlots(): CarrierSlot[] {
  const carrier = (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
  if (!carrier || typeof carrier !== 'object') return [];
  const c = carrier as Record<string, unknown>;
  const keys = new Set([c.version, ...Object.keys(c)].filter((k): k is string => typeof k === 'string'));
  return [...keys].map((k) => c[k]).filter((s): s is CarrierSlot => !!s && typeof s === 'object');
}

function currentScopeOf(slot: CarrierSlot): unknown {
  return slot.stack?.getScope?.() ?? slot.defaultCurrentScope;
}

/**
 * The global, isolation and current scopes `Sentry.setUser` and friends write
 * to for this client, whatever the app's SDK version or copy: its slot in the
 * carrier whose current scope holds this client, as Sentry's own scope
 * merging reads them. Fallback (no carrier, no slot with this client, an
 * unexpected shape): this package's own @sentry/core scopes.
 */
export function scopesOf(client: Client): ScopeLike[] {
  try {
    for (const slot of carrierSlots()) {
      const current = currentScopeOf(slot) as (ScopeLike & { getClient?(): unknown }) | undefined;
      if (!isScope(current) || current.getClient?.() !== client) continue;
      return [slot.globalScope, slot.stack?.getIsolationScope?.(), current].filter(isScope);
    }
  } catch {
    /* an unexpected carrier shape: the public scopes */
  }
  return [getGlobalScope(), getIsolationScope(), getCurrentScope()];
}

/**
 * The Sentry client the app set up, if any, whatever its SDK version: the CDN
 * bundle's `window.Sentry.getClient()` (public), else the client on the
 * current scope of a carrier slot. Undefined when neither has one.
 */
export function findSdkClient(): Client | undefined {
  const g = globalThis as { Sentry?: { getClient?: () => unknown } };
  try {
    const fromCdn = g.Sentry?.getClient?.();
    if (isClient(fromCdn)) return fromCdn;
    for (const slot of carrierSlots()) {
      const client = (currentScopeOf(slot) as { getClient?: () => unknown } | undefined)?.getClient?.();
      if (isClient(client)) return client;
    }
  } catch {
    /* an unexpected carrier shape: behave as if there were none */
  }
  return undefined;
}

// --- the client's event pipeline -------------------------------------------------------------------

/** Why the client did not send an event, as far as it can be told. */
export type NotSent = 'dropped' | 'failed';

/**
 * Why the pipeline did not send an event, from the reason `_processEvent`
 * rejected with. Sentry marks its deliberate drops
 * (`Symbol.for('SentryDoNotSendEventError')` in 9 to 11, a `SentryError`
 * with logLevel 'log' in 8). A callback that threw is marked so too in 11;
 * its message says it "threw" (and the client records 'callback_error').
 * Anything else is an error of the pipeline.
 */
export function isDeliberateDrop(reason: unknown): boolean {
  if (typeof reason !== 'object' || reason === null) return false;
  const r = reason as { message?: unknown; logLevel?: unknown };
  const message = typeof r.message === 'string' ? r.message : '';
  if (/threw/.test(message)) return false;
  return Symbol.for('SentryDoNotSendEventError') in r || r.logLevel === 'log';
}

/** The reasons a client records for an event dropped on purpose (not a callback that threw). */
const DELIBERATE_REASONS = new Set(['before_send', 'event_processor', 'sample_rate']);

interface ProcessingClient {
  _processEvent?(event: Event, hint: EventHint, scope?: Scope, isolationScope?: Scope): PromiseLike<Event>;
}

export interface EventPipeline {
  /**
   * Runs one event through the client's pipeline (event processors,
   * sampling, `beforeSend`) up to its transport. Resolves with undefined once
   * the event went to the transport (the client's `afterSendEvent` hook then
   * gives the answer), or with why it was not sent. One event at a time.
   *
   * `sent(id)` says whether the event reached the transport ('beforeSendEvent');
   * the fallback needs it.
   */
  process(event: Event, hint: EventHint & { event_id: string }, scope: Scope, isolationScope: Scope, sent: () => boolean): Promise<NotSent | undefined>;
  /** Which way it works: `internal` (`_processEvent`), `public` (`captureEvent` + `flush`). */
  readonly via: 'internal' | 'public';
  /** Whether drops are told from failures: false only when `recordDroppedEvent` is missing too and the public path is used. */
  readonly tellsDrops: boolean;
}

/** How long the public path waits for the client to finish processing one event. */
const FLUSH_MS = 20_000;

/**
 * The client's event pipeline, through `_processEvent` when the client has
 * it, else through the public `captureEvent` + `flush`.
 */
export function eventPipeline(client: Client): EventPipeline {
  /** The reasons the client recorded for the event in the pipeline now (see `recordDroppedEvent` above). */
  let recorded: string[] | undefined;
  const record = (client as Partial<Pick<Client, 'recordDroppedEvent'>>).recordDroppedEvent;
  let intercepts = false;
  if (typeof record === 'function') {
    const original = record.bind(client);
    const wrapper: Client['recordDroppedEvent'] = (reason, ...rest) => {
      recorded?.push(reason);
      return original(reason, ...rest);
    };
    try {
      client.recordDroppedEvent = wrapper;
    } catch {
      /* a frozen or accessor property: not intercepted */
    }
    // Only if it took: the client calls `this.recordDroppedEvent`, so only then does it reach us.
    intercepts = client.recordDroppedEvent === wrapper;
  }
  const threw = () => !!recorded?.includes('callback_error');
  const internal = (client as unknown as ProcessingClient)._processEvent;
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  if (typeof internal === 'function') {
    return {
      via: 'internal',
      tellsDrops: true,
      process: (event, hint, scope, isolationScope) =>
        oneAtATime(async () => {
          recorded = [];
          try {
            await internal.call(client, event, hint, scope, isolationScope);
            return undefined;
          } catch (reason) {
            return !threw() && isDeliberateDrop(reason) ? 'dropped' : 'failed';
          } finally {
            recorded = undefined;
          }
        }),
    };
  }

  return {
    via: 'public',
    tellsDrops: intercepts,
    process: (event, hint, scope, _isolationScope, sent) =>
      oneAtATime(async () => {
        recorded = [];
        try {
          client.captureEvent(event, hint, scope);
          // Resolves once the client has finished processing (and its transport drained, or the time is up).
          await client.flush(FLUSH_MS);
          if (sent()) return undefined;
          // Not sent: on purpose only if the client recorded just deliberate reasons for it.
          return recorded.length > 0 && !threw() && recorded.every((r) => DELIBERATE_REASONS.has(r)) ? 'dropped' : 'failed';
        } catch {
          return 'failed';
        } finally {
          recorded = undefined;
        }
      }),
  };
}

// --- the offline transport's queue -----------------------------------------------------------------

/**
 * Takes an event back out of Sentry's browser offline queue
 * (`makeBrowserOfflineTransport`). That queue is not the end of the line for
 * a monitor report: its retry takes an envelope out before sending it and
 * does not put it back when Sentry answers 429 or any status of 400 or more,
 * a retry during the SDK's rate-limit backoff is filtered to nothing, and a
 * full queue drops silently. So the monitor keeps its reports in its own
 * outbox, which lets go of one only on Sentry's 2xx, and removes its events
 * from the app's queue: the worker offers them again instead.
 *
 * The transport answers `{}` both when it stored an envelope and when a plain
 * transport's send failed; only the queue tells the two apart. Stored
 * envelopes are serialized text (or bytes with binary attachments) whose
 * header holds the event's id as `"event_id":"<id>"`: matched so, since
 * another event may name this one (the app's own network error names the
 * monitor's report as `monitor_event_id`) and must stay in the queue.
 * Resolves with whether it found (and removed) it.
 */
export async function takeFromOfflineQueue(eventId: string, dbName = 'sentry-offline', storeName = 'queue'): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  const db = await new Promise<IDBDatabase | undefined>((resolve) => {
    const open = indexedDB.open(dbName);
    // No such database: never create it (the transport would then find it without its store).
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => resolve(undefined);
    open.onblocked = () => resolve(undefined);
  });
  if (!db) return false;
  try {
    if (!db.objectStoreNames.contains(storeName)) return false;
    return await new Promise<boolean>((resolve, reject) => {
      const tx = db.transaction(storeName, 'readwrite');
      const decoder = new TextDecoder();
      let found = false;
      const cursor = tx.objectStore(storeName).openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        const v = c.value as unknown;
        const text = typeof v === 'string' ? v : v instanceof Uint8Array ? decoder.decode(v) : '';
        if (text.includes(`"event_id":"${eventId}"`)) {
          found = true;
          c.delete();
        }
        c.continue();
      };
      tx.oncomplete = () => resolve(found);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } catch {
    return false;
  } finally {
    db.close();
  }
}
