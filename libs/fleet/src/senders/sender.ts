/**
 * The sender registry: what the centre knows about the machines that send it
 * logs (an agent, a syslog source address, an MQTT client), kept per tenant and
 * joined onto their events by the processor (`observer.*`, `labels.*`).
 * Senders that send without being registered are counted as unknown, so they
 * can be registered.
 */
import { Type, type Static } from '@sinclair/typebox';

export const SenderKindSchema = Type.Union([Type.Literal('agent'), Type.Literal('address'), Type.Literal('mqtt_client')], {
  description: 'agent: a collector or siem agent id (observer.name); address: the source address of the sending peer (log.source.address); mqtt_client: the last level of the MQTT topic (logs/<client id>), MQTT giving subscribers no publisher id.',
});

export const SenderIdSchema = Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' });

/** What an admin sets about a sender (PUT /api/v1/senders/{kind}/{id}). */
export const SenderMetadataSchema = Type.Object(
  {
    site: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Joined as observer.geo.name and labels.site.' })),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Joined as labels.owner.' })),
    criticality: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')], { description: 'Joined as labels.criticality.' })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32, uniqueItems: true, description: 'Joined as labels.sender_tags (comma-separated).' })),
  },
  { additionalProperties: false },
);

export type SenderKind = Static<typeof SenderKindSchema>;
export type SenderMetadata = Static<typeof SenderMetadataSchema>;

export interface Sender extends SenderMetadata {
  readonly kind: SenderKind;
  readonly id: string;
  readonly tenant: string;
  readonly updatedAt: string;
}

/** A sender seen in events but not registered. */
export interface UnknownSender {
  readonly kind: SenderKind;
  readonly id: string;
  readonly tenant: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly events: number;
}

export interface SenderStore {
  ensureReady(): Promise<void>;
  list(tenant: string): Promise<Sender[]>;
  /** Every tenant's senders: what the processor joins from. */
  listAll(): Promise<Sender[]>;
  get(tenant: string, kind: SenderKind, id: string): Promise<Sender | undefined>;
  /** Creates or replaces; a registered sender leaves the unknown list. */
  put(sender: Sender): Promise<void>;
  /** False when there was none. */
  delete(tenant: string, kind: SenderKind, id: string): Promise<boolean>;
  /** Adds sightings of unregistered senders (counts add up, firstSeen stays). */
  recordUnknown(sightings: readonly UnknownSender[]): Promise<void>;
  listUnknown(tenant: string): Promise<UnknownSender[]>;
  close(): Promise<void>;
}

export const senderKey = (tenant: string, kind: SenderKind, id: string) => `${tenant}\u0000${kind}\u0000${id}`;
