import { describe, expect, it } from 'vitest';
import { parseFieldMappings } from './mapping-file';
import { RuleValidationError } from './errors';
import { logSourceOf } from './log-sources';
import { parseSigmaYaml } from './sigma-yaml';
import { parseSigmaCollection } from './correlation/import';
import { ruleState, validateRule } from './validate';

const RULE = `title: Whoami Privileges
id: 2f0a8c6e-1b3d-4e5f-9a7b-8c9d0e1f2a3b
status: test
description: Lists the privileges of the current user.
author: example
date: 2026-01-01
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
        CommandLine|contains: '/priv'
    condition: selection
falsepositives:
    - Admin scripts
level: medium
regression_tests_path: regression_data/rules/whoami/info.yml
`;

describe('parseSigmaYaml', () => {
  it('rules – imports a rule, keeping keys Sigma allows but the rule format does not define under custom', () => {
    const [result] = parseSigmaYaml(RULE, 'whoami.yml');
    if (result?.ok !== true) throw new Error(`refused: ${JSON.stringify(result)}`);
    expect(result.rule.title).toBe('Whoami Privileges');
    expect(result.rule.custom).toEqual({ regression_tests_path: 'regression_data/rules/whoami/info.yml' });
    expect(result.state).toEqual({ enabled: true });
    expect(result.source).toBe('whoami.yml');
  });

  it('rules – gives one result per document, with the reason and pointer of a refused one', () => {
    const broken = RULE.replace("CommandLine|contains: '/priv'", "CommandLine|containz: '/priv'").replace('2f0a8c6e', '3f0a8c6e');
    const results = parseSigmaYaml(`${RULE}---\n${broken}`);
    expect(results.map((result) => result.ok)).toEqual([true, false]);
    expect(results[1]).toMatchObject({ ok: false, code: 'SIEM_RULE_UNKNOWN_MODIFIER', pointer: '/detection/selection/CommandLine|containz', title: 'Whoami Privileges' });
  });

  it('rules – refuses YAML that does not parse, collections and correlations', () => {
    expect(parseSigmaYaml('title: [unclosed')[0]).toMatchObject({ ok: false, code: 'SIEM_RULE_INVALID' });
    expect(parseSigmaYaml('action: global\ntitle: x\n')[0]).toMatchObject({ ok: false, code: 'SIEM_RULE_UNSUPPORTED' });
    expect(parseSigmaYaml('title: c\ncorrelation:\n  type: event_count\n')[0]).toMatchObject({ ok: false, code: 'SIEM_RULE_UNSUPPORTED', pointer: '/correlation' });
  });

  it('rules – refuses an alias before its anchor and a YAML alias bomb instead of throwing (found by the fuzz test), in both importers', () => {
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...[1, 2, 3, 4, 5].map((level) => `a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`), 'title: bomb'].join('\n');
    for (const text of ['title: *later\nid: &later x\n', bomb]) {
      expect(parseSigmaYaml(text)).toEqual([expect.objectContaining({ ok: false, code: 'SIEM_RULE_INVALID', reason: expect.stringMatching(/^not usable YAML: /) })]);
      expect(parseSigmaCollection(text)).toEqual([expect.objectContaining({ ok: false, code: 'SIEM_RULE_INVALID', reason: expect.stringMatching(/^not usable YAML: /) })]);
    }
    expect(parseSigmaCollection('title: [unclosed')).toEqual([expect.objectContaining({ ok: false, code: 'SIEM_RULE_INVALID', reason: expect.stringMatching(/^not valid YAML: /) })]);
  });
});

describe('field mapping tables', () => {
  it('rules – a configured log source makes its rules enabled, with its own field names', () => {
    const table = parseFieldMappings(`
logsources:
  - product: okta
    service: okta
    producedBy: [json]
    fields:
      eventType: json.eventType
`);
    const rule = validateRule(
      { id: '4f0a8c6e-1b3d-4e5f-9a7b-8c9d0e1f2a3b', title: 'Okta', level: 'low', logsource: { product: 'okta', service: 'okta' }, detection: { s: { eventType: 'user.mfa.factor.deactivate' }, condition: 's' } },
      { fieldMappings: table },
    );
    expect(ruleState(rule, { fieldMappings: table })).toEqual({ enabled: true });
    expect(ruleState(rule).enabled).toBe(false);
  });

  it('rules – refuses a mapping table that does not fit its schema, naming the part', () => {
    let error: unknown;
    try {
      parseFieldMappings('logsources:\n  - product: x\n    fields: {}\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleValidationError);
    expect((error as RuleValidationError).code).toBe('SIEM_RULE_BAD_MAPPING');
    expect((error as RuleValidationError).pointer).toBe('/logsources/0/producedBy');
  });
});

describe('logSourceOf', () => {
  it('rules – derives routing keys from the fields the parsers write', () => {
    const sysmon = logSourceOf({ winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '13' } });
    expect(sysmon).toEqual(expect.arrayContaining(['windows/registry_set/', 'windows/registry_event/', 'windows//sysmon', 'windows//', '/registry_set/']));
    expect(logSourceOf({ winlog: { channel: 'Security', event_id: '4688' } })).toEqual(expect.arrayContaining(['windows/process_creation/', 'windows//security']));
    expect(logSourceOf({ event: { dataset: 'linux_auth' }, process: { name: 'sshd' } })).toEqual(expect.arrayContaining(['linux//sshd', 'linux//auth', 'linux//']));
    expect(logSourceOf({ event: { dataset: 'nginx_access' }, url: { original: 'http://example.com/x' } })).toEqual(expect.arrayContaining(['/proxy/', '/webserver/', '//nginx']));
    expect(logSourceOf({ event: { dataset: 'nginx_access' }, url: { original: '/x' } })).not.toContain('/proxy/');
    expect(logSourceOf({ event: { dataset: 'cloudtrail' } })).toContain('aws//cloudtrail');
    expect(logSourceOf({ message: 'no source' })).toEqual([]);
    expect(logSourceOf({ winlog: { channel: 'Security', event_id: '4688' } })).toBe(logSourceOf({ winlog: { channel: 'Security', event_id: '4688' } }));
  });
});
