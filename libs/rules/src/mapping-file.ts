import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { RuleValidationError } from './errors';
import { FieldMappingTableSchema, type FieldMappingTable } from './log-sources';

/** Reads a field mapping table (JSON or YAML text); throws SIEM_RULE_BAD_MAPPING naming the bad part. */
export function parseFieldMappings(text: string): FieldMappingTable {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new RuleValidationError([{ code: 'SIEM_RULE_BAD_MAPPING', pointer: '', message: `the field mapping table is neither JSON nor YAML: ${(error as Error).message}` }]);
  }
  const withDefaults = Value.Default(FieldMappingTableSchema, value);
  const errors = [...Value.Errors(FieldMappingTableSchema, withDefaults)].slice(0, 20);
  if (errors.length > 0) {
    throw new RuleValidationError(errors.map((error) => ({ code: 'SIEM_RULE_BAD_MAPPING' as const, pointer: error.path, message: `field mapping table: ${error.message}` })));
  }
  return withDefaults as FieldMappingTable;
}

/** Reads the field mapping table file a deployment configures. */
export function loadFieldMappings(file: string): FieldMappingTable {
  return parseFieldMappings(readFileSync(file, 'utf8'));
}
