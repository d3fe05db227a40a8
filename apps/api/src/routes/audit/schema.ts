import { Type, type Static } from '@sinclair/typebox';

export const AuditQuerystring = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Earliest record time, ISO 8601 (inclusive).' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Latest record time, ISO 8601 (inclusive).' })),
    principal: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'A key id, token subject or name.' })),
    route: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'A route pattern as recorded: /api/v1/alerts/:id.' })),
    method: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3,7}$' })),
    status: Type.Optional(Type.String({ pattern: '^[1-5]([0-9][0-9]|xx)$', description: 'A status (403) or a class (4xx).' })),
    size: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Records per page, newest first.' }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'The `next` of the previous page.' })),
  },
  { additionalProperties: false },
);
export type AuditQuerystring = Static<typeof AuditQuerystring>;

const Loose = Type.Record(Type.String(), Type.Unknown());

export const AuditPageResponse = Type.Object({
  records: Type.Array(
    Type.Object({
      id: Type.String(),
      '@timestamp': Type.String(),
      tenant: Type.String(),
      principal: Type.Optional(Type.Object({ kind: Type.String(), id: Type.String(), name: Type.String(), role: Type.String() })),
      method: Type.String(),
      route: Type.String(),
      params: Type.Optional(Loose),
      query: Type.Optional(Loose),
      body: Type.Optional(Type.Unknown()),
      status: Type.Integer(),
      sourceAddress: Type.String(),
      durationMs: Type.Number(),
    }),
  ),
  next: Type.Optional(Type.String()),
});
