import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '@siem/auth';

const Role = Type.Union(ROLES.map((role) => Type.Literal(role)));
const Tenant = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$', description: 'organization.id of everything the key may read or write.' });

export const KeyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Role,
    tenant: Type.Optional(Tenant),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'After this time the key is refused.' })),
  },
  { additionalProperties: false },
);
export type KeyInput = Static<typeof KeyInput>;

export const KeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  tenant: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String()),
  revoked: Type.Boolean(),
});
export const CreatedKey = Type.Object({ key: Type.String({ description: 'The key itself: shown this once, stored only as a hash.' }), record: KeyView });
export const KeyList = Type.Object({ keys: Type.Array(KeyView) });
export const KeyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type KeyParams = Static<typeof KeyParams>;
