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
        alertsTopic: Type.String({ minLength: 1, default: 'siem.alerts' }),
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
        templatePriority: Type.Integer({ minimum: 0, maximum: 2_000_000_000, default: 200 }),
        bulkRequests: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
        compression: Type.Union([Type.Literal('gzip'), Type.Literal('none')], { default: 'gzip' }),
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
        batchEnvelope: Type.Boolean({ default: true }),
        spoolMb: Type.Integer({ minimum: 1, maximum: 1_048_576, default: 1024 }),
        metricsPort: Port,
        listen: Type.Boolean({ default: true }),
        tcpIdleTimeoutS: Type.Integer({ minimum: 1, maximum: 86_400, default: 600 }),
        tcpMaxConnections: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
        syslogTlsPort: Port,
        syslogTlsCert: Type.Optional(Type.String({ minLength: 1 })),
        syslogTlsKey: Type.Optional(Type.String({ minLength: 1 })),
        syslogTlsCa: Type.Optional(Type.String({ minLength: 1 })),
        syslogTlsClientAuth: Type.Boolean({ default: false }),
        httpMaxBodyBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: 32 * 1024 * 1024 }),
        httpApiKeys: Type.Array(Type.String({ minLength: 16 }), { default: [] }),
        httpTlsCert: Type.Optional(Type.String({ minLength: 1 })),
        httpTlsKey: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    mqtt: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^mqtts?://' })),
        topics: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, default: ['logs/#'] }),
        clientId: Type.String({ minLength: 1, maxLength: 128, default: 'siem-collector' }),
        username: Type.Optional(Type.String({ minLength: 1 })),
        password: Type.Optional(Type.String({ minLength: 1 })),
        caFile: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    files: Type.Object(
      {
        patterns: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        multilineStart: Type.Optional(Type.String({ minLength: 1 })),
        multilineTimeoutMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 2000 }),
        pollMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 250 }),
        scanIntervalMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 5000 }),
      },
      { additionalProperties: false },
    ),
    processor: Type.Object(
      {
        workers: Type.Integer({ minimum: 1, maximum: 256, default: cores }),
        chunkSize: Type.Integer({ minimum: 1, maximum: 50000, default: 2000 }),
        chunksInFlight: Type.Integer({ minimum: 1, maximum: 16, default: 2 }),
        workerSemiSpaceMb: Type.Integer({ minimum: 0, maximum: 1024, default: 64 }),
        syslogTimezone: Type.String({ minLength: 1, default: 'UTC' }),
        keepOriginal: Type.Boolean({ default: true }),
        parsers: Type.Array(Type.String({ minLength: 3 }), { default: [] }),
        parsersFile: Type.Optional(Type.String({ minLength: 1 })),
        rulesPollMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 }),
        metricsPort: Port,
      },
      { additionalProperties: false },
    ),
    enrich: Type.Object(
      {
        geoipEnabled: Type.Boolean({ default: true }),
        geoipDatabase: Type.Optional(Type.String({ minLength: 1 })),
        geoipAsnDatabase: Type.Optional(Type.String({ minLength: 1 })),
        geoipCacheSize: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
        threatIntelFiles: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        assetFile: Type.Optional(Type.String({ minLength: 1 })),
        identityFile: Type.Optional(Type.String({ minLength: 1 })),
        reloadPollMs: Type.Integer({ minimum: 50, maximum: 3_600_000, default: 5_000 }),
      },
      { additionalProperties: false },
    ),
    api: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0' }),
        port: Port,
        budgetMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
        maxResultBytes: Type.Integer({ minimum: 65_536, maximum: 1024 * 1024 * 1024, default: 16 * 1024 * 1024 }),
        readWorkers: Type.Integer({ minimum: 1, maximum: 64, default: Math.min(4, Math.max(2, cores)) }),
        readWorkerMemoryMb: Type.Integer({ minimum: 32, maximum: 16_384, default: 192 }),
        maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024, default: 4 * 1024 * 1024 }),
        rateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 1200 }),
        authFailuresPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 20 }),
        exportMaxSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 600 }),
        auditQueueRecords: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 50_000 }),
        tlsCert: Type.Optional(Type.String({ minLength: 1 })),
        tlsKey: Type.Optional(Type.String({ minLength: 1 })),
        tlsCa: Type.Optional(Type.String({ minLength: 1 })),
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
  { name: 'SIEM_TOPIC_ALERTS', path: ['kafka', 'alertsTopic'], kind: 'string', description: 'Kafka deployment: topic every alert is also produced to (key = alert id, value = the alert as JSON), for downstream tools.' },
  { name: 'SIEM_TOPIC_DLQ', path: ['kafka', 'deadLetterTopic'], kind: 'string', description: 'Topic for events no parser accepts, with the reason.' },
  { name: 'SIEM_TOPIC_PARTITIONS', path: ['kafka', 'partitions'], kind: 'integer', description: 'Partitions of topics created at start (default: CPU cores).' },
  { name: 'SIEM_TOPIC_REPLICATION', path: ['kafka', 'replicationFactor'], kind: 'integer', description: 'Replication factor of topics created at start.' },
  { name: 'SIEM_CONSUMER_GROUP', path: ['kafka', 'consumerGroup'], kind: 'string', description: 'Consumer group of the processor workers.' },
  { name: 'SIEM_OPENSEARCH_URL', path: ['opensearch', 'url'], kind: 'string', description: 'OpenSearch base URL.' },
  { name: 'SIEM_INDEX_PREFIX', path: ['opensearch', 'indexPrefix'], kind: 'string', description: 'Event index prefix; daily indices are <prefix>YYYY.MM.DD.' },
  { name: 'SIEM_INDEX_REPLICAS', path: ['opensearch', 'replicas'], kind: 'integer', description: 'Replicas of the event indices (0 on a single node).' },
  { name: 'SIEM_INDEX_TEMPLATE_PRIORITY', path: ['opensearch', 'templatePriority'], kind: 'integer', description: 'Priority of the event index template (<prefix>events, pattern <prefix>*). OpenSearch refuses a template whose patterns overlap another one\'s at the same priority; the default 200 stays clear of the usual 100. Change it when the processor stops with SIEM_STORE_TEMPLATE_CONFLICT.' },
  { name: 'SIEM_OPENSEARCH_BULK_REQUESTS', path: ['opensearch', 'bulkRequests'], kind: 'integer', description: 'Bulk requests each process (each processor worker) keeps open at once; a chunk ready before its turn waits with its body built and compressed. Default: the CPU cores shared among the processor workers (at least 1 each), so that together they keep one request open per core.' },
  { name: 'SIEM_OPENSEARCH_COMPRESSION', path: ['opensearch', 'compression'], kind: 'string', description: 'Bulk request body compression: gzip (fastest level; less traffic to a remote cluster) or none (saves the CPU of both ends when OpenSearch is on the same host).' },
  { name: 'SIEM_COLLECTOR_HOST', path: ['collector', 'host'], kind: 'string', description: 'Address the collector inputs bind to.' },
  { name: 'SIEM_SYSLOG_PORT', path: ['collector', 'syslogPort'], kind: 'integer', defaultValue: 5514, description: 'Syslog UDP and TCP port.' },
  { name: 'SIEM_HTTP_INGEST_PORT', path: ['collector', 'httpPort'], kind: 'integer', defaultValue: 8088, description: 'HTTP ingest port: POST /ingest (NDJSON or a JSON array) and the Elasticsearch-compatible POST /_bulk.' },
  { name: 'SIEM_MAX_MESSAGE_BYTES', path: ['collector', 'maxMessageBytes'], kind: 'integer', description: 'Largest accepted message (syslog UDP, TCP, TLS, HTTP lines and documents); a longer one is cut to this size and flagged (tag truncated), not dropped.' },
  { name: 'SIEM_BATCH_MAX_RECORDS', path: ['collector', 'batchMaxRecords'], kind: 'integer', description: 'Records per produce request.' },
  { name: 'SIEM_BATCH_LINGER_MS', path: ['collector', 'batchLingerMs'], kind: 'integer', description: 'How long a partial batch waits for more records.' },
  { name: 'SIEM_BATCH_ENVELOPE', path: ['collector', 'batchEnvelope'], kind: 'boolean', description: 'Pack the records of a batch that share source and input into one bus message (a batch envelope, up to 256 KiB; the processor unpacks it): about 6 times the syslog throughput of one message per record. false: one message per record, for third-party consumers of the raw topic (docs/kafka-passthrough.md).' },
  { name: 'SIEM_COLLECTOR_SPOOL_MB', path: ['collector', 'spoolMb'], kind: 'integer', description: 'Bound of the disk spool (<SIEM_DATA_DIR>/collector-spool) that holds records while the bus is unreachable; when full, inputs pause and HTTP answers 503.' },
  { name: 'SIEM_COLLECTOR_METRICS_PORT', path: ['collector', 'metricsPort'], kind: 'integer', defaultValue: 9464, description: 'Port of the collector\'s Prometheus endpoint, GET /metrics (bound on SIEM_COLLECTOR_HOST).' },
  { name: 'SIEM_COLLECTOR_LISTEN', path: ['collector', 'listen'], kind: 'boolean', description: 'false runs only the MQTT and file inputs, no syslog or HTTP listener (what siem agent sets).' },
  { name: 'SIEM_TCP_MAX_CONNECTIONS', path: ['collector', 'tcpMaxConnections'], kind: 'integer', description: 'Syslog TCP or TLS connections open at once, per input; more are closed as they arrive (counted as siem_collector_rejected_total{reason="connection_limit"}), so a flood of connections cannot exhaust file descriptors or memory.' },
  { name: 'SIEM_TCP_IDLE_TIMEOUT_S', path: ['collector', 'tcpIdleTimeoutS'], kind: 'integer', description: 'A syslog TCP or TLS connection that sends nothing for this long is closed, so idle or stalled senders do not hold connections forever.' },
  { name: 'SIEM_SYSLOG_TLS_PORT', path: ['collector', 'syslogTlsPort'], kind: 'integer', defaultValue: 6514, description: 'Syslog over TLS port (RFC 5425); the input is on only when SIEM_SYSLOG_TLS_CERT and SIEM_SYSLOG_TLS_KEY are set.' },
  { name: 'SIEM_SYSLOG_TLS_CERT', path: ['collector', 'syslogTlsCert'], kind: 'string', description: 'PEM certificate (chain) of the syslog TLS listener.' },
  { name: 'SIEM_SYSLOG_TLS_KEY', path: ['collector', 'syslogTlsKey'], kind: 'string', description: 'PEM private key of the syslog TLS listener.' },
  { name: 'SIEM_SYSLOG_TLS_CA', path: ['collector', 'syslogTlsCa'], kind: 'string', description: 'PEM CA bundle that client certificates must chain to; needed with SIEM_SYSLOG_TLS_CLIENT_AUTH.' },
  { name: 'SIEM_SYSLOG_TLS_CLIENT_AUTH', path: ['collector', 'syslogTlsClientAuth'], kind: 'boolean', description: 'true: syslog TLS senders must present a certificate signed by SIEM_SYSLOG_TLS_CA.' },
  { name: 'SIEM_HTTP_MAX_BODY_BYTES', path: ['collector', 'httpMaxBodyBytes'], kind: 'integer', description: 'Largest HTTP ingest or _bulk body, both as sent and after gzip/zstd decompression; larger bodies get 413.' },
  { name: 'SIEM_HTTP_API_KEYS', path: ['collector', 'httpApiKeys'], kind: 'list', description: 'Comma-separated API keys (16 characters or more); when set, HTTP ingest, _bulk and the Elasticsearch probe routes need Authorization: ApiKey <key> (or base64 of id:key) or X-API-Key: <key>.' },
  { name: 'SIEM_HTTP_TLS_CERT', path: ['collector', 'httpTlsCert'], kind: 'string', description: 'PEM certificate of the HTTP ingest port; with SIEM_HTTP_TLS_KEY it serves HTTPS only.' },
  { name: 'SIEM_HTTP_TLS_KEY', path: ['collector', 'httpTlsKey'], kind: 'string', description: 'PEM private key of the HTTP ingest port.' },
  { name: 'SIEM_MQTT_URL', path: ['mqtt', 'url'], kind: 'string', description: 'MQTT broker to subscribe to, mqtt://host:1883 or mqtts://host:8883 for TLS; the MQTT input is off unless set.' },
  { name: 'SIEM_MQTT_TOPICS', path: ['mqtt', 'topics'], kind: 'list', description: 'Comma-separated topic filters subscribed to with QoS 1 (+ and # wildcards); one message is one event.' },
  { name: 'SIEM_MQTT_CLIENT_ID', path: ['mqtt', 'clientId'], kind: 'string', description: 'MQTT client id; keep it stable (and unique per collector) so the broker keeps the session and queues messages while the collector is down.' },
  { name: 'SIEM_MQTT_USERNAME', path: ['mqtt', 'username'], kind: 'string', description: 'MQTT user name, when the broker requires one.' },
  { name: 'SIEM_MQTT_PASSWORD', path: ['mqtt', 'password'], kind: 'string', description: 'MQTT password, with SIEM_MQTT_USERNAME.' },
  { name: 'SIEM_MQTT_CA_FILE', path: ['mqtt', 'caFile'], kind: 'string', description: 'PEM file of the CA that signed the broker certificate, for mqtts:// with a private CA.' },
  { name: 'SIEM_FILE_INPUTS', path: ['files', 'patterns'], kind: 'list', description: 'Comma-separated glob patterns of files to tail (* and ? within a name, ** across directories), e.g. /var/log/app/*.log; include rotated names (app.log*) so lines written just before a rotation are read even if it happened while the collector was down.' },
  { name: 'SIEM_FILE_MULTILINE_START', path: ['files', 'multilineStart'], kind: 'string', description: 'Regular expression a line must match to start an event; other lines are appended to the event before (stack traces). Unset: one line, one event.' },
  { name: 'SIEM_FILE_MULTILINE_TIMEOUT_MS', path: ['files', 'multilineTimeoutMs'], kind: 'integer', description: 'A multi-line event is sent once no line has been added to it for this long.' },
  { name: 'SIEM_FILE_POLL_MS', path: ['files', 'pollMs'], kind: 'integer', description: 'How often open files are read for new lines.' },
  { name: 'SIEM_FILE_SCAN_INTERVAL_MS', path: ['files', 'scanIntervalMs'], kind: 'integer', description: 'How often the patterns are expanded again to find new and rotated files.' },
  { name: 'SIEM_PROCESSOR_WORKERS', path: ['processor', 'workers'], kind: 'integer', description: 'Processor worker processes. Default: the CPU cores, or one fewer when SIEM_OPENSEARCH_URL names this host (localhost, 127.x.x.x, [::1]): OpenSearch then indexes with the same cores, and on 2 cores one worker indexed faster than two (benchmarks/processor).' },
  { name: 'SIEM_PROCESSOR_CHUNK_SIZE', path: ['processor', 'chunkSize'], kind: 'integer', description: 'Events per bulk request; offsets are committed after each acknowledged chunk.' },
  { name: 'SIEM_PROCESSOR_SEMI_SPACE_MB', path: ['processor', 'workerSemiSpaceMb'], kind: 'integer', description: 'V8 young-generation semi-space of each processor worker (--max-semi-space-size), in MiB; 0 keeps V8\'s default. Parsing allocates short-lived objects fast: at 64 the workers spent about 15% less CPU per event in the processor benchmark, for up to about 130 MiB more memory each.' },
  { name: 'SIEM_PROCESSOR_CHUNKS_IN_FLIGHT', path: ['processor', 'chunksInFlight'], kind: 'integer', description: 'Chunks a worker handles at once (Kafka bus), so it parses the next chunk while earlier ones are being indexed; offsets are still committed in order. Default: one more than SIEM_OPENSEARCH_BULK_REQUESTS, so a parsed chunk is ready when a bulk request returns.' },
  { name: 'SIEM_SYSLOG_TIMEZONE', path: ['processor', 'syslogTimezone'], kind: 'string', description: 'IANA zone for RFC 3164 timestamps, which carry none.' },
  { name: 'SIEM_KEEP_ORIGINAL', path: ['processor', 'keepOriginal'], kind: 'boolean', description: 'Keep the received line in event.original.' },
  { name: 'SIEM_PARSERS', path: ['processor', 'parsers'], kind: 'list', description: 'Parser per collector input, as input=type pairs (e.g. syslog_udp=syslog,http_ndjson=json; * for the rest); unlisted inputs use auto.' },
  { name: 'SIEM_PARSERS_FILE', path: ['processor', 'parsersFile'], kind: 'string', description: 'JSON file of parser routes with options: {"<input>": {"parser": "grok", "options": {...}}}; its entries override SIEM_PARSERS.' },
  { name: 'SIEM_PROCESSOR_METRICS_PORT', path: ['processor', 'metricsPort'], kind: 'integer', defaultValue: 9466, description: 'Port of the processor primary\'s Prometheus endpoint, GET /metrics (bound on SIEM_API_HOST): the sum of its workers\' metrics, per-rule counters included. A port in use is logged and the processor runs on without it.' },
  { name: 'SIEM_RULES_POLL_MS', path: ['processor', 'rulesPollMs'], kind: 'integer', description: 'How often each processor worker checks the rules revision in the store; a changed rule is recompiled and in force within this time (plus the compile), without a restart.' },
  { name: 'SIEM_GEOIP_ENABLED', path: ['enrich', 'geoipEnabled'], kind: 'boolean', description: 'Add <field>.geo and <field>.as to source, destination, client and server; private and other non-routable addresses get a tag such as private_source_ip instead.' },
  { name: 'SIEM_GEOIP_DATABASE', path: ['enrich', 'geoipDatabase'], kind: 'string', description: 'MaxMind-format (.mmdb) city or country database, reloaded when it changes; unset: the country database bundled in @ip-location-db/geo-whois-asn-country-mmdb.' },
  { name: 'SIEM_GEOIP_ASN_DATABASE', path: ['enrich', 'geoipAsnDatabase'], kind: 'string', description: 'MaxMind-format (.mmdb) ASN database for <field>.as.number and <field>.as.organization.name.' },
  { name: 'SIEM_GEOIP_CACHE_SIZE', path: ['enrich', 'geoipCacheSize'], kind: 'integer', description: 'Addresses whose GeoIP result each worker keeps (LRU); 0 turns the cache off.' },
  { name: 'SIEM_THREAT_INTEL_FILES', path: ['enrich', 'threatIntelFiles'], kind: 'list', description: 'Comma-separated indicator files (plain lists, CSV, STIX 2.1 bundles, MISP JSON exports) matched into threat.enrichments; reloaded when they change.' },
  { name: 'SIEM_ASSET_FILE', path: ['enrich', 'assetFile'], kind: 'string', description: 'CSV of hosts (host.name column plus e.g. owner, criticality, tags) added under host.asset; reloaded when it changes.' },
  { name: 'SIEM_IDENTITY_FILE', path: ['enrich', 'identityFile'], kind: 'string', description: 'CSV of users (user.name column plus e.g. full_name, email, department) added to user.* and user.asset; reloaded when it changes.' },
  { name: 'SIEM_ENRICH_RELOAD_POLL_MS', path: ['enrich', 'reloadPollMs'], kind: 'integer', description: 'How often enrichment files are checked for changes that file system events missed.' },
  { name: 'SIEM_API_HOST', path: ['api', 'host'], kind: 'string', description: 'Address the API binds to.' },
  { name: 'SIEM_API_PORT', path: ['api', 'port'], kind: 'integer', defaultValue: 8080, description: 'API port.' },
  { name: 'SIEM_API_BUDGET_MS', path: ['api', 'budgetMs'], kind: 'integer', description: 'Time a search or count may take, queueing, query parsing and store work included; past it the API answers 504 SIEM_API_TIMEOUT and replaces the read worker that was running it. Also the OpenSearch request timeout of searches.' },
  { name: 'SIEM_API_MAX_RESULT_BYTES', path: ['api', 'maxResultBytes'], kind: 'integer', description: 'Largest answer a search may return, as JSON; a larger one is refused with 503 SIEM_API_RESULT_TOO_LARGE (ask for fewer hits).' },
  { name: 'SIEM_API_READ_WORKERS', path: ['api', 'readWorkers'], kind: 'integer', description: 'Worker threads that parse queries and read the store, so that no request can block the API\'s event loop (/healthz, /metrics); searches beyond them queue within the budget. Each costs about 40 MB at rest. Default: the CPU cores, from 2 to 4.' },
  { name: 'SIEM_API_READ_WORKER_MEMORY_MB', path: ['api', 'readWorkerMemoryMb'], kind: 'integer', description: 'V8 old-generation heap limit of each read worker; a request that needs more ends its worker, which is replaced, and gets 503 SIEM_API_MEMORY_EXCEEDED.' },
  { name: 'SIEM_API_MAX_BODY_BYTES', path: ['api', 'maxBodyBytes'], kind: 'integer', description: 'Largest API request body; a larger one is refused with 413 SIEM_API_BODY_TOO_LARGE before it is read whole.' },
  { name: 'SIEM_API_RATE_LIMIT_PER_MINUTE', path: ['api', 'rateLimitPerMinute'], kind: 'integer', description: 'Requests each API key (or token subject) may make per minute, per API process; more get 429 SIEM_API_RATE_LIMITED with Retry-After.' },
  { name: 'SIEM_API_AUTH_FAILURES_PER_MINUTE', path: ['api', 'authFailuresPerMinute'], kind: 'integer', description: 'Failed authentications (401) a source address may cause per minute, per API process; past it, its requests get 429 SIEM_API_RATE_LIMITED before any key is checked, until the minute ends, so guessing keys costs the API nothing and does not slow other callers.' },
  { name: 'SIEM_API_EXPORT_MAX_SECONDS', path: ['api', 'exportMaxSeconds'], kind: 'integer', description: 'Longest an export may stream; then it ends with a last line (NDJSON: {"error": ...}; CSV: # error ...) naming SIEM_API_EXPORT_TOO_LONG, and is logged. Narrow the time range or export in parts.' },
  { name: 'SIEM_API_AUDIT_QUEUE_RECORDS', path: ['api', 'auditQueueRecords'], kind: 'integer', description: 'Audit records held in memory while the store is slow or down; when full, requests that change data are refused with 503 SIEM_API_AUDIT_UNAVAILABLE and reads go on with their records counted as dropped (docs/security.md).' },
  { name: 'SIEM_API_TLS_CERT', path: ['api', 'tlsCert'], kind: 'string', description: 'PEM certificate (chain) of the API; with SIEM_API_TLS_KEY the API serves HTTPS only.' },
  { name: 'SIEM_API_TLS_KEY', path: ['api', 'tlsKey'], kind: 'string', description: 'PEM private key of the API certificate.' },
  { name: 'SIEM_API_TLS_CA', path: ['api', 'tlsCa'], kind: 'string', description: 'PEM CA bundle: when set, API clients must present a certificate signed by it (mutual TLS), in addition to their key.' },
];

/**
 * Variables with these prefixes are not settings: tooling (tools/infra, tests)
 * and what the processor primary hands each worker.
 */
export const NON_SETTING_PREFIXES = ['SIEM_INFRA_', 'SIEM_TEST_', 'SIEM_WORKER_'] as const;
