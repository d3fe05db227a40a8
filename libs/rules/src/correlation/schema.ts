/**
 * The correlation rule document: Sigma's correlation rules (specification
 * v2, with the value_sum, value_avg and value_percentile types pySigma reads)
 * as JSON, in the same family as the single-event rule document: same
 * metadata keys, same `enabled`, `custom` and `actions`. A correlation has no
 * log source or detection of its own; it counts the matches of the rules it
 * names. Only the shape is here; references, cycles and per-type needs are
 * checked in validate.ts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { RULE_LEVELS, RULE_STATUSES } from '../schema';

export const CORRELATION_TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'] as const;
export const CONDITION_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const FIELD = Type.String({ minLength: 1, maxLength: 256 });

export const CorrelationConditionSchema = Type.Object(
  {
    gt: Type.Optional(Type.Number()),
    gte: Type.Optional(Type.Number()),
    lt: Type.Optional(Type.Number()),
    lte: Type.Optional(Type.Number()),
    eq: Type.Optional(Type.Number()),
    neq: Type.Optional(Type.Number()),
    field: Type.Optional(Type.Union([FIELD, Type.Array(FIELD, { minItems: 1, maxItems: 1 })], { description: 'The field whose values are counted, summed, averaged or ranked (value_* types).' })),
    percentile: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Which percentile value_percentile compares (nearest rank).' })),
  },
  {
    additionalProperties: false,
    description: 'One or more of gt, gte, lt, lte, eq, neq (all must hold, so gt and lte make a range), plus field and percentile where the type needs them.',
  },
);

export const CorrelationSchema = Type.Object(
  {
    type: Type.Union(CORRELATION_TYPES.map((type) => Type.Literal(type)), { description: CORRELATION_TYPES.join(', ') }),
    rules: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 64, description: 'The rules whose matches are correlated, each by id or name; a correlation may name another correlation.' }),
    'group-by': Type.Optional(Type.Array(FIELD, { maxItems: 16, description: 'Fields (or aliases) whose values must be equal in every correlated event; each distinct combination is its own group.' })),
    timespan: Type.String({ pattern: '^[1-9][0-9]{0,8}[smhdw]$', description: 'Window length: a number and s, m, h, d or w (90m).' }),
    condition: Type.Optional(CorrelationConditionSchema),
    aliases: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.Record(Type.String({ minLength: 1 }), FIELD), {
        description: 'alias → {rule id or name → the field of that rule\'s events}; an alias may stand in group-by.',
      }),
    ),
    generate: Type.Optional(Type.Boolean({ description: 'true: the referenced rules also raise their own alerts (Sigma default false).' })),
  },
  { additionalProperties: false },
);

export const CorrelationRuleSchema = Type.Object(
  {
    id: Type.String({ pattern: UUID, description: 'UUID of the correlation; the alerts it raises derive their ids from it.' }),
    title: Type.String({ minLength: 1, maxLength: 256 }),
    name: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]+$' })),
    description: Type.Optional(Type.String({ maxLength: 65_536 })),
    status: Type.Optional(Type.Union(RULE_STATUSES.map((status) => Type.Literal(status)))),
    level: Type.Union(RULE_LEVELS.map((level) => Type.Literal(level)), { default: 'medium', description: 'informational, low, medium, high or critical' }),
    tags: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_.-]+$' }))),
    references: Type.Optional(Type.Array(Type.String())),
    author: Type.Optional(Type.String()),
    date: Type.Optional(Type.String()),
    modified: Type.Optional(Type.String()),
    falsepositives: Type.Optional(Type.Array(Type.String())),
    correlation: CorrelationSchema,
    enabled: Type.Boolean({ default: true, description: 'false keeps the rule stored but never evaluated.' }),
    custom: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    actions: Type.Optional(Type.Array(Type.Unknown(), { description: 'Reserved for alert actions (alerting).' })),
  },
  { additionalProperties: false, $id: 'https://siem.local/schemas/correlation-rule.json', title: 'Correlation rule' },
);

export type CorrelationRule = Static<typeof CorrelationRuleSchema>;
export type Correlation = Static<typeof CorrelationSchema>;
export type CorrelationCondition = Static<typeof CorrelationConditionSchema>;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** The JSON Schema of a correlation rule document (a plain copy, without TypeBox's symbols). */
export function correlationRuleJsonSchema(): object {
  return JSON.parse(JSON.stringify(CorrelationRuleSchema as TSchema)) as object;
}
