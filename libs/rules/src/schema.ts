/**
 * The rule document: Sigma's rule format (specification v2.1.0) as JSON, plus
 * this project's own keys (`enabled`, `actions`). The TypeBox schema is the
 * shape only; what JSON Schema cannot say (modifiers, conditions, fields of
 * the log source, regular expressions) is checked in validate.ts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { SuppressionSchema } from './suppression';

export const RULE_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export const RULE_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const SigmaScalarSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], {
  description: 'A value to match: a string (with * and ? wildcards, \\ escapes them), a number, a boolean, or null for a missing field.',
});

export const FieldValueSchema = Type.Union([SigmaScalarSchema, Type.Array(SigmaScalarSchema)], {
  description: 'One value, or a list of values of which any matches (all with the |all modifier).',
});

export const FieldMapSchema = Type.Record(Type.String(), FieldValueSchema, {
  description: 'Field name with optional modifiers ("CommandLine|contains|all") → value(s); every entry must match.',
});

export const SelectionSchema = Type.Union([FieldMapSchema, Type.Array(Type.Union([FieldMapSchema, SigmaScalarSchema]), { minItems: 1 }), Type.String()], {
  description: 'A search identifier: a map (all fields match), a list of maps (any map matches), or a list of keywords searched in the message.',
});

export const DetectionSchema = Type.Object(
  {
    condition: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
      description: 'Boolean expression over the search identifiers: and, or, not, parentheses, "1 of sel*", "all of them"; a list means any of them.',
    }),
    timeframe: Type.Optional(Type.String({ description: 'Sigma 1 aggregation window; kept, not used by single-event matching.' })),
  },
  { additionalProperties: SelectionSchema, description: 'Sigma detection: named search identifiers and the condition over them.' },
);

export const LogSourceSchema = Type.Object(
  {
    product: Type.Optional(Type.String({ minLength: 1 })),
    category: Type.Optional(Type.String({ minLength: 1 })),
    service: Type.Optional(Type.String({ minLength: 1 })),
    definition: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'Where the events come from, as Sigma names it (product, category, service).' },
);

const RelatedSchema = Type.Object(
  {
    id: Type.String({ pattern: UUID }),
    type: Type.Union([Type.Literal('derived'), Type.Literal('obsolete'), Type.Literal('merged'), Type.Literal('renamed'), Type.Literal('similar')]),
  },
  { additionalProperties: false },
);

export const RuleSchema = Type.Object(
  {
    id: Type.String({ pattern: UUID, description: 'UUID of the rule; Sigma rules keep their own.' }),
    title: Type.String({ minLength: 1, maxLength: 256 }),
    name: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]+$' })),
    description: Type.Optional(Type.String({ maxLength: 65_536 })),
    status: Type.Optional(Type.Union(RULE_STATUSES.map((status) => Type.Literal(status)))),
    level: Type.Union(RULE_LEVELS.map((level) => Type.Literal(level)), { description: 'informational, low, medium, high or critical' }),
    tags: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_.-]+$' }), {
        description: 'namespace.value, e.g. attack.t1059.001 or attack.execution',
      }),
    ),
    references: Type.Optional(Type.Array(Type.String())),
    author: Type.Optional(Type.String()),
    date: Type.Optional(Type.String()),
    modified: Type.Optional(Type.String()),
    license: Type.Optional(Type.String()),
    falsepositives: Type.Optional(Type.Array(Type.String())),
    fields: Type.Optional(Type.Array(Type.String())),
    related: Type.Optional(Type.Array(RelatedSchema)),
    scope: Type.Optional(Type.Array(Type.String())),
    taxonomy: Type.Optional(Type.String()),
    logsource: LogSourceSchema,
    detection: DetectionSchema,
    enabled: Type.Boolean({ default: true, description: 'false keeps the rule stored but never evaluated.' }),
    custom: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Keys of an imported Sigma rule that the format does not define (Sigma allows custom attributes).' }),
    ),
    suppression: Type.Optional(SuppressionSchema),
    actions: Type.Optional(Type.Array(Type.Unknown(), { description: 'Reserved for alert actions (alerting).' })),
  },
  { additionalProperties: false, $id: 'https://siem.local/schemas/rule.json', title: 'Detection rule' },
);

export type Rule = Static<typeof RuleSchema>;
export type Detection = Static<typeof DetectionSchema>;
export type LogSource = Static<typeof LogSourceSchema>;
export type SigmaScalar = Static<typeof SigmaScalarSchema>;
export type FieldMap = Static<typeof FieldMapSchema>;
export type RuleLevel = (typeof RULE_LEVELS)[number];

/** The JSON Schema of a rule document, as GET /api/v1/rules/schema serves it (a plain copy, without TypeBox's symbols). */
export function ruleJsonSchema(): object {
  return JSON.parse(JSON.stringify(RuleSchema as TSchema)) as object;
}
