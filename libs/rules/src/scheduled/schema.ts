/**
 * Scheduled rules: a query in the API's language run on a schedule over a lookback window,
 * like OpenSearch's and Elastic's query and threshold rules (`count by source.ip > 100 in
 * 5m`), and `new_terms`: a value, or a combination of up to three fields, seen for the first
 * time within a history window. Same family as the other rule documents: same metadata,
 * `enabled`, `custom` and `actions`, with a `scheduled` section.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { RULE_LEVELS, RULE_STATUSES } from '../schema';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const DURATION = '^[1-9][0-9]{0,8}[smhd]$';
const FIELD = Type.String({ minLength: 1, maxLength: 256 });

export const SCHEDULED_TYPES = ['query', 'new_terms'] as const;

export const ScheduledSchema = Type.Object(
  {
    type: Type.Union(SCHEDULED_TYPES.map((type) => Type.Literal(type)), { description: 'query (with an optional threshold) or new_terms' }),
    query: Type.String({ minLength: 1, maxLength: 8192, default: '*', description: 'The events considered, in the API query language.' }),
    interval: Type.Optional(Type.String({ pattern: DURATION, description: 'Run every <n>s|m|h|d, aligned to the epoch (5m runs at :00, :05, ...).' })),
    cron: Type.Optional(Type.String({ minLength: 9, maxLength: 128, description: 'Or a five-field cron schedule, UTC (*/5 * * * *).' })),
    lookback: Type.String({ pattern: DURATION, description: 'Each run reads the events of this window before its scheduled time.' }),
    threshold: Type.Optional(
      Type.Object(
        {
          by: Type.Optional(Type.Array(FIELD, { maxItems: 3, description: 'Count per value (or combination) of these fields; none: the whole window.' })),
          gt: Type.Optional(Type.Integer({ minimum: 0 })),
          gte: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false, description: 'query only: alert per group whose count passes gt or gte; without it, a run alerts once when any event matches.' },
      ),
    ),
    fields: Type.Optional(Type.Array(FIELD, { minItems: 1, maxItems: 3, description: 'new_terms: the field, or up to three fields whose combination is new.' })),
    history: Type.Optional(Type.String({ pattern: DURATION, description: 'new_terms: how far back before the lookback a value must not have been seen.' })),
  },
  { additionalProperties: false },
);

export const ScheduledRuleSchema = Type.Object(
  {
    id: Type.String({ pattern: UUID }),
    title: Type.String({ minLength: 1, maxLength: 256 }),
    name: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]+$' })),
    description: Type.Optional(Type.String({ maxLength: 65_536 })),
    status: Type.Optional(Type.Union(RULE_STATUSES.map((status) => Type.Literal(status)))),
    level: Type.Union(RULE_LEVELS.map((level) => Type.Literal(level)), { default: 'medium' }),
    tags: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_.-]+$' }))),
    references: Type.Optional(Type.Array(Type.String())),
    author: Type.Optional(Type.String()),
    date: Type.Optional(Type.String()),
    modified: Type.Optional(Type.String()),
    falsepositives: Type.Optional(Type.Array(Type.String())),
    scheduled: ScheduledSchema,
    enabled: Type.Boolean({ default: true }),
    custom: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    actions: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false, $id: 'https://siem.local/schemas/scheduled-rule.json', title: 'Scheduled rule' },
);

export type ScheduledRule = Static<typeof ScheduledRuleSchema>;
export type ScheduledType = (typeof SCHEDULED_TYPES)[number];

export function scheduledRuleJsonSchema(): object {
  return JSON.parse(JSON.stringify(ScheduledRuleSchema as TSchema)) as object;
}
