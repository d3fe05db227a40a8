import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureInfra, stopInfra } from '@siem/infra';
import { loadConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';
import { readyBanner } from './ready-banner';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const READY_MESSAGES: Record<string, string> = {
  collector: 'The collector is listening.',
  processor: 'The processor worker is consuming.',
  api: 'The API is listening.',
};

export interface StartOptions {
  /** Start the project's own single-node Kafka and OpenSearch and run against them (cluster mode on one host). */
  readonly localCluster: boolean;
}

/**
 * Runs collector, processor and API as child processes and prints where to send
 * logs once all three are ready. The embedded default needs nothing else.
 * Resolves never: the process exits on Ctrl-C after the apps drained.
 */
export async function runStart(options: StartOptions, logger: Logger): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.localCluster) {
    logger.info('Starting the local Kafka and OpenSearch (the first run downloads them from Maven Central).');
    const infra = await ensureInfra();
    env.SIEM_KAFKA_BROKERS = infra.kafkaBrokers;
    env.SIEM_OPENSEARCH_URL = infra.opensearchUrl;
    logger.info({ kafka: infra.kafkaBrokers, opensearch: infra.opensearchUrl, timings: infra.timings }, 'Kafka and OpenSearch are ready.');
  }
  const config = loadConfig(env);
  logger.info({ bus: config.deployment.bus, store: config.deployment.store, dataDir: config.deployment.dataDir }, 'Starting SIEM.');

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('Stopping: the apps drain and commit first.');
    await Promise.all(
      children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((child) => new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        })),
    );
    if (options.localCluster) await stopInfra();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const ready = Object.keys(READY_MESSAGES).map(
    (app) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps', app, 'src', 'main.ts')], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        readline.createInterface({ input: child.stdout! }).on('line', (line) => {
          process.stdout.write(`${line}\n`);
          if (line.includes(READY_MESSAGES[app]!)) resolve();
        });
        child.once('exit', (code) => {
          reject(new Error(`${app} exited with code ${code} before it was ready; see its log lines above.`));
          if (!stopping) {
            logger.error({ app, code }, 'An app exited; stopping the others.');
            void stop(1);
          }
        });
      }),
  );
  await Promise.all(ready);
  process.stdout.write(readyBanner(config));
}
