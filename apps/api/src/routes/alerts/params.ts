import { Type, type Static } from '@sinclair/typebox';

export const AlertIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type AlertIdParams = Static<typeof AlertIdParams>;
