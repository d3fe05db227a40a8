import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, type FieldType } from '@siem/query';
import { eventIndexTemplate } from './event-template';

interface Mapping {
  readonly type?: string;
  readonly index?: boolean;
  readonly properties?: Record<string, Mapping>;
}

const QUERY_TYPES: Record<string, FieldType> = { text: 'text', ip: 'ip', date: 'date', integer: 'number', long: 'number', float: 'number', double: 'number' };

/** The query type of every declared field that is not a plain keyword. */
function typedFields(properties: Record<string, Mapping>, prefix = ''): [string, FieldType][] {
  return Object.entries(properties).flatMap(([name, mapping]): [string, FieldType][] => {
    const field = `${prefix}${name}`;
    if (mapping.properties) return typedFields(mapping.properties, `${field}.`);
    if (mapping.index === false) return [[field, 'unindexed']];
    const type = mapping.type === undefined ? undefined : QUERY_TYPES[mapping.type];
    return type ? [[field, type]] : [];
  });
}

describe('eventIndexTemplate', () => {
  it('declares the field types the query language compiles for, and no other typed field', () => {
    const template = eventIndexTemplate('siem-events-', 0) as { template: { mappings: { properties: Record<string, Mapping> } } };
    const declared = new Map(typedFields(template.template.mappings.properties));
    expect(declared).toEqual(new Map(FIELD_TYPES));
  });
});
