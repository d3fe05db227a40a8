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
  /** MQTT input: the topic the message was published to (event field `mqtt.topic`). */
  readonly mqttTopic?: string;
  /** File input: the path the line was read from (event field `log.file.path`). */
  readonly filePath?: string;
  /** The message was longer than the collector's limit (SIEM_MAX_MESSAGE_BYTES) and was cut to it (event tag `truncated`). */
  readonly truncated?: boolean;
  /** `_bulk` input: the index the sender addressed, e.g. `filebeat-8.11.0` (event field `labels.target_index`); the document stays as sent. */
  readonly targetIndex?: string;
  /**
   * The tenant the collector decided from the sender's credential or the input's configuration
   * (never from the payload); the processor writes it to `organization.id`. Absent: `default`.
   */
  readonly tenant?: string;
}

/** Kafka header names carrying RawRecord metadata. */
export const RAW_HEADERS = {
  receivedAt: 'siem.received_at',
  sourceAddress: 'siem.source_address',
  input: 'siem.input',
  eventId: 'siem.event_id',
  mqttTopic: 'siem.mqtt_topic',
  filePath: 'siem.file_path',
  /** `1` when the payload was cut to the size limit; absent otherwise. */
  truncated: 'siem.truncated',
  targetIndex: 'siem.target_index',
  tenant: 'siem.tenant',
} as const;
