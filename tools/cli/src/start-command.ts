import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInfra, stopInfra } from '@siem/infra';
import { loadConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';
import { AppSupervisor } from './app-supervisor';
import { adminKeyNote, appStatusLine, readyBanner } from './ready-banner';
import { watchParent } from './watch-parent';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const READY_MESSAGES: Record<string, string> = {
  collector: 'The collector is listening.',
  processor: 'The processor worker is consuming.',
  api: 'The API is listening.',
  alerting: 'The alerting scheduler started; it runs the rules while it holds the lease.',
};
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface StartOptions {
  /** Start the project's own single-node Kafka and OpenSearch and run against them (cluster mode on one host). */
  readonly localCluster: boolean;
}

/**
 * Runs collector, processor, API and alerting scheduler as supervised child
 * processes and prints where to send logs once all four are ready. The embedded default needs
 * nothing else. Resolves with the exit code once everything stopped: 0 after
 * SIGINT, SIGTERM or SIGHUP when every app drained and exited cleanly.
 */
export async function runStart(options: StartOptions, logger: Logger): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Stopped at the end only if this run started them: ones already running (`npm run infra -- up`, a test run) stay up.
  let startedInfra = false;
  if (options.localCluster) {
    logger.info('Starting the local Kafka and OpenSearch (the first run downloads them from Maven Central).');
    const infra = await ensureInfra();
    startedInfra = infra.startedKafka || infra.startedOpenSearch;
    env.SIEM_KAFKA_BROKERS = infra.kafkaBrokers;
    env.SIEM_OPENSEARCH_URL = infra.opensearchUrl;
    logger.info({ kafka: infra.kafkaBrokers, opensearch: infra.opensearchUrl, timings: infra.timings }, 'Kafka and OpenSearch are ready.');
  }
  const config = loadConfig(env);
  // The API writes <dataDir>/admin.key when it creates the first admin key: a file newer than this start is shown once.
  const startedAt = Date.now();
  logger.info({ bus: config.deployment.bus, store: config.deployment.store, dataDir: config.deployment.dataDir }, 'Starting SIEM.');

  const supervisor = new AppSupervisor({
    apps: Object.keys(READY_MESSAGES),
    spawn: (app) =>
      // Own process group: a terminal's Ctrl-C reaches only this process, which stops the apps once and in order.
      // The IPC channel lets an app notice that this process died (stop-with-parent.js).
      spawn(process.execPath, ['--import', 'tsx', '--import', path.join(here, 'stop-with-parent.js'), path.join(root, 'apps', app, 'src', 'main.ts')], {
        cwd: process.cwd(),
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      }),
    isReady: (app, line) => line.includes(READY_MESSAGES[app]!),
    output: (line) => process.stdout.write(`${line}\n`),
    onStatus: (statuses) => process.stdout.write(appStatusLine(statuses)),
    logger,
  });

  let stopping = false;
  let exit: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (exit = resolve));
  const stop = async (reason: string, failed: boolean) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'Stopping: the apps drain and commit first.');
    const clean = await supervisor.stop();
    if (startedInfra) await stopInfra();
    logger.info({ clean }, clean ? 'Every app stopped cleanly.' : 'Not every app stopped cleanly; see the lines above.');
    exit(clean && !failed ? 0 : 1);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stop(signal, false));
  watchNpmParent(() => void stop('the npm process that started siem exited', false));

  supervisor.start().then(
    () => {
      if (!stopping) process.stdout.write(readyBanner(config, adminKeyNote(config, startedAt)));
    },
    (error: unknown) => {
      logger.error({ err: error }, 'An app failed to start; stopping the others.');
      void stop('an app failed to start', true);
    },
  );
  return exitCode;
}

/**
 * Under `npm start` or `npx siem start`, a killed npm (or a `sh -c` between npm
 * and node, which dies of SIGTERM without passing it on) leaves this process
 * on its own: it then stops as if signalled. Started any other way, the parent
 * may exit on purpose (`siem start &` in a script), so the parent is not watched.
 */
function watchNpmParent(onGone: () => void): void {
  if (process.env.npm_lifecycle_event !== undefined) watchParent(onGone);
}
