import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const IsoTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T' });

/** What a collector or agent reports every SIEM_HEARTBEAT_INTERVAL_S to the agents topic (key: its id). */
export const HeartbeatSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    role: Type.Union([Type.Literal('collector'), Type.Literal('agent')]),
    version: Type.String({ maxLength: 64 }),
    host: Type.String({ maxLength: 255 }),
    tenant: Type.String({ minLength: 1, maxLength: 128 }),
    /** Input addresses, e.g. `127.0.0.1:5514/udp`, `file:/var/log/app/*.log`. */
    inputs: Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 256 }),
    spool: Type.Object({ bytes: Type.Number({ minimum: 0 }), maxBytes: Type.Number({ minimum: 0 }), records: Type.Number({ minimum: 0 }) }),
    /** Age of the oldest record accepted and not yet in the bus. */
    lagSeconds: Type.Number({ minimum: 0 }),
    lastError: Type.Optional(Type.String({ maxLength: 2048 })),
    /** The edge pipeline configuration version running. */
    configVersion: Type.String({ maxLength: 128 }),
    intervalS: Type.Integer({ minimum: 1, maximum: 3600 }),
    startedAt: IsoTime,
    sentAt: IsoTime,
  },
  { additionalProperties: false },
);

export type Heartbeat = Static<typeof HeartbeatSchema>;

export function encodeHeartbeat(heartbeat: Heartbeat): Buffer {
  return Buffer.from(JSON.stringify(heartbeat));
}

/** A heartbeat, or undefined for a message that is not one (counted and skipped by the caller, never fatal). */
export function decodeHeartbeat(value: Buffer): Heartbeat | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  return Value.Check(HeartbeatSchema, parsed) ? parsed : undefined;
}
