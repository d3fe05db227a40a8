import { describe, expect, it } from 'vitest';
import { alertId, attackFromTags } from './attack';

describe('attack', () => {
  it('rules – reads technique ids and tactic names from attack tags', () => {
    expect(attackFromTags(['attack.execution', 'attack.t1059.001', 'attack.T1027', 'attack.g0016', 'cve.2021-44228', 'attack.privilege_escalation'])).toEqual({
      techniques: ['T1059.001', 'T1027'],
      tactics: ['execution', 'privilege-escalation'],
    });
  });

  it('rules – alert ids are deterministic per rule and event', () => {
    expect(alertId('r1', 'e1')).toBe(alertId('r1', 'e1'));
    expect(alertId('r1', 'e1')).not.toBe(alertId('r1', 'e2'));
    expect(alertId('r1e', '1')).not.toBe(alertId('r1', 'e1'));
  });
});
