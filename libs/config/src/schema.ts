import { availableParallelism } from 'node:os';
import { Type, type Static } from '@sinclair/typebox';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const cores = availableParallelism();

/** The whole configuration, one section per component; defaults live here. */
export const ConfigSchema = Type.Object(
  {
    deployment: Type.Object(
      {
        bus: Type.Union([Type.Literal('embedded'), Type.Literal('kafka')], { default: 'embedded' }),
        store: Type.Union([Type.Literal('embedded'), Type.Literal('opensearch')], { default: 'embedded' }),
        dataDir: Type.String({ minLength: 1, default: './data' }),
        busRetentionHours: Type.Integer({ minimum: 1, maximum: 24 * 365, default: 72 }),
        busRetentionMbPerPartition: Type.Integer({ minimum: 64, maximum: 10_000_000, default: 10_240 }),
        storeRetentionDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
      },
      { additionalProperties: false },
    ),
    log: Type.Object({ level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }) }, { additionalProperties: false }),
    kafka: Type.Object(
      {
        brokers: Type.Array(Type.String({ minLength: 3 }), { minItems: 1, default: ['127.0.0.1:19092'] }),
        clientId: Type.String({ minLength: 1, default: 'siem' }),
        rawTopic: Type.String({ minLength: 1, default: 'siem.raw' }),
        deadLetterTopic: Type.String({ minLength: 1, default: 'siem.dlq' }),
        partitions: Type.Integer({ minimum: 1, maximum: 1024, default: cores }),
        replicationFactor: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
        consumerGroup: Type.String({ minLength: 1, default: 'siem-processor' }),
      },
      { additionalProperties: false },
    ),
    opensearch: Type.Object(
      {
        url: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:19200' }),
        indexPrefix: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', default: 'siem-events-' }),
        replicas: Type.Integer({ minimum: 0, maximum: 16, default: 0 }),
      },
      { additionalProperties: false },
    ),
    collector: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0' }),
        syslogPort: Port,
        httpPort: Port,
        maxMessageBytes: Type.Integer({ minimum: 256, maximum: 16 * 1024 * 1024, default: 65536 }),
        batchMaxRecords: Type.Integer({ minimum: 1, maximum: 100000, default: 2000 }),
        batchLingerMs: Type.Integer({ minimum: 0, maximum: 60000, default: 20 }),
      },
      { additionalProperties: false },
    ),
    processor: Type.Object(
      {
        workers: Type.Integer({ minimum: 1, maximum: 256, default: cores }),
        chunkSize: Type.Integer({ minimum: 1, maximum: 50000, default: 2000 }),
        syslogTimezone: Type.String({ minLength: 1, default: 'UTC' }),
        keepOriginal: Type.Boolean({ default: true }),
        parsers: Type.Array(Type.String({ minLength: 3 }), { default: [] }),
        parsersFile: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    api: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0' }),
        port: Port,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type SiemConfig = Static<typeof ConfigSchema>;

type Kind = 'string' | 'integer' | 'boolean' | 'list';

export interface EnvVariable {
  readonly name: string;
  readonly path: readonly [keyof SiemConfig, string];
  readonly kind: Kind;
  readonly defaultValue?: string | number;
  readonly description: string;
}

/** Every environment variable the product reads; the docs are generated from this table. */
export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'SIEM_BUS', path: ['deployment', 'bus'], kind: 'string', description: 'embedded (a durable log under SIEM_DATA_DIR) or kafka; kafka when SIEM_KAFKA_BROKERS is set.' },
  { name: 'SIEM_STORE', path: ['deployment', 'store'], kind: 'string', description: 'embedded (SQLite under SIEM_DATA_DIR) or opensearch; opensearch when SIEM_OPENSEARCH_URL is set.' },
  { name: 'SIEM_DATA_DIR', path: ['deployment', 'dataDir'], kind: 'string', description: 'Where the embedded bus and store keep their files.' },
  { name: 'SIEM_BUS_RETENTION_HOURS', path: ['deployment', 'busRetentionHours'], kind: 'integer', description: 'Embedded bus: closed log segments older than this are deleted.' },
  { name: 'SIEM_BUS_RETENTION_MB', path: ['deployment', 'busRetentionMbPerPartition'], kind: 'integer', description: 'Embedded bus: oldest closed segments are deleted beyond this size per partition.' },
  { name: 'SIEM_STORE_RETENTION_DAYS', path: ['deployment', 'storeRetentionDays'], kind: 'integer', description: 'Days of events kept; older daily partitions (embedded) or daily indices (OpenSearch) are deleted whole.' },
  { name: 'SIEM_LOG_LEVEL', path: ['log', 'level'], kind: 'string', description: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
  { name: 'SIEM_KAFKA_BROKERS', path: ['kafka', 'brokers'], kind: 'list', description: 'Comma-separated Kafka bootstrap brokers, host:port.' },
  { name: 'SIEM_KAFKA_CLIENT_ID', path: ['kafka', 'clientId'], kind: 'string', description: 'Kafka client id prefix.' },
  { name: 'SIEM_TOPIC_RAW', path: ['kafka', 'rawTopic'], kind: 'string', description: 'Topic the collector produces raw records to.' },
  { name: 'SIEM_TOPIC_DLQ', path: ['kafka', 'deadLetterTopic'], kind: 'string', description: 'Topic for events no parser accepts, with the reason.' },
  { name: 'SIEM_TOPIC_PARTITIONS', path: ['kafka', 'partitions'], kind: 'integer', description: 'Partitions of topics created at start (default: CPU cores).' },
  { name: 'SIEM_TOPIC_REPLICATION', path: ['kafka', 'replicationFactor'], kind: 'integer', description: 'Replication factor of topics created at start.' },
  { name: 'SIEM_CONSUMER_GROUP', path: ['kafka', 'consumerGroup'], kind: 'string', description: 'Consumer group of the processor workers.' },
  { name: 'SIEM_OPENSEARCH_URL', path: ['opensearch', 'url'], kind: 'string', description: 'OpenSearch base URL.' },
  { name: 'SIEM_INDEX_PREFIX', path: ['opensearch', 'indexPrefix'], kind: 'string', description: 'Event index prefix; daily indices are <prefix>YYYY.MM.DD.' },
  { name: 'SIEM_INDEX_REPLICAS', path: ['opensearch', 'replicas'], kind: 'integer', description: 'Replicas of the event indices (0 on a single node).' },
  { name: 'SIEM_COLLECTOR_HOST', path: ['collector', 'host'], kind: 'string', description: 'Address the collector inputs bind to.' },
  { name: 'SIEM_SYSLOG_PORT', path: ['collector', 'syslogPort'], kind: 'integer', defaultValue: 5514, description: 'Syslog UDP and TCP port.' },
  { name: 'SIEM_HTTP_INGEST_PORT', path: ['collector', 'httpPort'], kind: 'integer', defaultValue: 8088, description: 'HTTP NDJSON ingest port.' },
  { name: 'SIEM_MAX_MESSAGE_BYTES', path: ['collector', 'maxMessageBytes'], kind: 'integer', description: 'Largest accepted message; longer TCP frames are cut and the rest discarded.' },
  { name: 'SIEM_BATCH_MAX_RECORDS', path: ['collector', 'batchMaxRecords'], kind: 'integer', description: 'Records per produce request.' },
  { name: 'SIEM_BATCH_LINGER_MS', path: ['collector', 'batchLingerMs'], kind: 'integer', description: 'How long a partial batch waits for more records.' },
  { name: 'SIEM_PROCESSOR_WORKERS', path: ['processor', 'workers'], kind: 'integer', description: 'Processor worker processes (default: CPU cores).' },
  { name: 'SIEM_PROCESSOR_CHUNK_SIZE', path: ['processor', 'chunkSize'], kind: 'integer', description: 'Events per bulk request; offsets are committed after each acknowledged chunk.' },
  { name: 'SIEM_SYSLOG_TIMEZONE', path: ['processor', 'syslogTimezone'], kind: 'string', description: 'IANA zone for RFC 3164 timestamps, which carry none.' },
  { name: 'SIEM_KEEP_ORIGINAL', path: ['processor', 'keepOriginal'], kind: 'boolean', description: 'Keep the received line in event.original.' },
  { name: 'SIEM_PARSERS', path: ['processor', 'parsers'], kind: 'list', description: 'Parser per collector input, as input=type pairs (e.g. syslog_udp=syslog,http_ndjson=json; * for the rest); unlisted inputs use auto.' },
  { name: 'SIEM_PARSERS_FILE', path: ['processor', 'parsersFile'], kind: 'string', description: 'JSON file of parser routes with options: {"<input>": {"parser": "grok", "options": {...}}}; its entries override SIEM_PARSERS.' },
  { name: 'SIEM_API_HOST', path: ['api', 'host'], kind: 'string', description: 'Address the API binds to.' },
  { name: 'SIEM_API_PORT', path: ['api', 'port'], kind: 'integer', defaultValue: 8080, description: 'API port.' },
];

/**
 * Variables with these prefixes are not settings: tooling (tools/infra, tests)
 * and what the processor primary hands each worker.
 */
export const NON_SETTING_PREFIXES = ['SIEM_INFRA_', 'SIEM_TEST_', 'SIEM_WORKER_'] as const;
