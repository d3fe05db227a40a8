import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureInfra, stopInfra } from '@siem/infra';
import { loadConfig } from '@siem/config';
import { createLogger } from '@siem/telemetry';
import { readyBanner } from './ready-banner';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const READY_MESSAGES: Record<string, string> = {
  collector: 'The collector is listening.',
  processor: 'The processor worker is consuming.',
  api: 'The API is listening.',
};

const logger = createLogger('stack', process.env.SIEM_LOG_LEVEL ?? 'info');
const ownInfra = !process.env.SIEM_KAFKA_BROKERS || !process.env.SIEM_OPENSEARCH_URL;
const env: NodeJS.ProcessEnv = { ...process.env };
try {
  if (ownInfra) {
    logger.info('Starting the local Kafka and OpenSearch (first run downloads them from Maven Central).');
    const infra = await ensureInfra();
    env.SIEM_KAFKA_BROKERS = infra.kafkaBrokers;
    env.SIEM_OPENSEARCH_URL = infra.opensearchUrl;
    logger.info({ kafka: infra.kafkaBrokers, opensearch: infra.opensearchUrl, timings: infra.timings }, 'Kafka and OpenSearch are ready.');
  }
  const config = loadConfig(env);

  const children: ChildProcess[] = [];
  const ready = Object.keys(READY_MESSAGES).map(
    (app) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps', app, 'src', 'main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        readline.createInterface({ input: child.stdout! }).on('line', (line) => {
          process.stdout.write(`${line}\n`);
          if (line.includes(READY_MESSAGES[app]!)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`${app} exited with code ${code} before it was ready; see its log lines above.`)));
      }),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('Stopping: apps first, so workers can commit, then Kafka and OpenSearch.');
    await Promise.all(children.filter((c) => c.exitCode === null).map((child) => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    })));
    if (ownInfra) await stopInfra();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  await Promise.all(ready);
  process.stdout.write(readyBanner(config));
} catch (error) {
  logger.fatal({ err: error }, 'SIEM could not start.');
  process.exit(1);
}
