/**
 * Helpers for the exactly-once suite (e2e/exactlyOnce.spec.ts): deploying a
 * worker version or the kill switch at the worker's URL, watching the
 * registration's versions through CDP (each state change, timed), a ledger of
 * every envelope the Sentry recorder got (with its answer) to count repeats,
 * and counting the batches a page was handed.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { Event } from '@sentry/core';
import { readFile } from 'node:fs/promises';
import type { SentryRecorder } from '../src/playwright/sentryRecorder.js';
import type { SiteServer } from './servers/siteServer.js';

const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url);

/** A new worker version: the built worker with one changed byte run (an appended comment), served at its URL. */
export async function deployNewVersion(site: SiteServer, release: string): Promise<void> {
  site.override('/gatewayz-sw.js', `${await readFile(dist('gatewayz-sw.js'), 'utf8')}\n// ${release}\n`);
}

/** The kill switch by file: gatewayz-sw-disabled.js served in place of gatewayz-sw.js. */
export async function deployDisabledWorker(site: SiteServer): Promise<void> {
  site.override('/gatewayz-sw.js', await readFile(dist('gatewayz-sw-disabled.js'), 'utf8'));
}

export interface VersionChange {
  /** ms since the tracker started */
  t: number;
  versionId: string;
  status: string;
  runningStatus: string;
  controlledClients: number;
}

/**
 * Every service worker version's state changes (CDP ServiceWorker domain), with
 * times: which version is installed, waiting, activating, activated, redundant,
 * and whether it is running.
 */
export class VersionTracker {
  readonly changes: VersionChange[] = [];
  readonly started = Date.now();
  #cdp?: CDPSession;
  #last = new Map<string, string>();

  static async attach(context: BrowserContext, page: Page): Promise<VersionTracker> {
    const t = new VersionTracker();
    const cdp = await context.newCDPSession(page);
    t.#cdp = cdp;
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions as Array<{ versionId: string; status: string; runningStatus: string; controlledClients?: string[] }>) {
        const key = `${v.status}/${v.runningStatus}/${v.controlledClients?.length ?? 0}`;
        if (t.#last.get(v.versionId) === key) continue;
        t.#last.set(v.versionId, key);
        t.changes.push({ t: Date.now() - t.started, versionId: v.versionId, status: v.status, runningStatus: v.runningStatus, controlledClients: v.controlledClients?.length ?? 0 });
      }
    });
    await cdp.send('ServiceWorker.enable');
    return t;
  }

  /** The version ids seen, in order of appearance. */
  versions(): string[] {
    return [...new Set(this.changes.map((c) => c.versionId))];
  }

  /** When (ms since start) a version first reached a status, if it did. */
  reached(versionId: string, status: string): number | undefined {
    return this.changes.find((c) => c.versionId === versionId && c.status === status)?.t;
  }

  /** The current status of a version. */
  status(versionId: string): string | undefined {
    return [...this.changes].reverse().find((c) => c.versionId === versionId)?.status;
  }

  /** One line per change, for the log. */
  dump(): string {
    return this.changes.map((c) => `  +${String(c.t).padStart(6)} ms  v${c.versionId}  ${c.status.padEnd(10)} ${c.runningStatus.padEnd(8)} controls ${c.controlledClients}`).join('\n');
  }

  async detach(): Promise<void> {
    await this.#cdp?.detach().catch(() => {});
  }
}

export interface Arrival {
  at: number;
  status: number;
  eventIds: string[];
}

/**
 * Every envelope that reached the recorder with the status it was answered
 * with (the recorder keeps envelopes, not answers: this wraps its `ingest`,
 * which the kit's route handler calls for each one).
 */
export function ledger(sentry: SentryRecorder): { arrivals: Arrival[]; repeats(): number; attempts(id: string): number } {
  const arrivals: Arrival[] = [];
  const ingest = sentry.ingest.bind(sentry);
  sentry.ingest = (body) => {
    const before = sentry.envelopes.length;
    const answer = ingest(body);
    const env = sentry.envelopes[before];
    const eventIds = env ? env[1].filter(([h]) => h.type === 'event').map(([, p]) => (p as Event).event_id!) : [];
    if (eventIds.length > 0) arrivals.push({ at: Date.now(), status: answer.status, eventIds });
    return answer;
  };
  return {
    arrivals,
    /**
     * Event ids that reached the recorder again after an envelope of theirs was
     * accepted (2xx): a retry of an attempt the recorder refused is not a repeat.
     */
    repeats() {
      const accepted = new Set<string>();
      const repeated = new Set<string>();
      for (const a of arrivals) {
        for (const id of a.eventIds) {
          if (accepted.has(id)) repeated.add(id);
          if (a.status >= 200 && a.status < 300) accepted.add(id);
        }
      }
      return repeated.size;
    },
    attempts: (id) => arrivals.filter((a) => a.eventIds.includes(id)).length,
  };
}

/**
 * Counts, in the page, every batch (`reports` message) the worker hands it,
 * (batches with at least one report), from before the app's own scripts run. Read with `batchesSeen(page)`.
 */
export async function countBatches(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __batches: number; __pageshows: Array<{ persisted: boolean }> };
    w.__batches = 0;
    w.__pageshows = [];
    navigator.serviceWorker?.addEventListener('message', (e: MessageEvent) => {
      // Batches that carry reports (a health window alone is not one).
      const d = e.data as { type?: string; payload?: { reports?: unknown[] } } | undefined;
      if (d?.type === 'reports' && (d.payload?.reports?.length ?? 0) > 0) w.__batches++;
    });
    // A tab that dies between Sentry's answer and its ack: with `__dropAcks` set, the page's acks are never posted.
    const w2 = w as unknown as { __dropAcks?: boolean; __acksDropped: number; __droppedIds: string[] };
    w2.__acksDropped = 0;
    w2.__droppedIds = [];
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort['postMessage']>) {
      if (w2.__dropAcks && (args[0] as { type?: string } | undefined)?.type === 'ack') {
        w2.__acksDropped++;
        w2.__droppedIds.push(...((args[0] as { payload?: { eventIds?: string[] } }).payload?.eventIds ?? []));
        return;
      }
      return post.apply(this, args as never);
    } as MessagePort['postMessage'];
    addEventListener('pageshow', (e) => w.__pageshows.push({ persisted: (e as PageTransitionEvent).persisted }));
  });
}

/** From now on the page posts no ack (it still delivers to Sentry): the instant between Sentry's 2xx and the ack, held open. */
export const dropAcks = (page: Page): Promise<void> => page.evaluate(() => void ((window as unknown as { __dropAcks: boolean }).__dropAcks = true));

/** Resolves the moment the page has withheld an ack (it had Sentry's answer for a batch). */
export const ackWithheld = async (page: Page, timeout = 30_000): Promise<string[]> => {
  await page.waitForFunction(() => (window as unknown as { __acksDropped: number }).__acksDropped > 0, undefined, { polling: 5, timeout });
  return page.evaluate(() => (window as unknown as { __droppedIds: string[] }).__droppedIds);
};

export const batchesSeen = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __batches: number }).__batches);

/** Resolves the moment the page has been handed more than `seen` batches (polled every 5 ms in the page). */
export async function nextBatch(page: Page, seen: number, timeout = 30_000): Promise<number> {
  await page.waitForFunction((n) => (window as unknown as { __batches: number }).__batches > n, seen, { polling: 5, timeout });
  return batchesSeen(page);
}
