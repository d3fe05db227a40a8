/**
 * Generic key=value lines (`date=2024-01-02 devname="FG 1" action=deny`),
 * as firewalls and appliances without a named format write them. Every pair
 * goes under `<namespace>.<key>` as a string: the keys are the sender's own,
 * so mapping them to ECS is left to a later, vendor-aware stage.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { EcsFields, FieldsBodyParser } from './body-format';
import { withDateOption } from './date-option';
import { defineBodyFormat } from './body-format';
import { ParserSetupError } from './errors';
import { fieldPath, setField } from './field-path';
import { isForbiddenKey } from './keys';
import { scanKeyValues, type KvSyntax } from './kv-scan';

const DATASET = 'kv';

export const KvOptions = Type.Object(
  {
    separator: Type.Optional(
      Type.String({ minLength: 1, maxLength: 8, description: 'Pair separator, such as "," or "|"; left out, any run of spaces and tabs.' }),
    ),
    assignment: Type.String({ minLength: 1, maxLength: 8, default: '=', description: 'What joins a key to its value, such as "=" or ":".' }),
    namespace: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$',
      default: 'kv',
      description: 'Dotted field the pairs go under, such as "kv" or "fortinet.firewall".',
    }),
  },
  { additionalProperties: false },
);

export type KvOptionsType = Static<typeof KvOptions>;

function syntaxOf(options: KvOptionsType): KvSyntax {
  const separator = options.separator;
  const overlaps =
    separator === undefined
      ? options.assignment.includes(' ') || options.assignment.includes('\t')
      : separator.includes(options.assignment) || options.assignment.includes(separator);
  if (overlaps) {
    throw new ParserSetupError(
      'SIEM_PARSE_INVALID_CONFIG',
      `Parser "kv": the separator ${separator === undefined ? '(spaces and tabs)' : JSON.stringify(separator)} and the assignment ${JSON.stringify(options.assignment)} overlap, so pairs cannot be told apart; choose two different strings.`,
    );
  }
  return { separator, assignment: options.assignment };
}

export const kvBody: FieldsBodyParser<KvOptionsType> = {
  dataset: DATASET,
  description: 'Generic key=value lines, with a configurable separator and assignment and quoted values; the pairs go under a namespace field as strings.',
  optionsSchema: KvOptions,
  compile(options) {
    const syntax = syntaxOf(options);
    const path = fieldPath(options.namespace);
    const forbidden = path.find(isForbiddenKey);
    if (forbidden !== undefined) {
      throw new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `Parser "kv": the namespace may not contain "${forbidden}"; choose another name.`);
    }
    return (body) => {
      let pairs: Record<string, string> | undefined;
      scanKeyValues(body, syntax, (key, value) => {
        if (isForbiddenKey(key)) return;
        pairs ??= {};
        pairs[key] = value;
      });
      if (pairs === undefined) return undefined;
      const fields: EcsFields = {};
      setField(fields, path, pairs);
      return fields;
    };
  },
};

export const kvParser = defineBodyFormat(withDateOption(kvBody));
