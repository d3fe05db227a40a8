/**
 * The raw record: what the collector knows at receipt, travelling on the bus
 * before any parsing. On Kafka the payload is the message value as received
 * (bytes, untouched) and the metadata rides in headers, so a sender such as
 * kcat or rsyslog omkafka can produce straight to `siem.raw` with no envelope.
 */
export interface RawRecord {
  /** The line exactly as received; may be invalid UTF-8. */
  readonly payload: Buffer;
  /** When the collector received it, ISO 8601 UTC. */
  readonly receivedAt: string;
  /** Address of the sending peer (IP), when known. */
  readonly sourceAddress?: string;
  /** Name of the collector input that received it, e.g. `syslog_udp`. */
  readonly input: string;
  /**
   * Set only on a replayed dead letter: the id its event was given the first
   * time, so that the parsed event replaces the dead letter in the store.
   */
  readonly eventId?: string;
}

/** Kafka header names carrying RawRecord metadata. */
export const RAW_HEADERS = {
  receivedAt: 'siem.received_at',
  sourceAddress: 'siem.source_address',
  input: 'siem.input',
  eventId: 'siem.event_id',
} as const;
