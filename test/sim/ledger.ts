/**
 * The conservation ledger: what the world knows independently of the product
 * (each failure whose write-ahead committed, each burst alert the gate had to
 * decide) against where the product says those units are now. Checked after
 * every commit, so a loss or a double count is caught at the transaction that
 * made it, and cannot cancel against another one later.
 *
 * Units: a report's `occurrences + (heldBack ?? 0)`. Occurrences belong to a
 * fingerprint (the product's fold key: method, endpoint, status); held-back
 * units are one pool (the rate limit and the outbox cap do not keep them by
 * fingerprint). So per fingerprint, the units the product still attributes to
 * it may only fall behind what was injected (the rest went to the pool) and
 * never gain; globally, injected = attributed + pool, exactly.
 */
import type { OutboxRecord } from '../../sw/core/store.js';
import type { BackendReport } from '../../sw/protocol.js';
import { foldKey, GATE_KEY, type GateState } from '../../sw/quota/gate.js';

/** Units the product holds in memory only: reports the relay holds because storage refused their write-ahead. */
export interface MemoryUnits {
  fingerprint: string;
  occurrences: number;
  heldBack: number;
}

export class Ledger {
  /** Failures whose write-ahead committed, by fingerprint. */
  injected = new Map<string, number>();
  injectedTotal = 0;
  /** Burst alerts the gate had to decide (made or suppressed). */
  alertsDecided = 0;
  /** What Sentry accepted (each event id once). */
  #acceptedOcc = new Map<string, number>();
  #acceptedPool = 0;
  #acceptedAlerts = 0;
  /** Per fingerprint, the units gone to the held-back pool at the last check. */
  #deficit = new Map<string, number>();
  /** The product's in-memory units (reports held in memory by live workers, not yet at Sentry). */
  inMemory: () => MemoryUnits[] = () => [];
  /** In-memory reports a killed worker took with it (the product's stated loss), by event id: no longer expected. */
  #writtenOff = new Map<string, { fingerprint: string; occurrences: number; heldBack: number }>();
  checks = 0;

  /** `occurrences` failures of fingerprint `fp` were stored (or held in memory): they must be accounted for. */
  inject(fp: string, occurrences: number): void {
    this.injected.set(fp, (this.injected.get(fp) ?? 0) + occurrences);
    this.injectedTotal += occurrences;
  }

  /** A report held in memory was lost with its worker: its units are no longer expected. Returns them. */
  writeOff(report: BackendReport): number {
    const units = { fingerprint: foldKey(report), occurrences: report.kind === 'burst' ? 0 : report.occurrences, heldBack: report.heldBack ?? 0 };
    this.#writtenOff.set(report.eventId, units);
    this.inject(units.fingerprint, -units.occurrences);
    this.injectedTotal -= units.heldBack;
    return units.occurrences + units.heldBack;
  }

  /** Sentry accepted this report for the first time. */
  accepted(report: BackendReport): void {
    // One a killed worker held in memory, that its page still delivered: expected again.
    const off = this.#writtenOff.get(report.eventId);
    if (off) {
      this.#writtenOff.delete(report.eventId);
      this.inject(off.fingerprint, off.occurrences);
      this.injectedTotal += off.heldBack;
    }
    if (report.kind === 'burst') {
      this.#acceptedAlerts += 1 + (report.burst?.suppressed ?? 0);
      return;
    }
    const fp = foldKey(report);
    this.#acceptedOcc.set(fp, (this.#acceptedOcc.get(fp) ?? 0) + report.occurrences);
    this.#acceptedPool += report.heldBack ?? 0;
  }

  /** Returns what is wrong, or undefined. */
  check(outbox: Map<string, OutboxRecord>, meta: Map<string, unknown>, acceptedIds: ReadonlyMap<string, unknown>): string | undefined {
    this.checks++;
    const occ = new Map(this.#acceptedOcc);
    const add = (fp: string, n: number) => n !== 0 && occ.set(fp, (occ.get(fp) ?? 0) + n);
    const gate = meta.get(GATE_KEY) as GateState | undefined;
    const limit = gate?.limit;
    let pool = this.#acceptedPool + (limit?.heldBack ?? 0);
    let alerts = this.#acceptedAlerts + (limit?.suppressedAlerts ?? 0);
    let outboxAlerts = 0;
    let outboxUnits = 0;
    for (const r of outbox.values()) {
      const rep = r.report;
      if (rep.kind === 'health' || acceptedIds.has(rep.eventId)) continue;
      if (rep.kind === 'burst') {
        alerts += 1 + (rep.burst?.suppressed ?? 0);
        outboxAlerts += 1 + (rep.burst?.suppressed ?? 0);
        continue;
      }
      add(foldKey(rep), rep.occurrences);
      pool += rep.heldBack ?? 0;
      outboxUnits += rep.occurrences + (rep.heldBack ?? 0);
    }
    let folds = 0;
    for (const [fp, f] of Object.entries(gate?.folds ?? {})) {
      add(fp, f.pending);
      folds += f.pending;
    }
    for (const m of this.inMemory()) {
      add(m.fingerprint, m.occurrences);
      pool += m.heldBack;
    }
    let attributed = 0;
    for (const n of occ.values()) attributed += n;
    if (attributed + pool !== this.injectedTotal) {
      const sentry = [...this.#acceptedOcc.values()].reduce((a, b) => a + b, 0) + this.#acceptedPool;
      const what = attributed + pool < this.injectedTotal ? `${this.injectedTotal - attributed - pool} LOST` : `${attributed + pool - this.injectedTotal} COUNTED TWICE`;
      return `ledger: ${this.injectedTotal} failures committed, ${attributed + pool} units held (Sentry ${sentry}, outbox ${outboxUnits}, folds ${folds}, held back ${limit?.heldBack ?? 0}): ${what}`;
    }
    for (const fp of new Set([...this.injected.keys(), ...occ.keys()])) {
      const d = (this.injected.get(fp) ?? 0) - (occ.get(fp) ?? 0);
      if (d < 0) return `ledger: ${fp} holds ${-d} more occurrences than were injected (COUNTED TWICE)`;
      if (d < (this.#deficit.get(fp) ?? 0)) return `ledger: ${fp} gained ${(this.#deficit.get(fp) ?? 0) - d} occurrences back from the held-back pool (COUNTED TWICE)`;
      this.#deficit.set(fp, d);
    }
    if (alerts !== this.alertsDecided) {
      return `ledger: ${this.alertsDecided} burst alerts decided, ${alerts} accounted (Sentry ${this.#acceptedAlerts}, outbox ${outboxAlerts}, suppressed ${limit?.suppressedAlerts ?? 0}): ${alerts < this.alertsDecided ? 'LOST' : 'COUNTED TWICE'}`;
    }
    return undefined;
  }
}
