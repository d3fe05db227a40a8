import { describe, expect, it } from 'vitest';
import { validateCorrelationRule } from './validate';
import { decodeSignal, encodeSignal, isCorrelationRule, signalOf, signalRouting } from './signals';

const failed = { id: '5f9f0c8e-0000-4000-8000-000000000001', name: 'sshd_failed' };
const accepted = { id: '5f9f0c8e-0000-4000-8000-000000000002', name: 'sshd_accepted' };
const other = { id: '5f9f0c8e-0000-4000-8000-000000000003' };

const bruteForce = validateCorrelationRule({
  id: '5f9f0c8e-0000-4000-8000-0000000000a1',
  title: 'Brute force then success',
  level: 'high',
  correlation: {
    type: 'temporal_ordered',
    rules: ['sshd_failed', 'sshd_accepted'],
    'group-by': ['user.name', 'addr'],
    aliases: { addr: { sshd_failed: 'source.ip', sshd_accepted: 'client.ip' } },
    timespan: '10m',
  },
});

describe('signalRouting', () => {
  it('feeds the rules a correlation names, by id or name, with the group-by fields through aliases, and mutes them by default', () => {
    const routing = signalRouting([failed, accepted, other], [bruteForce]);
    expect([...routing.feeds.keys()].sort()).toEqual([failed.id, accepted.id]);
    expect(routing.feeds.get(failed.id)).toEqual(expect.arrayContaining(['user.name', 'source.ip', 'host.name']));
    expect(routing.feeds.get(accepted.id)).toEqual(expect.arrayContaining(['user.name', 'client.ip']));
    expect(routing.feeds.get(failed.id)).not.toContain('addr');
    expect([...routing.muted].sort()).toEqual([failed.id, accepted.id].sort());
  });

  it('keeps the alerts of a rule that a generate: true correlation names, and reads the value field of value types', () => {
    const spraying = validateCorrelationRule({
      id: '5f9f0c8e-0000-4000-8000-0000000000a2',
      title: 'Spraying',
      correlation: { type: 'value_count', rules: [failed.id], 'group-by': ['source.ip'], timespan: '5m', condition: { field: 'user.name', gte: 20 }, generate: true },
    });
    const routing = signalRouting([failed, accepted], [bruteForce, spraying]);
    expect([...routing.muted]).toEqual([accepted.id]);
    expect(routing.feeds.get(failed.id)).toEqual(expect.arrayContaining(['source.ip', 'user.name']));
  });

  it('ignores disabled correlations', () => {
    const routing = signalRouting([failed, accepted], [{ ...bruteForce, enabled: false }]);
    expect(routing.feeds.size).toBe(0);
    expect(routing.muted.size).toBe(0);
  });
});

describe('signal wire form', () => {
  it('picks nested and dotted fields, takes the event time, and round-trips through the bus encoding', () => {
    const event = { '@timestamp': '2026-12-04T10:00:00.000Z', user: { name: 'alice' }, 'client.ip': '203.0.113.7', message: 'x' };
    const signal = signalOf(failed.id, failed.name, 'e1', event, ['user.name', 'client.ip', 'source.ip'], 5);
    expect(signal).toEqual({ ruleId: failed.id, ruleName: 'sshd_failed', eventId: 'e1', timestamp: Date.parse('2026-12-04T10:00:00.000Z'), fields: { 'user.name': 'alice', 'client.ip': '203.0.113.7' } });
    expect(decodeSignal(encodeSignal(signal))).toEqual(signal);
    expect(signalOf(failed.id, undefined, 'e2', { '@timestamp': 'not a time' }, [], 42).timestamp).toBe(42);
  });

  it('refuses records that are not signals instead of throwing', () => {
    expect(decodeSignal(Buffer.from('{not json'))).toBeUndefined();
    expect(decodeSignal(Buffer.from(JSON.stringify({ ruleId: 'r', eventId: 'e', timestamp: 'yesterday', fields: {} })))).toBeUndefined();
    expect(decodeSignal(Buffer.from('null'))).toBeUndefined();
  });

  it('tells correlation documents from single-event ones', () => {
    expect(isCorrelationRule(bruteForce)).toBe(true);
    expect(isCorrelationRule({ id: 'x', logsource: {}, detection: {} })).toBe(false);
  });
});
