import { randomBytes } from 'node:crypto';
import { freePort } from '../free-port';

export interface PipelineEnv {
  readonly runId: string;
  readonly env: Record<string, string>;
  readonly syslogPort: number;
  readonly httpPort: number;
  readonly apiPort: number;
  readonly rawTopic: string;
  readonly deadLetterTopic: string;
  readonly indexPrefix: string;
}

/** Topics, group, index prefix and ports of one test run, so runs never see each other's data. */
export async function pipelineEnv(kafkaBrokers: string, opensearchUrl: string, overrides: Record<string, string> = {}): Promise<PipelineEnv> {
  const runId = randomBytes(4).toString('hex');
  const [syslogPort, httpPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const rawTopic = `siem.raw.${runId}`;
  const deadLetterTopic = `siem.dlq.${runId}`;
  const indexPrefix = `siem-events-${runId}-`;
  const env = {
    SIEM_KAFKA_BROKERS: kafkaBrokers,
    SIEM_OPENSEARCH_URL: opensearchUrl,
    SIEM_TOPIC_RAW: rawTopic,
    SIEM_TOPIC_DLQ: deadLetterTopic,
    SIEM_TOPIC_PARTITIONS: '2',
    SIEM_CONSUMER_GROUP: `siem-processor-${runId}`,
    SIEM_INDEX_PREFIX: indexPrefix,
    SIEM_COLLECTOR_HOST: '127.0.0.1',
    SIEM_SYSLOG_PORT: String(syslogPort),
    SIEM_HTTP_INGEST_PORT: String(httpPort),
    SIEM_API_HOST: '127.0.0.1',
    SIEM_API_PORT: String(apiPort),
    SIEM_PROCESSOR_WORKERS: '2',
    SIEM_LOG_LEVEL: 'info',
    ...overrides,
  };
  return { runId, env, syslogPort, httpPort, apiPort, rawTopic, deadLetterTopic, indexPrefix };
}
