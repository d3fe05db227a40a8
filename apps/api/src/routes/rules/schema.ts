import { Type, type Static } from '@sinclair/typebox';

export const RuleIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type RuleIdParams = Static<typeof RuleIdParams>;

export const RuleListQuerystring = Type.Object(
  {
    tag: Type.Optional(Type.String({ maxLength: 256, description: 'A tag the rule carries, e.g. attack.t1059.001.' })),
    level: Type.Optional(Type.String({ maxLength: 32, description: 'informational, low, medium, high or critical.' })),
    status: Type.Optional(Type.String({ maxLength: 32, description: 'Sigma status: stable, test, experimental, deprecated, unsupported.' })),
    enabled: Type.Optional(Type.Boolean()),
    product: Type.Optional(Type.String({ maxLength: 128, description: 'Log source product, e.g. windows.' })),
    category: Type.Optional(Type.String({ maxLength: 128, description: 'Log source category, e.g. process_creation.' })),
    service: Type.Optional(Type.String({ maxLength: 128, description: 'Log source service, e.g. sshd.' })),
    q: Type.Optional(Type.String({ maxLength: 1024, description: 'Text found in the title, description or id, whatever the case.' })),
  },
  { additionalProperties: false },
);
export type RuleListQuerystring = Static<typeof RuleListQuerystring>;

export const ImportBody = Type.Object(
  {
    files: Type.Array(
      Type.Object({ name: Type.String({ minLength: 1, maxLength: 4096 }), content: Type.String() }, { additionalProperties: false }),
      { minItems: 1, maxItems: 10_000, description: 'Sigma YAML files as published, one or more rules each.' },
    ),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

export const TestBody = Type.Object(
  {
    rule: Type.Optional(Type.Unknown({ description: 'A rule document to try, saved or not.' })),
    ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'A saved rule to try, instead of `rule`.' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Earliest @timestamp, ISO 8601.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Latest @timestamp, ISO 8601.' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Matching events to return at most.' }),
  },
  { additionalProperties: false },
);
export type TestBody = Static<typeof TestBody>;
