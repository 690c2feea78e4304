import { buildReport, type Observation } from './buildReport.js';
import type { MonitorConfig } from './config.js';
import { IdbOutbox, type Outbox } from './outbox.js';
import { parsePageMessage, PROTOCOL_VERSION, workerMessage, type BackendReport, type WorkerStats } from './protocol.js';
import { Relay } from './relay.js';
import { RetryTracker } from './retryTracker.js';

declare const self: ServiceWorkerGlobalScope;

export interface ReportWillQueueParam {
  report: BackendReport;
}
/**
 * A user's last word on a report before it is stored: return it (changed or
 * not), or null to drop it. A hook that throws is counted and the report kept.
 */
export type ReportWillQueueCallback = (param: ReportWillQueueParam) => BackendReport | null;

export interface MonitorOptions {
  config: MonitorConfig;
  reportWillQueue?: ReportWillQueueCallback;
  outbox?: Outbox;
}

/**
 * The worker's state: counters, retry inference, the outbox and the relay. One
 * per worker; the Workbox plugin feeds it observations.
 */
export class Monitor {
  readonly config: MonitorConfig;
  readonly retries = new RetryTracker();
  readonly outbox: Outbox;
  readonly relay: Relay;
  readonly stats: WorkerStats = { observed: 0, failures: 0, reported: 0, delivered: 0, internalErrors: 0, pending: 0 };
  private readonly reportWillQueue?: ReportWillQueueCallback;

  constructor(options: MonitorOptions) {
    this.config = options.config;
    this.reportWillQueue = options.reportWillQueue;
    this.outbox = options.outbox ?? new IdbOutbox();
    this.relay = new Relay(this.outbox, this.config, {
      delivered: (n) => {
        this.stats.delivered += n;
      },
      internalError: (err) => this.internalError(err),
      log: (...args) => this.log(...args),
    });
  }

  log(...args: unknown[]): void {
    if (this.config.debug) console.debug('[gatewayz-sw-monitor]', ...args);
  }

  /** Every exception inside the monitor ends here: counted, logged, never rethrown. */
  internalError(err: unknown): void {
    this.stats.internalErrors++;
    console.warn('[gatewayz-sw-monitor] internal error (the request was not affected):', err);
  }

  /** Builds, scrubs, stores and schedules a report. Never throws. */
  async record(observation: Observation, clientId: string): Promise<void> {
    try {
      this.stats.failures++;
      let report: BackendReport | null = buildReport(observation, this.config);
      if (this.reportWillQueue) {
        try {
          report = this.reportWillQueue({ report });
        } catch (err) {
          this.internalError(err);
        }
      }
      if (!report) return;
      const now = Date.now();
      await this.outbox.put({ eventId: report.eventId, report, clientId, createdAt: now, attempts: 0, notBefore: now });
      this.stats.reported++;
      this.log('queued', report.kind, report.method, report.url, report.status);
      this.relay.added();
    } catch (err) {
      this.internalError(err);
    }
  }

  async currentStats(): Promise<WorkerStats> {
    let pending = -1;
    try {
      pending = await this.outbox.count();
    } catch (err) {
      this.internalError(err);
    }
    return { ...this.stats, pending };
  }

  /** Answers the pages' messages: hello (then sends them what waits), stats, flush. */
  listen(info: () => { version: string; observing: boolean; configErrors: string[] }): void {
    self.addEventListener('message', (event) => handlePageMessage(this, event, info));
  }
}


export function handlePageMessage(
  monitor: Monitor | undefined,
  event: ExtendableMessageEvent,
  info: () => { version: string; observing: boolean; configErrors: string[] },
): void {
  // Only this site's own pages may talk to the worker.
  if (event.origin !== self.location.origin || !(event.source instanceof Client)) return;
  const msg = parsePageMessage(event.data);
  const port = event.ports[0];
  if (!msg) return;
  const source = event.source;
  const work = (async () => {
    switch (msg.type) {
      case 'hello':
        port?.postMessage(workerMessage('hello', { ...info(), protocol: PROTOCOL_VERSION }));
        await monitor?.relay.flush(source.id);
        break;
      case 'stats':
        port?.postMessage(workerMessage('stats', monitor ? await monitor.currentStats() : emptyStats()));
        break;
      case 'flush':
        await monitor?.relay.flush(source.id);
        port?.postMessage(workerMessage('stats', monitor ? await monitor.currentStats() : emptyStats()));
        break;
      case 'ack':
        break; // acks arrive on a batch's own port, never here
    }
  })().catch((err: unknown) => monitor?.internalError(err));
  event.waitUntil(work);
}

function emptyStats(): WorkerStats {
  return { observed: 0, failures: 0, reported: 0, delivered: 0, internalErrors: 0, pending: 0 };
}
