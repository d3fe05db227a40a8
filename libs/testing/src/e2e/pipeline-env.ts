import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../free-port';
import { removeKafkaScratch, removeOpenSearchScratch, scratchNames } from '../scratch';

export interface PipelineEnv {
  readonly runId: string;
  readonly env: Record<string, string>;
  readonly syslogPort: number;
  readonly httpPort: number;
  readonly apiPort: number;
  readonly metricsPort: number;
  readonly rawTopic: string;
  readonly deadLetterTopic: string;
  readonly indexPrefix: string;
  readonly consumerGroup: string;
  /** The run's admin key (SIEM_ADMIN_KEY of its API): every API call of a test sends it. */
  readonly apiKey: string;
  /** `Authorization: ApiKey <apiKey>`, as fetch headers. */
  readonly apiHeaders: Readonly<Record<string, string>>;
  /**
   * Deletes what the run created in the shared Kafka and OpenSearch (topics, consumer group,
   * indices, index template) and its own data directory; an embedded run's directory is the caller's.
   * Call it in afterAll, once the apps have stopped.
   */
  cleanup(): Promise<void>;
}

export type Deployment = { readonly kind: 'cluster'; readonly kafkaBrokers: string; readonly opensearchUrl: string } | { readonly kind: 'embedded'; readonly dataDir: string };

/** Topics, group, index prefix and ports of one test run, so runs never see each other's data. */
export async function pipelineEnv(kafkaBrokers: string, opensearchUrl: string, overrides: Record<string, string> = {}): Promise<PipelineEnv> {
  return deploymentEnv({ kind: 'cluster', kafkaBrokers, opensearchUrl }, overrides);
}

export async function deploymentEnv(deployment: Deployment, overrides: Record<string, string> = {}): Promise<PipelineEnv> {
  const { runId, rawTopic, deadLetterTopic, alertsTopic, agentsTopic, signalsTopic, indexPrefix, consumerGroup } = scratchNames();
  const [syslogPort, httpPort, apiPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const backends: Record<string, string> =
    deployment.kind === 'cluster'
      ? // The collector's spool lives in the data directory: one per run, so parallel runs never share it.
        { SIEM_KAFKA_BROKERS: deployment.kafkaBrokers, SIEM_OPENSEARCH_URL: deployment.opensearchUrl, SIEM_DATA_DIR: path.join(tmpdir(), `siem-run-${runId}`) }
      : { SIEM_BUS: 'embedded', SIEM_STORE: 'embedded', SIEM_DATA_DIR: deployment.dataDir };
  const env = {
    ...backends,
    SIEM_TOPIC_RAW: rawTopic,
    SIEM_TOPIC_DLQ: deadLetterTopic,
    SIEM_TOPIC_ALERTS: alertsTopic,
    SIEM_TOPIC_AGENTS: agentsTopic,
    SIEM_TOPIC_SIGNALS: signalsTopic,
    SIEM_TOPIC_PARTITIONS: '2',
    SIEM_CONSUMER_GROUP: consumerGroup,
    SIEM_INDEX_PREFIX: indexPrefix,
    SIEM_COLLECTOR_HOST: '127.0.0.1',
    SIEM_SYSLOG_PORT: String(syslogPort),
    SIEM_HTTP_INGEST_PORT: String(httpPort),
    SIEM_COLLECTOR_METRICS_PORT: String(metricsPort),
    SIEM_API_HOST: '127.0.0.1',
    SIEM_API_PORT: String(apiPort),
    SIEM_PROCESSOR_WORKERS: '2',
    SIEM_ADMIN_KEY: `siem_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`,
    SIEM_LOG_LEVEL: 'info',
    ...overrides,
  };
  const cleanup = async (): Promise<void> => {
    if (deployment.kind === 'embedded') return;
    await removeKafkaScratch(
      deployment.kafkaBrokers,
      [env.SIEM_TOPIC_RAW, `${env.SIEM_TOPIC_RAW}.high`, env.SIEM_TOPIC_DLQ, env.SIEM_TOPIC_ALERTS, env.SIEM_TOPIC_AGENTS, env.SIEM_TOPIC_SIGNALS],
      [env.SIEM_CONSUMER_GROUP, `${env.SIEM_CONSUMER_GROUP}-high`, `${env.SIEM_CONSUMER_GROUP}-dlq-replay`, `${env.SIEM_CONSUMER_GROUP}-fleet`, `${env.SIEM_CONSUMER_GROUP}-alerting`],
    );
    await removeOpenSearchScratch(deployment.opensearchUrl, env.SIEM_INDEX_PREFIX);
    await rm(backends.SIEM_DATA_DIR!, { recursive: true, force: true });
  };
  const apiKey = env.SIEM_ADMIN_KEY;
  return { runId, env, syslogPort, httpPort, apiPort, metricsPort, rawTopic, deadLetterTopic, indexPrefix, consumerGroup, apiKey, apiHeaders: { authorization: `ApiKey ${apiKey}` }, cleanup };
}
