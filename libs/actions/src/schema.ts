/**
 * The `actions` of a rule: where its alerts are sent. Each action has an id (unique within the
 * rule), a type and an optional throttle (at most `max` notifications per `window`).
 */
import { Type, type Static } from '@sinclair/typebox';

const Id = Type.String({ pattern: '^[a-z0-9_-]{1,64}$', description: 'Names the action within its rule (lower case, digits, _ and -).' });
const Duration = Type.String({ pattern: '^[1-9][0-9]{0,8}[smhd]$', description: 'A number and s, m, h or d (10m).' });

export const ThrottleSchema = Type.Object(
  {
    max: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Notifications sent per window at most; the rest are counted and dropped.' }),
    window: Duration,
  },
  { additionalProperties: false },
);

const Secret = {
  secret: Type.Optional(Type.String({ minLength: 16, maxLength: 1024, description: 'HMAC-SHA256 key of the X-Siem-Signature header.' })),
  secret_env: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'Or: the environment variable that holds the key, so the rule does not.' })),
};

export const WebhookActionSchema = Type.Object(
  {
    id: Id,
    type: Type.Literal('webhook'),
    url: Type.String({ pattern: '^https?://', maxLength: 2048, description: 'Receives a POST of the alert as JSON.' }),
    headers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,128}$' }), Type.String({ maxLength: 4096 }), { description: 'Extra request headers (e.g. Authorization).' })),
    ...Secret,
    throttle: Type.Optional(ThrottleSchema),
  },
  { additionalProperties: false },
);

export const SlackActionSchema = Type.Object(
  {
    id: Id,
    type: Type.Literal('slack'),
    url: Type.String({ pattern: '^https?://', maxLength: 2048, description: 'A Slack (or compatible: Mattermost, Rocket.Chat) incoming webhook URL.' }),
    ...Secret,
    throttle: Type.Optional(ThrottleSchema),
  },
  { additionalProperties: false },
);

export const KafkaActionSchema = Type.Object(
  {
    id: Id,
    type: Type.Literal('kafka'),
    topic: Type.String({ pattern: '^[A-Za-z0-9._-]{1,249}$', description: 'Topic of the bus the alert is produced to (key: the alert id).' }),
    throttle: Type.Optional(ThrottleSchema),
  },
  { additionalProperties: false },
);

export const SyslogActionSchema = Type.Object(
  {
    id: Id,
    type: Type.Literal('syslog'),
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 514 }),
    protocol: Type.Union([Type.Literal('udp'), Type.Literal('tcp')], { default: 'udp', description: 'udp: one datagram per alert; tcp: octet-counted frames (RFC 6587).' }),
    facility: Type.Integer({ minimum: 0, maximum: 23, default: 4, description: 'Syslog facility of the PRI (4: security/authorization).' }),
    throttle: Type.Optional(ThrottleSchema),
  },
  { additionalProperties: false, description: 'RFC 5424 messages with a CEF body, to another SIEM.' },
);

export const ActionSchema = Type.Union([WebhookActionSchema, SlackActionSchema, KafkaActionSchema, SyslogActionSchema], { description: 'Where a rule sends its alerts.' });
export const ActionListSchema = Type.Array(ActionSchema, { maxItems: 20 });

export type Action = Static<typeof ActionSchema>;
export type WebhookAction = Static<typeof WebhookActionSchema>;
export type SlackAction = Static<typeof SlackActionSchema>;
export type KafkaAction = Static<typeof KafkaActionSchema>;
export type SyslogAction = Static<typeof SyslogActionSchema>;
export type Throttle = Static<typeof ThrottleSchema>;
