import { describe, expect, it } from 'vitest';
import { parseConfig, configToQuery } from '../sw/config.js';
import { readOptions } from '../sw/options.js';
import { compileRules, readRules, rulesToJson, type RuleFacts } from '../sw/rules.js';

const facts = (f: Partial<RuleFacts> = {}): RuleFacts => ({ status: 500, endpoint: '/v1/models', gateway: 'all', method: 'GET', kind: 'http_error', ...f });

/** The two tunings the hand-written tracker's team planned, as rules. */
const TUNINGS = [
  { match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' as const },
  { match: { gateway: 'flaky-gw', status: 504 }, level: 'info' as const },
];

describe('rules: reading', () => {
  it('reads each match key and action, normalising lists, methods and statuses', () => {
    const read = readRules(
      JSON.stringify([
        { match: { endpoint: '/v1/legacy/*', status: 404 }, action: 'ignore' },
        { match: { gateway: ['a', 'b'], status: '500-599,429', method: 'post' }, level: 'warning' },
        { match: { kind: ['timeout', 'stream_stalled'] }, fingerprint: ['slow'] },
        { match: {}, level: 'error' },
      ]),
    );
    expect(read).toEqual({
      value: [
        { match: { endpoint: '/v1/legacy/*', status: [[404, 404]] }, action: 'ignore' },
        { match: { gateway: ['a', 'b'], status: [[500, 599], [429, 429]], method: ['POST'] }, level: 'warning' },
        { match: { kind: ['timeout', 'stream_stalled'] }, fingerprint: ['slow'] },
        { match: {}, level: 'error' },
      ],
    });
  });

  it.each([
    ['not JSON', '[{', 'is not JSON'],
    ['not a list', '{"match":{}}', 'must be a list of rules'],
    ['two actions', '[{"match":{},"level":"info","action":"ignore"}]', 'in rule 1, "action/level": has 2 actions; give exactly one'],
    ['no action', '[{"match":{"status":404}}]', 'in rule 1, "action": has 0 actions'],
    ['an unknown match key', '[{"match":{"statuz":404},"action":"ignore"}]', 'in rule 1, "match.statuz": is not a match key; they are status, endpoint, gateway, method, kind'],
    ['a bad status', '[{"match":{},"level":"info"},{"match":{"status":"60x"},"action":"ignore"}]', 'in rule 2, "match.status": "60x" is not status codes or ranges'],
    ['an endpoint without its slash', '[{"match":{"endpoint":"v1/x"},"action":"ignore"}]', 'in rule 1, "match.endpoint": "v1/x" is not an endpoint template'],
    ['an unknown kind', '[{"match":{"kind":"boom"},"action":"ignore"}]', 'in rule 1, "match.kind": "boom" is not a failure_kind'],
    ['an unknown level', '[{"match":{},"level":"fatal"}]', 'in rule 1, "level": "fatal" is not a level; write "info", "warning" or "error"'],
    ['an unknown action', '[{"match":{},"action":"drop"}]', 'in rule 1, "action": "drop" is not an action'],
    ['an empty fingerprint', '[{"match":{},"fingerprint":[]}]', 'in rule 1, "fingerprint": [] must be a list of strings'],
    ['no match', '[{"action":"ignore"}]', 'in rule 1, "match": must be an object'],
    ['an unknown rule key', '[{"match":{},"action":"ignore","when":1}]', 'in rule 1, "when": is not a rule key'],
  ])('%s is a clear error naming the rule and the key', (_, json, message) => {
    const read = readRules(json);
    expect('error' in read && read.error).toContain(message);
  });

  it('is an option at every entry point, with the same message everywhere, and round-trips through the worker URL', () => {
    for (const at of ['vite', 'tag', 'integration', 'register', 'route'] as const) {
      expect(readOptions({ rules: TUNINGS }, at)).toEqual({ values: { rules: (readRules(JSON.stringify(TUNINGS)) as { value: unknown }).value }, errors: [] });
      expect(readOptions({ rules: '[{"match":{"status":"60x"},"action":"ignore"}]' }, at).errors).toEqual([
        'gatewayz-sw-monitor: option "rules" in rule 1, "match.status": "60x" is not status codes or ranges; write 404, "404" or "500-599,429".',
      ]);
    }
    const { config } = parseConfig(new URLSearchParams());
    expect(config.rules).toEqual([]);
    const { values } = readOptions({ rules: TUNINGS }, 'register');
    const q = configToQuery(values);
    expect(parseConfig(q)).toEqual({ config: { ...config, rules: values.rules }, errors: [] });
    expect(JSON.parse(rulesToJson(values.rules as never))).toEqual([
      { match: { endpoint: '/v1/legacy/*', status: '404' }, action: 'ignore' },
      { match: { gateway: ['flaky-gw'], status: '504' }, level: 'info' },
    ]);
  });
});

describe('rules: matching', () => {
  const tunings = compileRules((readRules(JSON.stringify(TUNINGS)) as { value: never }).value);

  it('the deprecated endpoint\'s 404s are ignored; its other statuses and other endpoints\' 404s are not', () => {
    expect(tunings(facts({ endpoint: '/v1/legacy/models', status: 404 }))).toEqual({ rule: 1, ignore: true });
    expect(tunings(facts({ endpoint: '/v1/legacy/models/{id}', status: 404 }))).toEqual({ rule: 1, ignore: true });
    expect(tunings(facts({ endpoint: '/v1/legacy/models', status: 500 }))).toBeUndefined();
    expect(tunings(facts({ endpoint: '/v1/models', status: 404 }))).toBeUndefined();
  });

  it('the flaky gateway\'s 504s are info; another gateway\'s 504s on the same endpoint stay as they were', () => {
    expect(tunings(facts({ gateway: 'flaky-gw', status: 504 }))).toEqual({ rule: 2, level: 'info' });
    expect(tunings(facts({ gateway: 'other', status: 504 }))).toBeUndefined();
    expect(tunings(facts({ gateway: 'flaky-gw', status: 503 }))).toBeUndefined();
  });

  it('the first matching rule wins; every key given must match; a one-segment * stays in its segment', () => {
    const match = compileRules(
      (readRules(JSON.stringify([
        { match: { method: 'post', kind: 'timeout' }, fingerprint: ['slow-post'] },
        { match: { kind: 'timeout' }, level: 'warning' },
        { match: { endpoint: '/v1/*/completions' }, level: 'error' },
      ])) as { value: never }).value,
    );
    expect(match(facts({ method: 'POST', kind: 'timeout', status: 408 }))).toEqual({ rule: 1, fingerprint: ['slow-post'] });
    expect(match(facts({ method: 'GET', kind: 'timeout', status: 408 }))).toEqual({ rule: 2, level: 'warning' });
    expect(match(facts({ endpoint: '/v1/chat/completions' }))).toEqual({ rule: 3, level: 'error' });
    expect(match(facts({ endpoint: '/v1/chat/x/completions' }))).toBeUndefined();
  });
});
