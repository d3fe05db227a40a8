import { Type, type Static } from '@sinclair/typebox';

export const SearchQuerystring = Type.Object(
  {
    q: Type.String({ maxLength: 4096, default: '', description: 'Query: free text, field:value, "phrases", -negation; clauses are ANDed.' }),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Earliest @timestamp, ISO 8601.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Latest @timestamp, ISO 8601.' })),
    size: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Hits to return, newest first.' }),
  },
  { additionalProperties: false },
);
export type SearchQuerystring = Static<typeof SearchQuerystring>;

export const SearchResponse = Type.Object({
  total: Type.Integer(),
  hits: Type.Array(Type.Object({ id: Type.String(), index: Type.String(), event: Type.Record(Type.String(), Type.Unknown()) })),
});

/** The one error shape of every route; `details` carries what the code needs, e.g. a query error's `position`. */
export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
});

export const CountQuerystring = Type.Omit(SearchQuerystring, ['size']);
export type CountQuerystring = Static<typeof CountQuerystring>;

export const CountResponse = Type.Object({ count: Type.Integer() });
