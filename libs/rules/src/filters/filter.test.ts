import { describe, expect, it } from 'vitest';
import { RuleValidationError } from '../errors';
import { compileRules } from '../rule-set';
import { validateRule } from '../validate';
import { parseSigmaCollection } from '../correlation/import';
import { applyFilters, validateFilterRule } from './filter';

const whoami = validateRule({
  id: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  name: 'whoami_priv',
  title: 'Whoami run with /priv',
  level: 'medium',
  logsource: { product: 'windows', category: 'process_creation' },
  detection: { selection: { 'Image|endswith': '\\whoami.exe' }, condition: 'selection' },
});
const otherSource = validateRule({ ...whoami, id: '1f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', name: 'sshd_rule', logsource: { product: 'linux', service: 'sshd' }, detection: { selection: { 'process.name': 'sshd' }, condition: 'selection' } });

const filterFor = (rules: unknown, extra: Record<string, unknown> = {}) =>
  validateFilterRule({
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    title: 'Our admin jump host runs whoami',
    logsource: { product: 'windows', category: 'process_creation' },
    filter: { rules, selection: { 'User|contains': 'svc_inventory' }, condition: 'not selection' },
    ...extra,
  });

/** A Sysmon process creation as Winlogbeat ships it (routing reads the channel and event id). */
const event = (user: string) => ({
  event: { code: 1, kind: 'event' },
  winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1, event_data: { Image: 'C:\\Windows\\System32\\whoami.exe', User: user } },
});

describe('Sigma filter rules', () => {
  it('turns the rule condition into (rule) and (filter), with the filter\'s identifiers renamed apart', () => {
    const merged = applyFilters(whoami, [filterFor(['whoami_priv'])]);
    expect(merged.detection.condition).toMatch(/^\(selection\) and \(not filter_[0-9a-f]{8}_selection\)$/);
    expect(merged.custom?.filters).toEqual(['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d']);
    expect(whoami.detection.condition).toBe('selection');
    expect(() => validateRule(merged)).not.toThrow();
  });

  it('the merged rule stays quiet for the excepted user and still fires for others', () => {
    const merged = applyFilters(whoami, [filterFor('any')]);
    const set = compileRules([merged]);
    expect(set.match(event('CORP\\alice'))).toHaveLength(1);
    expect(set.match(event('CORP\\svc_inventory'))).toHaveLength(0);
  });

  it('rules: any targets every rule of the filter\'s log source and none of another; a named filter only its rule', () => {
    expect(applyFilters(otherSource, [filterFor('any')])).toBe(otherSource);
    expect(applyFilters(whoami, [filterFor(['some_other_rule'])])).toBe(whoami);
    expect(applyFilters(whoami, [filterFor([], { enabled: false })])).toBe(whoami);
  });

  it('"them" in a filter condition means the filter\'s own identifiers', () => {
    const filter = validateFilterRule({
      id: '8a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      title: 'Two exceptions',
      logsource: { product: 'windows' },
      filter: { rules: 'whoami_priv', a: { 'User|contains': 'svc_a' }, b: { 'User|contains': 'svc_b' }, condition: 'not 1 of them' },
    });
    const merged = applyFilters(whoami, [filter]);
    expect(merged.detection.condition).toMatch(/^\(selection\) and \(not 1 of filter_[0-9a-f]{8}_\*\)$/);
    const set = compileRules([merged]);
    expect(set.match(event('svc_b'))).toHaveLength(0);
    expect(set.match(event('bob'))).toHaveLength(1);
  });

  it('refuses a filter without rules or with a condition naming nothing, at the pointer', () => {
    const pointerOf = (input: unknown) => {
      try {
        validateFilterRule(input);
        return undefined;
      } catch (error) {
        return error instanceof RuleValidationError ? error.pointer : undefined;
      }
    };
    expect(pointerOf({ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', title: 'x', logsource: { product: 'windows' }, filter: { selection: { a: 1 }, condition: 'not selection' } })).toBe('/filter/rules');
    expect(pointerOf({ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', title: 'x', logsource: { product: 'windows' }, filter: { rules: 'any', selection: { a: 1 }, condition: 'not nothing' } })).toBe('/filter/condition');
  });

  it('imports from a multi-document Sigma file beside the rule it tunes', () => {
    const text = `title: Whoami
id: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
name: whoami_priv
level: medium
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
---
title: Inventory service runs whoami
id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
logsource:
    product: windows
    category: process_creation
filter:
    rules:
        - whoami_priv
    selection:
        User|contains: svc_inventory
    condition: not selection
`;
    const results = parseSigmaCollection(text);
    expect(results.map((result) => result.ok && ('filter' in result ? 'filter' : 'rule' in result ? 'rule' : 'other'))).toEqual(['rule', 'filter']);
  });
});
