/**
 * The one protocol between the worker and its pages. Both sides import this
 * module; each validates what it receives with the guards below, so a message
 * from anything else (another library's worker, a forged postMessage) is ignored.
 *
 * Every message is `{ source, v, type, payload }`. A request that wants a reply
 * carries a MessageChannel port (transferred); replies go back on that port.
 */

import type { MonitorConfig } from './options.js';

export const PROTOCOL_SOURCE = 'gatewayz-sw-monitor';
/** Bumped whenever a message or report changes shape incompatibly. */
export const PROTOCOL_VERSION = 2;

/**
 * Who saw a failure: the Sentry scope of the page that made the request, as its
 * bridge told the worker (in its hello, and again when it changes). Stored with
 * the report, so a report delivered later by another tab still carries the
 * user, release and environment of the page that saw it.
 */
export interface PageScope {
  user?: Record<string, string | number>;
  release?: string;
  environment?: string;
}

export type FailureKind = 'http_error' | 'timeout' | 'offline' | 'network_error' | 'stream_error' | 'stream_stalled' | 'rate_limited' | 'burst';
export type ReportLevel = 'error' | 'warning' | 'info';

/** One observed backend failure, made in the worker, already scrubbed. */
export interface BackendReport {
  /** 32 hex chars; made once in the worker and kept through every retry of delivery. */
  eventId: string;
  kind: FailureKind;
  level: ReportLevel;
  method: string;
  /** Full request URL, scrubbed. */
  url: string;
  /** Path template: ids, uuids and hashes replaced by `{id}`. */
  endpoint: string;
  /** Value of the `gateway` query parameter, `all` when absent. */
  gateway: string;
  /** HTTP status; 0 when no response came back (offline, network error, timeout). */
  status: number;
  statusText: string;
  /** Same method and URL again within 60 s of a failure of it. */
  retryCount: number;
  durationMs: number;
  /** Epoch milliseconds when the request started. */
  startedAt: number;
  /** navigator.onLine in the worker when the failure was seen. */
  online: boolean;
  timeoutMs?: number;
  retryAfter?: string;
  requestId?: string;
  contentType?: string;
  responsePreview?: string;
  /** The fetch rejection's message, for network errors. */
  errorMessage?: string;
  /** How many failures this report stands for (duplicates folded in); 1 when alone, 0 for a held-back summary. */
  occurrences: number;
  /** When the folded occurrences came through more than one gateway: how many through each. */
  occurrencesByGateway?: Record<string, number>;
  /** Failures the rate limit (or the outbox cap) held back before this report went out. */
  heldBack?: number;
  /** For timeout: the late answer's status, when it came before the report left the worker. */
  lateStatus?: number;
  /** ...and when it came, from the request's start. */
  lateAfterMs?: number;
  /** For stream_error and stream_stalled: what arrived before the stream broke or stalled. */
  streamBytes?: number;
  streamEvents?: number;
  /** The rule (the `rules` option, from 1) that changed this report's level or fingerprint. */
  rule?: number;
  /** Fingerprint parts a rule added (a level rule adds `level:<level>`): such failures fold apart from the rest. */
  fingerprintExtra?: string[];
  /** The trace headers the request carried (`baggage`: its `sentry-` entries only), as they came: the event joins that trace. */
  trace?: { sentryTrace?: string; traceparent?: string; baggage?: string };
  /** For burst: what passed which threshold. */
  burst?: {
    scope: 'gateway' | 'endpoint';
    key: string;
    reason: 'rate' | 'sustained_5xx';
    count: number;
    /** Alerts the alert budget held back since the last one that went out. */
    suppressed?: number;
  };
  firstSeen: number;
  lastSeen: number;
  /** The scope of the page that made the request, when its bridge said what it was. */
  page?: PageScope;
  /** The event the app's own Sentry made of this request's rejection (its `TypeError: Failed to fetch`), when the page matched it to this report alone. */
  appEventId?: string;
}

/**
 * Told to the tab whose request failed, after the write-ahead and before the
 * rejection reaches it, so the app's own Sentry event of that rejection can
 * name the request (src/networkErrors.ts).
 */
export interface FailureNotice {
  /** The stored report's event id; absent when the failure was folded into an earlier report or held back. */
  eventId?: string;
  method: string;
  /** Scrubbed, as in the report. */
  url: string;
  endpoint: string;
  kind: FailureKind;
  /** Epoch ms, when the worker told the page. */
  at: number;
}

/** What health counts failures by: the report kinds, and the failures storage refused. */
export type HealthFailure = FailureKind | 'storage_failed';

export interface HealthSeries {
  origin: string;
  endpoint: string;
  gateway: string;
  requests: number;
  /** By kind; `storage_failed` counts failures whose write-ahead storage refused (they are among the others too). */
  failures: Partial<Record<HealthFailure, number>>;
  /**
   * Timed-out requests whose answer came after all (counted among
   * `failures.timeout` too): timeouts minus late is "never answered".
   */
  late?: number;
  /** Sparse histogram: bucket index → count. */
  buckets: Record<number, number>;
}

/** One window of health aggregates (health/aggregate.ts); travels through the outbox and to the page like a report. */
export interface HealthReport {
  kind: 'health';
  eventId: string;
  from: number;
  to: number;
  series: HealthSeries[];
}

export interface WorkerInfo {
  version: string;
  protocol: number;
  /** False when the worker's configuration was rejected and it observes nothing. */
  observing: boolean;
  configErrors: string[];
  /** The options the worker runs with (defaults included), when it read them. */
  config?: MonitorConfig;
}

export interface WorkerStats {
  /** Fetch events that reached the worker at all (static routes keep unwatched requests away). */
  fetchEvents: number;
  /** Requests the monitor observed (watched origins only). */
  observed: number;
  failures: number;
  reported: number;
  /** Reports a page acknowledged (health windows are not counted). */
  delivered: number;
  /** Reports the app dropped on purpose (beforeSend or a processor returned null, sampling); their counts ride on the next report. */
  dropped: number;
  /** Failures whose write-ahead storage refused (quota, private mode, eviction): held in memory and offered at once. */
  storageFailed: number;
  /** Failures a rule (the `rules` option) said to ignore: counted in health, no event. */
  ignored?: number;
  /** Exceptions inside the monitor, caught so they never touched a request. */
  internalErrors: number;
  /** Failures seen but not yet written to the outbox (a few milliseconds' worth, normally). */
  storing: number;
  /** Reports waiting in the outbox (health windows are not counted). */
  pending: number;
  /** Whether the worker is greeting a page or offering it reports right now (what waits goes out on a page's hello). */
  flushing: boolean;
}

export const zeroStats = (): WorkerStats => ({ fetchEvents: 0, observed: 0, failures: 0, reported: 0, delivered: 0, dropped: 0, storageFailed: 0, internalErrors: 0, storing: 0, pending: 0, flushing: false });

export type WorkerMessage =
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'reports'; payload: { reports: BackendReport[]; health?: HealthReport[]; respondBy?: number } }
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'hello'; payload: WorkerInfo }
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'stats'; payload: WorkerStats }
  /** One of this tab's requests failed (its rejection follows): see FailureNotice. */
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'failed'; payload: FailureNotice }
  /** The worker sees a page whose bridge it does not know (a worker that forgot it, a page restored from the back/forward cache): say hello. */
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'greet'; payload: Record<string, never> };

/**
 * What a page did with a batch. `eventIds`: Sentry answered 2xx for the
 * envelope that carried each (the page has already deleted them from the
 * outbox itself). `dropped`: the app dropped them on purpose (beforeSend or an
 * event processor returned null, sampling): deleted, and the counts they carry
 * go on the next report. Everything else offered was not delivered and is
 * offered again. `retryAt`: Sentry asked for no events before this time
 * (Retry-After, X-Sentry-Rate-Limits), epoch ms.
 */
export interface AckPayload {
  eventIds: string[];
  dropped?: string[];
  retryAt?: number;
  /** Of those not delivered, the ones Sentry answered with a refusal (a status, not 2xx): they did not reach its quota. */
  refused?: string[];
}

export type PageMessage =
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'hello'; payload: { version: string; page?: PageScope } }
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'scope'; payload: PageScope }
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'ack'; payload: AckPayload }
  /** Sent on a batch's port the moment the page gets it, before Sentry is asked: a page that says nothing is frozen or gone. */
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'received'; payload: Record<string, never> }
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'stats'; payload: Record<string, never> }
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'flush'; payload: Record<string, never> }
  /** The app's own Sentry event of a failed request's rejection: added to the stored report `eventId` unless a page has it. */
  | { source: typeof PROTOCOL_SOURCE; v: number; type: 'appEvent'; payload: { eventId: string; appEventId: string } };

type Payload<M, T> = M extends { type: T; payload: infer P } ? P : never;

export function workerMessage<T extends WorkerMessage['type']>(type: T, payload: Payload<WorkerMessage, T>): WorkerMessage {
  return { source: PROTOCOL_SOURCE, v: PROTOCOL_VERSION, type, payload } as WorkerMessage;
}

export function pageMessage<T extends PageMessage['type']>(type: T, payload: Payload<PageMessage, T>): PageMessage {
  return { source: PROTOCOL_SOURCE, v: PROTOCOL_VERSION, type, payload } as PageMessage;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isEnvelope(x: unknown): x is { source: string; v: number; type: string; payload: Record<string, unknown> } {
  return isRecord(x) && x.source === PROTOCOL_SOURCE && typeof x.v === 'number' && typeof x.type === 'string' && isRecord(x.payload);
}

const KINDS: readonly string[] = ['http_error', 'timeout', 'offline', 'network_error', 'stream_error', 'stream_stalled', 'rate_limited', 'burst'];
const str = (x: unknown): x is string => typeof x === 'string';
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const optStr = (x: unknown) => x === undefined || str(x);
const optNum = (x: unknown) => x === undefined || num(x);

const isEventId = (x: unknown): x is string => str(x) && /^[0-9a-f]{32}$/.test(x);

export function isBackendReport(x: unknown): x is BackendReport {
  if (!isRecord(x)) return false;
  return (
    isEventId(x.eventId) &&
    str(x.kind) && KINDS.includes(x.kind) &&
    (x.level === 'error' || x.level === 'warning' || x.level === 'info') &&
    str(x.method) && str(x.url) && str(x.endpoint) && str(x.gateway) &&
    num(x.status) && str(x.statusText) && num(x.retryCount) && num(x.durationMs) && num(x.startedAt) &&
    typeof x.online === 'boolean' &&
    optNum(x.timeoutMs) && optStr(x.retryAfter) && optStr(x.requestId) && optStr(x.contentType) &&
    optStr(x.responsePreview) && optStr(x.errorMessage) && optNum(x.streamBytes) && optNum(x.streamEvents) &&
    optNum(x.lateStatus) && optNum(x.lateAfterMs) && optNum(x.rule) &&
    (x.fingerprintExtra === undefined || (Array.isArray(x.fingerprintExtra) && x.fingerprintExtra.every(str))) &&
    (x.trace === undefined || (isRecord(x.trace) && optStr(x.trace.sentryTrace) && optStr(x.trace.traceparent) && optStr(x.trace.baggage))) &&
    (x.burst === undefined || (isRecord(x.burst) && str(x.burst.key) && num(x.burst.count))) &&
    num(x.occurrences) && optNum(x.heldBack) && optStr(x.appEventId) &&
    (x.occurrencesByGateway === undefined || (isRecord(x.occurrencesByGateway) && Object.values(x.occurrencesByGateway).every(num))) && num(x.firstSeen) && num(x.lastSeen) &&
    (x.page === undefined || isPageScope(x.page))
  );
}

/** Bounded: a user object of at most 20 short string or number fields, release and environment at most 200 characters. */
export function isPageScope(x: unknown): x is PageScope {
  const short = (v: unknown) => v === undefined || (str(v) && v.length <= 200);
  return (
    isRecord(x) && short(x.release) && short(x.environment) &&
    (x.user === undefined ||
      (isRecord(x.user) && Object.keys(x.user).length <= 20 && Object.values(x.user).every((v) => (str(v) && v.length <= 200) || num(v))))
  );
}

export function isHealthReport(x: unknown): x is HealthReport {
  return (
    isRecord(x) && x.kind === 'health' && str(x.eventId) && num(x.from) && num(x.to) && Array.isArray(x.series) &&
    x.series.every((s) => isRecord(s) && str(s.origin) && str(s.endpoint) && str(s.gateway) && num(s.requests) && optNum(s.late) && isRecord(s.failures) && isRecord(s.buckets))
  );
}

/**
 * Guards a message the page received. A message whose protocol version differs
 * is still recognised (so the page can say so) but its payload is not trusted.
 */
export function parseWorkerMessage(data: unknown): { message: WorkerMessage } | { versionMismatch: number } | null {
  if (!isEnvelope(data)) return null;
  if (data.v !== PROTOCOL_VERSION) return { versionMismatch: data.v };
  const p = data.payload;
  switch (data.type) {
    case 'reports':
      return Array.isArray(p.reports) && p.reports.every(isBackendReport) && (p.health === undefined || (Array.isArray(p.health) && p.health.every(isHealthReport))) && optNum(p.respondBy)
        ? { message: data as WorkerMessage }
        : null;
    case 'hello':
      return str(p.version) && num(p.protocol) && typeof p.observing === 'boolean' && Array.isArray(p.configErrors)
        ? { message: data as WorkerMessage }
        : null;
    case 'stats':
      return num(p.observed) && num(p.failures) && num(p.internalErrors) ? { message: data as WorkerMessage } : null;
    case 'greet':
      return { message: data as WorkerMessage };
    case 'failed':
      return str(p.method) && str(p.url) && str(p.endpoint) && str(p.kind) && KINDS.includes(p.kind) && num(p.at) && (p.eventId === undefined || isEventId(p.eventId))
        ? { message: data as WorkerMessage }
        : null;
    default:
      return null;
  }
}

/** Guards a message the worker received from a page. */
export function parsePageMessage(data: unknown): PageMessage | null {
  if (!isEnvelope(data) || data.v !== PROTOCOL_VERSION) return null;
  const p = data.payload;
  switch (data.type) {
    case 'hello':
      return str(p.version) && (p.page === undefined || isPageScope(p.page)) ? (data as PageMessage) : null;
    case 'scope':
      return isPageScope(p) ? (data as PageMessage) : null;
    case 'ack': {
      const ids = (x: unknown) => Array.isArray(x) && x.length <= 10_000 && x.every(str);
      return ids(p.eventIds) && (p.dropped === undefined || ids(p.dropped)) && (p.refused === undefined || ids(p.refused)) && optNum(p.retryAt) ? (data as PageMessage) : null;
    }
    case 'stats':
    case 'flush':
    case 'received':
      return data as PageMessage;
    case 'appEvent':
      return isEventId(p.eventId) && isEventId(p.appEventId) ? (data as PageMessage) : null;
    default:
      return null;
  }
}
