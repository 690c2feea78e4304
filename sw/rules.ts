/**
 * Rules: a team's tunings as configuration (the `rules` option). Each rule is
 * a `match` and one action:
 *
 *   { "match": { "endpoint": "/v1/legacy/*", "status": 404 }, "action": "ignore" }
 *   { "match": { "gateway": "flaky", "status": 504 }, "level": "info" }
 *   { "match": { "kind": "timeout" }, "fingerprint": ["slow"] }
 *
 * `match` keys, all of which must match: `status` (codes and ranges, as
 * `failedStatus`), `endpoint` (an endpoint template pattern with the same `*`
 * rules as `timeouts`), `gateway`, `method` and `kind` (`failure_kind`); each
 * of the last three a value or a list of values. The first rule that matches
 * wins. `ignore` makes no event (the failure still counts in health); `level`
 * sets the event's level; `fingerprint` adds parts to its fingerprint. A
 * failure a rule changes is folded apart from the failures it leaves alone.
 *
 * Pure: read the same way by the page (which validates, with full messages)
 * and the worker (which applies them).
 */
import { terse } from './buildFlags.js';

export type RuleLevel = 'info' | 'warning' | 'error';

/** A rule as read: lists where the user may write one value or many. */
export interface Rule {
  match: {
    status?: Array<[number, number]>;
    endpoint?: string;
    gateway?: string[];
    method?: string[];
    kind?: string[];
  };
  action?: 'ignore';
  level?: RuleLevel;
  fingerprint?: string[];
}

/** A rule as a user writes it (in JS, or as JSON on the script tag and in the worker's URL). */
export interface RuleInput {
  match: {
    status?: number | string;
    endpoint?: string;
    gateway?: string | readonly string[];
    method?: string | readonly string[];
    kind?: string | readonly string[];
  };
  action?: 'ignore';
  level?: RuleLevel;
  fingerprint?: readonly string[];
}

/** What a rule is matched against: one failure. */
export interface RuleFacts {
  status: number;
  endpoint: string;
  gateway: string;
  method: string;
  kind: string;
}

/** What the first matching rule does: its number (from 1) and its action. */
export interface RuleHit {
  rule: number;
  ignore?: true;
  level?: RuleLevel;
  fingerprint?: string[];
}


/** The failure kinds a rule may name. */
export const RULE_KINDS = ['http_error', 'timeout', 'offline', 'network_error', 'stream_error', 'stream_stalled'];
const LEVELS = ['info', 'warning', 'error'];
const MATCH_KEYS = ['status', 'endpoint', 'gateway', 'method', 'kind'];

/** An endpoint template pattern as a regular expression: `*` at the end is the rest of the path, elsewhere the rest of a segment. */
export function patternToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*(?!$)/g, '[^/]*').replace(/\*$/, '.*')}$`);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Reads the rules from their JSON. Returns them, or why they are invalid,
 * naming the rule (from 1) and the key.
 */
export function readRules(json: string): { value: Rule[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { error: terse ? 'is not JSON' : `is not JSON (${JSON.stringify(json.slice(0, 60))}); write a list of rules, like [{"match":{"status":404,"endpoint":"/v1/legacy/*"},"action":"ignore"}]` };
  }
  if (!Array.isArray(parsed)) return { error: terse ? 'is not a list' : 'must be a list of rules, like [{"match":{"status":404},"action":"ignore"}]' };
  const rules: Rule[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const r = parsed[i];
    // (Each explanation is written `terse ? '' : ...` where it is given, so that the worker's build holds none.)
    const at = (key: string, why: string) => ({ error: `in rule ${i + 1}, "${key}"${why && `: ${why}`}` });
    if (!isObject(r)) return at('rule', terse ? '' : 'must be an object with "match" and one action ("action": "ignore", "level" or "fingerprint")');
    for (const key of Object.keys(r)) if (!['match', 'action', 'level', 'fingerprint'].includes(key)) return at(key, terse ? '' : 'is not a rule key; a rule has "match" and one of "action", "level", "fingerprint"');
    const actions = ['action', 'level', 'fingerprint'].filter((k) => r[k] !== undefined);
    if (actions.length !== 1) return at(actions.join('/') || 'action', terse ? '' : `has ${actions.length} actions; give exactly one: "action": "ignore", "level": "info" | "warning" | "error", or "fingerprint": ["part", ...]`);
    if (!isObject(r.match)) return at('match', terse ? '' : 'must be an object of status, endpoint, gateway, method and kind, like {"status": 404, "endpoint": "/v1/legacy/*"}');
    const rule: Rule = { match: {} };
    const list = (key: string, v: unknown) => (Array.isArray(v) ? v : [v]).every((x) => typeof x === 'string' && x !== '') ? (Array.isArray(v) ? v : [v]).map(String) : undefined;
    for (const [key, v] of Object.entries(r.match)) {
      if (!MATCH_KEYS.includes(key)) return at(`match.${key}`, terse ? '' : `is not a match key; they are ${MATCH_KEYS.join(', ')}`);
      if (key === 'status') {
        const ranges: Array<[number, number]> = [];
        for (const part of String(typeof v === 'number' || typeof v === 'string' ? v : '').split(',').map((s) => s.trim())) {
          const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
          const lo = Number(m?.[1]);
          const hi = Number(m?.[2] ?? m?.[1]);
          if (!m || lo < 100 || hi > 599 || lo > hi) return at('match.status', terse ? '' : `${JSON.stringify(v)} is not status codes or ranges; write 404, "404" or "500-599,429"`);
          ranges.push([lo, hi]);
        }
        rule.match.status = ranges;
      } else if (key === 'endpoint') {
        if (typeof v !== 'string' || v[0] !== '/') return at('match.endpoint', terse ? '' : `${JSON.stringify(v)} is not an endpoint template; write it like "/v1/models" or "/v1/images/*"`);
        rule.match.endpoint = v;
      } else {
        const values = list(key, v);
        if (!values) return at(`match.${key}`, terse ? '' : `${JSON.stringify(v)} must be a string or a list of strings`);
        if (key === 'kind') {
          const bad = values.find((k) => !RULE_KINDS.includes(k));
          if (bad) return at('match.kind', terse ? '' : `${JSON.stringify(bad)} is not a failure_kind; they are ${RULE_KINDS.join(', ')}`);
        }
        rule.match[key as 'gateway' | 'method' | 'kind'] = key === 'method' ? values.map((m) => m.toUpperCase()) : values;
      }
    }
    if (r.action !== undefined) {
      if (r.action !== 'ignore') return at('action', terse ? '' : `${JSON.stringify(r.action)} is not an action; the one action is "ignore" (for the others write "level" or "fingerprint")`);
      rule.action = 'ignore';
    } else if (r.level !== undefined) {
      if (!LEVELS.includes(r.level as string)) return at('level', terse ? '' : `${JSON.stringify(r.level)} is not a level; write "info", "warning" or "error"`);
      rule.level = r.level as RuleLevel;
    } else {
      const parts = Array.isArray(r.fingerprint) && r.fingerprint.length > 0 && r.fingerprint.every((p) => typeof p === 'string' && p !== '') ? (r.fingerprint as string[]) : undefined;
      if (!parts) return at('fingerprint', terse ? '' : `${JSON.stringify(r.fingerprint)} must be a list of strings, like ["flaky-gateway"]`);
      rule.fingerprint = parts;
    }
    rules.push(rule);
  }
  return { value: rules };
}

/** Rules (as read, or as written) to their JSON, status ranges as `"500-599"`: readRules reads it to the same rules. */
export function rulesToJson(rules: readonly unknown[]): string {
  return JSON.stringify(
    rules.map((r) => {
      const status = isObject(r) && isObject(r.match) ? r.match.status : undefined;
      return Array.isArray(status) ? { ...(r as object), match: { ...((r as Rule).match), status: status.map(([a, b]: [number, number]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') } } : r;
    }),
  );
}

/** The rules, compiled once: a failure → what the first rule that matches it does, or undefined. */
export function compileRules(rules: readonly Rule[]): (facts: RuleFacts) => RuleHit | undefined {
  const compiled = rules.map((r, i) => {
    const endpoint = r.match.endpoint === undefined ? undefined : patternToRegExp(r.match.endpoint);
    const { status, gateway, method, kind } = r.match;
    const hit: RuleHit = { rule: i + 1, ...(r.action && { ignore: true as const }), ...(r.level && { level: r.level }), ...(r.fingerprint && { fingerprint: r.fingerprint }) };
    return (f: RuleFacts) =>
      (!status || status.some(([lo, hi]) => f.status >= lo && f.status <= hi)) &&
      (!endpoint || endpoint.test(f.endpoint)) &&
      (!gateway || gateway.includes(f.gateway)) &&
      (!method || method.includes(f.method)) &&
      (!kind || kind.includes(f.kind))
        ? hit
        : undefined;
  });
  return (facts) => {
    for (const match of compiled) {
      const hit = match(facts);
      if (hit) return hit;
    }
    return undefined;
  };
}
