import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchArtifacts } from './artifacts';
import { InfraError, InfraErrorCodes } from './errors';
import { detectJava } from './java';
import { kafkaCommandArgs, prepareKafka, probeKafka } from './kafka';
import { resolveLayout, type InfraLayout } from './layout';
import { withLock } from './lock';
import { isProcessAlive, spawnDetached, tailFile, terminate, type StopOutcome } from './process';

export interface ScratchKafkaOptions {
  /** Broker port; the controller listens on the next one. */
  readonly port: number;
  /** Its own config, data and log live here; nothing is shared with the Kafka of `ensureInfra`. */
  readonly stateDir: string;
  readonly startTimeoutMs?: number;
}

/** A Kafka node that a fault test may stop and start at will, beside the shared one. */
export interface ScratchKafka {
  readonly brokers: string;
  readonly logFile: string;
  /** Starts the JVM (again) on the same data and waits until it answers. */
  start(): Promise<void>;
  /** SIGTERM (a controlled shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<StopOutcome>;
}

const LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Provisions a single-node Kafka like `ensureInfra` does, from the same cached
 * artifacts, but on the given port and directory and without pid files, so the
 * caller owns its lifecycle and `npm run infra -- down` never touches it.
 */
export async function scratchKafka(options: ScratchKafkaOptions): Promise<ScratchKafka> {
  const shared = resolveLayout({ kafkaPort: options.port });
  const layout: InfraLayout = {
    ...shared,
    kafka: {
      ...shared.kafka,
      stateDir: options.stateDir,
      dataDir: join(options.stateDir, 'data'),
      configFile: join(options.stateDir, 'server.properties'),
      log4jFile: join(options.stateDir, 'log4j.properties'),
      logFile: join(options.stateDir, 'kafka.log'),
      pidFile: join(options.stateDir, 'kafka.pid'),
    },
  };
  const java = await detectJava();
  const artifacts = await withLock(shared.lockFile, LOCK_TIMEOUT_MS, () => fetchArtifacts(shared, java.javac));
  await prepareKafka(layout, java.java, artifacts.kafka.libDir);
  const brokers = `${layout.kafka.host}:${layout.kafka.port}`;
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  let pid: number | undefined;

  return {
    brokers,
    logFile: layout.kafka.logFile,
    async start() {
      if (pid !== undefined && isProcessAlive(pid)) return;
      pid = await spawnDetached(java.java, kafkaCommandArgs(layout, artifacts.kafka.libDir), { cwd: options.stateDir, logFile: layout.kafka.logFile });
      const deadline = Date.now() + timeoutMs;
      while (!(await probeKafka(brokers))) {
        if (!isProcessAlive(pid) || Date.now() > deadline) {
          const started = isProcessAlive(pid);
          if (started) await terminate(pid, 5_000);
          throw new InfraError(
            started ? InfraErrorCodes.startTimeout : InfraErrorCodes.startFailed,
            `The scratch Kafka on ${brokers} ${started ? `did not answer within ${timeoutMs} ms` : 'exited while starting'}:\n${await tailFile(layout.kafka.logFile, 40)}`,
            { retryable: false, logFile: layout.kafka.logFile },
          );
        }
        await sleep(300);
      }
    },
    async stop(graceMs = 30_000) {
      if (pid === undefined) return 'not-running';
      const outcome = await terminate(pid, graceMs);
      pid = undefined;
      return outcome;
    },
  };
}
