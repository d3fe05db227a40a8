import { Type, type Static } from '@sinclair/typebox';

const FieldName = Type.String({ pattern: '^[A-Za-z0-9_@-]+(\\.[A-Za-z0-9_@-]+)*$', maxLength: 256 });
const TimeBound = Type.String({ minLength: 1, maxLength: 64, description: 'ISO 8601 or date math (now-24h), as a query\'s @timestamp takes.' });

export const SavedSearchInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    q: Type.String({ maxLength: 4096, description: 'The query (docs/query-language.md).' }),
    from: Type.Optional(TimeBound),
    to: Type.Optional(TimeBound),
    sort: Type.Optional(Type.Union([Type.Literal('desc'), Type.Literal('asc')])),
    fields: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type SavedSearchInput = Static<typeof SavedSearchInput>;

export const SavedSearch = Type.Composite([SavedSearchInput, Type.Object({ id: Type.String(), createdAt: Type.String(), updatedAt: Type.String() })]);
export const SavedSearchList = Type.Object({ savedSearches: Type.Array(SavedSearch) });
export const SavedSearchParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type SavedSearchParams = Static<typeof SavedSearchParams>;
