import { describe, expect, it } from 'vitest';
import { RuleValidationError } from '../errors';
import { parseSigmaCollection } from './import';
import { resolveCorrelations, timespanMs, validateCorrelationRule } from './validate';

const ID = '0c3a2e41-5d7b-4f1e-9a2b-6c8d0e1f2a3b';

function issuesOf(input: unknown): Array<{ code: string; pointer: string }> {
  try {
    validateCorrelationRule(input);
  } catch (error) {
    if (error instanceof RuleValidationError) return error.issues.map(({ code, pointer }) => ({ code, pointer }));
    throw error;
  }
  return [];
}

const base = (correlation: Record<string, unknown>) => ({ id: ID, title: 'Correlation', correlation });

describe('correlation rule validation', () => {
  it('accepts Sigma shorthands and fills defaults: one rule or group-by field as a string, temporal needing all its rules', () => {
    const rule = validateCorrelationRule(base({ type: 'temporal', rules: 'a', 'group-by': 'host.name', timespan: '90m' }));
    expect(rule.correlation.rules).toEqual(['a']);
    expect(rule.correlation['group-by']).toEqual(['host.name']);
    expect(rule.correlation.condition).toEqual({ gte: 1 });
    expect(rule.level).toBe('medium');
    expect(rule.enabled).toBe(true);
    expect(timespanMs(rule.correlation.timespan)).toBe(90 * 60_000);
  });

  it('names the bad part with a JSON pointer', () => {
    expect(issuesOf(base({ type: 'event_count', rules: ['a'], timespan: '5x', condition: { gte: 1 } }))).toContainEqual({ code: 'SIEM_RULE_INVALID', pointer: '/correlation/timespan' });
    expect(issuesOf(base({ type: 'sequence', rules: ['a'], timespan: '5m' }))).toContainEqual({ code: 'SIEM_RULE_INVALID', pointer: '/correlation/type' });
    expect(issuesOf({ ...base({ type: 'event_count', rules: ['a'], timespan: '5m', condition: { gte: 1 } }), logsource: {} })).toContainEqual({ code: 'SIEM_RULE_INVALID', pointer: '/logsource' });
    expect(issuesOf(base({ type: 'event_count', rules: ['a'], timespan: '5m', condition: { gte: 1, over: 2 } }))).toContainEqual({ code: 'SIEM_RULE_INVALID', pointer: '/correlation/condition/over' });
  });

  it('refuses what a type cannot run, each at its pointer', () => {
    const bad = (correlation: Record<string, unknown>) => issuesOf(base(correlation)).filter((issue) => issue.code === 'SIEM_RULE_BAD_CORRELATION').map((issue) => issue.pointer);
    expect(bad({ type: 'value_count', rules: ['a'], timespan: '5m', condition: { gte: 3 } })).toEqual(['/correlation/condition']);
    expect(bad({ type: 'event_count', rules: ['a'], timespan: '5m' })).toEqual(['/correlation/condition']);
    expect(bad({ type: 'event_count', rules: ['a'], timespan: '5m', condition: { gte: 3, field: 'x' } })).toEqual(['/correlation/condition/field']);
    expect(bad({ type: 'value_percentile', rules: ['a'], timespan: '5m', condition: { field: 'x', gte: 3 } })).toEqual(['/correlation/condition']);
    expect(bad({ type: 'temporal', rules: ['a', 'b'], timespan: '5m', condition: { lt: 2 } })).toEqual(['/correlation/condition/lt']);
    expect(bad({ type: 'temporal', rules: ['a', 'a'], timespan: '5m' })).toEqual(['/correlation/rules/1']);
    expect(bad({ type: 'temporal', rules: ['a', 'b'], timespan: '31d' })).toEqual(['/correlation/timespan']);
    expect(bad({ type: 'temporal', rules: ['a', 'b'], timespan: '5m', aliases: { ip: { c: 'source.ip' } } })).toEqual(['/correlation/aliases/ip/c']);
  });

  it('resolves references by id or name, refuses unknown ones, cycles and chains on a correlation decided at window close', () => {
    const known = [{ id: '11111111-1111-4111-8111-111111111111', name: 'failed' }];
    const child = validateCorrelationRule({ id: '22222222-2222-4222-8222-222222222222', name: 'many', title: 'Many', correlation: { type: 'event_count', rules: ['failed'], timespan: '5m', condition: { gte: 5 } } });
    const parent = validateCorrelationRule({ id: ID, title: 'Parent', correlation: { type: 'temporal', rules: ['many', known[0]?.id], timespan: '5m' } });
    expect(resolveCorrelations([parent, child], known).map((rule) => rule.id)).toEqual([child.id, parent.id]);
    expect(() => resolveCorrelations([parent], known)).toThrow(/no rule has the id or name "many"/);
    const loopA = validateCorrelationRule({ id: '33333333-3333-4333-8333-333333333333', name: 'loop_a', title: 'A', correlation: { type: 'event_count', rules: ['loop_b'], timespan: '5m', condition: { gte: 1 } } });
    const loopB = validateCorrelationRule({ id: '44444444-4444-4444-8444-444444444444', name: 'loop_b', title: 'B', correlation: { type: 'event_count', rules: ['loop_a'], timespan: '5m', condition: { gte: 1 } } });
    expect(() => resolveCorrelations([loopA, loopB], known)).toThrow(/depends on itself/);
    const atClose = { ...child, correlation: { ...child.correlation, condition: { lt: 5 } } };
    expect(() => resolveCorrelations([parent, atClose], known)).toThrow(/decided only when its window closes/);
  });
});

describe('Sigma multi-document import', () => {
  const yaml = `title: SSH brute force succeeded
id: 6f1d3c2a-8b4e-4a7f-9c1d-2e3f4a5b6c7d
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - sshd_password_guessing
        - sshd_password_accepted
    group-by:
        - user.name
        - source.ip
    timespan: 10m
level: high
---
title: SSH password guessing
id: 7a2e4d3b-9c5f-4b8a-8d2e-3f4a5b6c7d8e
name: sshd_password_guessing
correlation:
    type: event_count
    rules: sshd_password_failed
    group-by:
        - user.name
        - source.ip
    timespan: 10m
    condition:
        gte: 5
---
title: SSH password failed
id: 8b3f5e4c-0d6a-4c9b-9e3f-4a5b6c7d8e9f
name: sshd_password_failed
logsource:
    product: linux
    service: sshd
detection:
    selection:
        event.outcome: failure
    condition: selection
level: informational
---
title: SSH password accepted
id: 9c4a6f5d-1e7b-4dac-8f4a-5b6c7d8e9fa0
name: sshd_password_accepted
logsource:
    product: linux
    service: sshd
detection:
    selection:
        event.outcome: success
    condition: selection
level: informational
---
title: Refers to nothing
id: ad5b7a6e-2f8c-4ebd-9a5b-6c7d8e9fa0b1
correlation:
    type: event_count
    rules: no_such_rule
    timespan: 1h
    condition:
        gte: 2
`;

  it('reads correlations and their single-event rules from one file, chaining by name', () => {
    const results = parseSigmaCollection(yaml, 'mr_ssh.yml');
    expect(results.map((result) => result.ok)).toEqual([true, true, true, true, false]);
    const first = results[0];
    expect(first?.ok === true && 'correlation' in first ? first.correlation.correlation.type : undefined).toBe('temporal_ordered');
    const refused = results[4];
    expect(refused?.ok === false ? [refused.code, refused.pointer, refused.id] : undefined).toEqual(['SIEM_RULE_BAD_CORRELATION', '/correlation/rules/0', 'ad5b7a6e-2f8c-4ebd-9a5b-6c7d8e9fa0b1']);
  });

  it('resolves references to rules imported before, and reports a bad correlation document with its pointer', () => {
    const alone = yaml.split('---')[4] ?? '';
    const results = parseSigmaCollection(alone, undefined, { knownRules: [{ id: 'ad5b7a6e-0000-4ebd-9a5b-6c7d8e9fa0b1', name: 'no_such_rule' }] });
    expect(results.map((result) => result.ok)).toEqual([true]);
    const broken = parseSigmaCollection('title: x\nid: ad5b7a6e-2f8c-4ebd-9a5b-6c7d8e9fa0b1\ncorrelation:\n  type: value_count\n  rules: a\n  timespan: 1h\n  condition:\n    gte: 2\n', undefined, { knownRules: [{ id: 'a' }] });
    expect(broken[0]?.ok === false ? [broken[0].code, broken[0].pointer] : undefined).toEqual(['SIEM_RULE_BAD_CORRELATION', '/correlation/condition']);
  });
});
