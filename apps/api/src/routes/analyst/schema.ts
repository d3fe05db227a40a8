import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_SAMPLE_VALUES, MAX_SAMPLE_VALUES } from '@siem/store';

const FieldName = Type.String({ pattern: '^[A-Za-z0-9_@-]+(\\.[A-Za-z0-9_@-]+)*$', maxLength: 256, description: 'A field, dotted: source.ip.' });
const AggregationName = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';
const Time = Type.String({ format: 'date-time', description: 'ISO 8601.' });

const Range = {
  q: Type.String({ maxLength: 4096, default: '', description: 'The query (docs/query-language.md); empty matches everything.' }),
  from: Type.Optional({ ...Time, description: 'Earliest @timestamp, ISO 8601, included.' }),
  to: Type.Optional({ ...Time, description: 'Latest @timestamp, ISO 8601, included.' }),
};

export const SearchBody = Type.Object(
  {
    ...Range,
    size: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Hits per page.' }),
    sort: Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc', description: 'By @timestamp: desc is newest first.' }),
    fields: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: 100, description: 'Return only these fields of each event.' })),
    searchAfter: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The `next` of the previous page (search_after), to read the page after it; same query and sort.' })),
  },
  { additionalProperties: false },
);
export type SearchBody = Static<typeof SearchBody>;

const Hit = Type.Object({ id: Type.String(), index: Type.String(), event: Type.Record(Type.String(), Type.Unknown()) });

export const SearchPageResponse = Type.Object({
  total: Type.Integer({ description: 'Matching events: exact up to 10,000, then a lower bound.' }),
  totalRelation: Type.Union([Type.Literal('eq'), Type.Literal('gte')], { description: "'gte' when total is a lower bound." }),
  hits: Type.Array(Hit),
  next: Type.Optional(Type.String({ description: 'Pass as searchAfter for the next page; absent on a page that is not full.' })),
});

export const EventParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
export type EventParams = Static<typeof EventParams>;
export const EventResponse = Hit;

const Metric = Type.Union([
  Type.Object({ type: Type.Literal('stats'), field: FieldName }, { additionalProperties: false, description: 'count, min, max, avg, sum of a number field.' }),
  Type.Object(
    { type: Type.Literal('percentiles'), field: FieldName, percents: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { minItems: 1, maxItems: 20 })) },
    { additionalProperties: false, description: 'Exact percentiles (linear interpolation between ranks); default 1, 5, 25, 50, 75, 95, 99.' },
  ),
  Type.Object({ type: Type.Literal('cardinality'), field: FieldName }, { additionalProperties: false, description: 'Distinct values, exact up to 40,000.' }),
  Type.Object({ type: Type.Literal('top_hits'), size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false, description: 'The newest events (default 3).' }),
]);

const Metrics = Type.Optional(Type.Record(Type.String({ pattern: AggregationName }), Metric, { maxProperties: 10, description: 'Metrics computed in each bucket.' }));

const Aggregation = Type.Union([
  Type.Object(
    {
      type: Type.Literal('terms'),
      field: FieldName,
      size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Buckets (default 10).' })),
      missing: Type.Optional(Type.Boolean({ description: 'Also count the events without the field.' })),
      order: Type.Optional(Type.Union([Type.Literal('count_desc'), Type.Literal('count_asc'), Type.Literal('key_asc'), Type.Literal('key_desc')])),
      aggs: Metrics,
    },
    { additionalProperties: false, description: 'Top values of a field.' },
  ),
  Type.Object(
    {
      type: Type.Literal('date_histogram'),
      field: Type.Optional(FieldName),
      interval: Type.String({ pattern: '^(auto|[1-9][0-9]{0,8}(ms|s|m|h|d))$', description: 'Fixed (15m, 1h, 1d) or auto: about 50 buckets over from–to.' }),
      timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone or ±hh:mm; buckets of a day or more start at local midnight.' })),
      aggs: Metrics,
    },
    { additionalProperties: false, description: 'Events per time interval, empty buckets included.' },
  ),
  ...Metric.anyOf,
]);

export const AggregateBody = Type.Object(
  {
    ...Range,
    aggs: Type.Record(Type.String({ pattern: AggregationName }), Aggregation, { minProperties: 1, maxProperties: 10, description: 'Named aggregations; buckets may hold metrics.' }),
  },
  { additionalProperties: false },
);
export type AggregateBody = Static<typeof AggregateBody>;

export const AggregateResponse = Type.Object({
  total: Type.Integer({ description: 'Matching events in the range, exactly.' }),
  interval: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'The interval chosen for each auto date histogram.' })),
  aggs: Type.Record(Type.String(), Type.Unknown()),
});

export const ExportBody = Type.Object(
  {
    ...Range,
    format: Type.Union([Type.Literal('ndjson'), Type.Literal('csv')], { default: 'ndjson', description: 'ndjson: one event per line with its id; csv: a header and one row per event.' }),
    sort: Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc' }),
    fields: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: 100, description: 'Fields to export (CSV columns); CSV defaults to @timestamp, host.name, source.ip, user.name, event.action, event.outcome, message.' })),
    limit: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 1_000_000, description: 'Events at most.' }),
  },
  { additionalProperties: false },
);
export type ExportBody = Static<typeof ExportBody>;

export const FieldsQuerystring = Type.Object(
  {
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    values: Type.Integer({ minimum: 0, maximum: MAX_SAMPLE_VALUES, default: DEFAULT_SAMPLE_VALUES, description: 'Most common values listed per keyword, number, ip and boolean field.' }),
    sample: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 5000, description: 'Accepted for clients of the versions that read the fields of a sample of events; the catalog now covers every event of the range.' }),
    ),
  },
  { additionalProperties: false },
);
export type FieldsQuerystring = Static<typeof FieldsQuerystring>;

export const FieldsResponse = Type.Object({
  events: Type.Integer({ description: "The caller's events in the range, widened to whole hours (UTC)." }),
  sampled: Type.Integer({ description: 'The same as events, under the name of the versions that read a sample of events.' }),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String({ description: 'text, keyword, number, date, ip, boolean, geo_point or flat_object: how a query compares it.' }),
      count: Type.Integer({ description: 'Events of the range that have it.' }),
      firstSeen: Type.String({ format: 'date-time', description: 'The start of the first hour of the range in which an event has it.' }),
      lastSeen: Type.String({ format: 'date-time', description: 'The start of the last such hour.' }),
      values: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'Its most common values, ties by value (keyword, number, ip and boolean fields).' }),
    }),
  ),
});
