import type { TestProject } from 'vitest/node';
import { ensureInfra, stopInfra } from '@siem/infra';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    opensearchUrl: string;
  }
}

/**
 * Starts the real single-node Kafka and OpenSearch before the integration suite
 * (or uses SIEM_KAFKA_BROKERS / SIEM_OPENSEARCH_URL when both are set) and stops
 * what it started afterwards. SIEM_TEST_KEEP_INFRA=1 leaves them running.
 * Services that were already up before the suite are never stopped by it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const brokers = process.env.SIEM_KAFKA_BROKERS;
  const url = process.env.SIEM_OPENSEARCH_URL;
  if (brokers && url) {
    project.provide('kafkaBrokers', brokers);
    project.provide('opensearchUrl', url);
    return async () => undefined;
  }
  const started = Date.now();
  const infra = await ensureInfra();
  process.stdout.write(`[infra] Kafka ${infra.kafkaBrokers}, OpenSearch ${infra.opensearchUrl} ready in ${((Date.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(infra.timings)}\n`);
  project.provide('kafkaBrokers', infra.kafkaBrokers);
  project.provide('opensearchUrl', infra.opensearchUrl);
  return async () => {
    if (process.env.SIEM_TEST_KEEP_INFRA === '1') return;
    // Leave alone what was already running (a developer's `npm run infra -- up`).
    if (infra.startedKafka || infra.startedOpenSearch) await stopInfra();
  };
}
