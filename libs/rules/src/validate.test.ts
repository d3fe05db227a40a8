import { describe, expect, it } from 'vitest';
import { RuleValidationError } from './errors';
import { ruleJsonSchema } from './schema';
import { MAX_RULE_BYTES, ruleState, validateRule } from './validate';

const base = {
  id: '6c2a0f7e-3d1b-4e59-8a47-0b9c8d7e6f50',
  title: 'Whoami privileges',
  level: 'medium',
  logsource: { product: 'windows', category: 'process_creation' },
  detection: { selection: { 'Image|endswith': '\\whoami.exe' }, condition: 'selection' },
};

function refusal(input: unknown): RuleValidationError {
  try {
    validateRule(input);
  } catch (error) {
    if (error instanceof RuleValidationError) return error;
    throw error;
  }
  throw new Error('the rule was accepted');
}

function withDetection(detection: Record<string, unknown>): unknown {
  return { ...base, detection };
}

describe('validateRule', () => {
  it('rules – accepts a valid rule and fills enabled: true', () => {
    expect(validateRule(base).enabled).toBe(true);
    expect(ruleState(validateRule(base))).toEqual({ enabled: true });
  });

  it('rules – refuses text that is not JSON', () => {
    const error = refusal('{"id": ');
    expect(error.code).toBe('SIEM_RULE_INVALID_JSON');
    expect(error.pointer).toBe('');
  });

  it('rules – refuses a rule over the size limit before parsing it', () => {
    const huge = JSON.stringify({ ...base, description: 'x'.repeat(1_048_576) });
    expect(huge.length).toBeGreaterThan(MAX_RULE_BYTES);
    expect(refusal(huge).code).toBe('SIEM_RULE_TOO_LARGE');
    expect(refusal(JSON.parse(huge)).code).toBe('SIEM_RULE_TOO_LARGE');
  });

  it('rules – names the pointer and the valid values of a bad level, and an unknown key', () => {
    const error = refusal({ ...base, level: 'severe', titel: 'typo' });
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'SIEM_RULE_INVALID', pointer: '/level', message: expect.stringContaining('informational, low, medium, high, critical') }),
        expect.objectContaining({ code: 'SIEM_RULE_INVALID', pointer: '/titel', message: expect.stringContaining('unknown key') }),
      ]),
    );
  });

  it('rules – refuses an unknown modifier with its pointer', () => {
    const error = refusal(withDetection({ selection: { 'CommandLine|contain': 'x' }, condition: 'selection' }));
    expect(error.code).toBe('SIEM_RULE_UNKNOWN_MODIFIER');
    expect(error.pointer).toBe('/detection/selection/CommandLine|contain');
    expect(error.message).toContain('contains');
  });

  it('rules – refuses a condition that does not parse or names an undefined selection', () => {
    const dangling = refusal(withDetection({ selection: { Image: 'x' }, condition: 'selection and' }));
    expect(dangling.code).toBe('SIEM_RULE_BAD_CONDITION');
    expect(dangling.pointer).toBe('/detection/condition');
    const unknown = refusal(withDetection({ selection: { Image: 'x' }, condition: ['selection', 'selektion'] }));
    expect(unknown.pointer).toBe('/detection/condition/1');
    expect(unknown.message).toContain('"selektion" is not defined');
    expect(refusal(withDetection({ selection: { Image: 'x' }, condition: 'selection | count() > 5' })).code).toBe('SIEM_RULE_BAD_CONDITION');
    expect(refusal(withDetection({ selection: { Image: 'x' }, condition: '(selection' })).message).toContain('not closed');
  });

  it('rules – refuses a field the log source never provides, naming it', () => {
    const error = refusal({ ...base, logsource: { category: 'webserver' }, detection: { selection: { 'cs-uri-qery': 'x' }, condition: 'selection' } });
    expect(error.code).toBe('SIEM_RULE_UNMAPPED_FIELD');
    expect(error.pointer).toBe('/detection/selection/cs-uri-qery');
    expect(error.message).toContain('"cs-uri-qery"');
    expect(error.message).toContain('cs-uri-query');
  });

  it('rules – refuses a regular expression the linear-time engine cannot run', () => {
    const backreference = refusal(withDetection({ selection: { 'CommandLine|re': '(a)\\1' }, condition: 'selection' }));
    expect(backreference.code).toBe('SIEM_RULE_UNSAFE_REGEX');
    expect(backreference.pointer).toBe('/detection/selection/CommandLine|re');
    expect(refusal(withDetection({ selection: { 'CommandLine|re': ['ok', '(?<=x)y'] }, condition: 'selection' })).pointer).toBe('/detection/selection/CommandLine|re/1');
  });

  it('rules – refuses values that do not fit their modifier', () => {
    expect(refusal(withDetection({ s: { 'DestinationIp|cidr': '10.0.0.0/33' }, condition: 's' })).code).toBe('SIEM_RULE_BAD_VALUE');
    expect(refusal(withDetection({ s: { 'DestinationPort|gt': 'many' }, condition: 's' })).code).toBe('SIEM_RULE_BAD_VALUE');
    expect(refusal(withDetection({ s: { 'CommandLine|base64': 'a*b' }, condition: 's' })).message).toContain('wildcards');
    expect(refusal(withDetection({ s: { 'CommandLine|exists': 'yes' }, condition: 's' })).code).toBe('SIEM_RULE_BAD_VALUE');
    expect(refusal(withDetection({ s: { 'CommandLine|re|cidr': 'x' }, condition: 's' })).code).toBe('SIEM_RULE_UNKNOWN_MODIFIER');
    expect(refusal(withDetection({ s: { 'CommandLine|expand': '%unknown%' }, condition: 's' })).code).toBe('SIEM_RULE_UNKNOWN_PLACEHOLDER');
  });

  it('rules – saves a rule whose log source no parser produces as disabled, with the reason', () => {
    const rule = validateRule({ ...base, logsource: { product: 'okta', service: 'okta' }, detection: { s: { eventType: 'x' }, condition: 's' } });
    const state = ruleState(rule);
    expect(state.enabled).toBe(false);
    expect(state.disabledReason).toContain('product okta, service okta');
  });

  it('rules – publishes a JSON Schema that lists the levels', () => {
    const schema = ruleJsonSchema() as { properties: { level: { anyOf: { const: string }[] } }; required: string[] };
    expect(schema.properties.level.anyOf.map((option) => option.const)).toEqual(['informational', 'low', 'medium', 'high', 'critical']);
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'level', 'logsource', 'detection']));
  });
});
