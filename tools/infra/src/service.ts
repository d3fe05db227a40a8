import { setTimeout as sleep } from 'node:timers/promises';
import { secondsSince } from './clock';
import { InfraError, InfraErrorCodes } from './errors';
import { isPortOpen } from './ports';
import {
  isErrno,
  hasCommandLineArg,
  isProcessAlive,
  readPidFile,
  removePidFile,
  spawnDetached,
  tailFile,
  terminate,
  writePidFile,
  type StopOutcome,
} from './process';

/** What the shared start/stop logic needs to know about Kafka or OpenSearch. */
export interface ServiceDefinition {
  readonly displayName: string;
  /** On the command line of every JVM of this service that we start, e.g. `-Dsiem.infra.service=kafka`. */
  readonly marker: string;
  /** On the command line of the JVM started for the current ports, e.g. `-Dsiem.infra.port=19092`. */
  readonly portMarker: string;
  readonly host: string;
  readonly ports: readonly { readonly port: number; readonly setting: string }[];
  readonly pidFile: string;
  readonly logFile: string;
  readonly startTimeoutMs: number;
  probe(): Promise<boolean>;
  /** Runs once after a start of ours turned healthy, to finish what the first client would otherwise wait for. */
  warmUp?(): Promise<void>;
}

export interface LaunchCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export interface ServiceStart {
  /** False when a healthy instance was already there and was reused. */
  readonly started: boolean;
  /** From preparing (config, storage format) to the first healthy answer; null when nothing was started. */
  readonly startSeconds: number | null;
}

export interface ServiceStatus {
  readonly pid: number | null;
  /** Our recorded process is alive. */
  readonly running: boolean;
  /** The service answers its health check, whoever started it. */
  readonly healthy: boolean;
}

const POLL_MS = 500;
const LOG_TAIL_LINES = 40;
const STOP_GRACE_MS = 15_000;

/**
 * Reuses a healthy instance, waits for one of ours that is still starting, refuses ports held by
 * anything else, and otherwise prepares, spawns and waits until the health check passes.
 */
export async function ensureService(
  service: ServiceDefinition,
  launch: () => Promise<LaunchCommand>,
): Promise<ServiceStart> {
  if (await service.probe()) return { started: false, startSeconds: null };

  const recorded = await ownedPid(service);
  if (recorded !== null) {
    if (!hasCommandLineArg(recorded, service.portMarker)) {
      throw new InfraError(
        InfraErrorCodes.portChanged,
        `${service.displayName} from tools/infra is running (pid ${recorded}) with other ports than the ones now configured, ` +
          'on the same state directory. Run `npm run infra -- down` first, then `up` again.',
        { retryable: false, logFile: service.logFile },
      );
    }
    await waitUntilHealthy(service, recorded);
    return { started: false, startSeconds: null };
  }

  for (const { port, setting } of service.ports) {
    if (await isPortOpen(service.host, port)) {
      throw new InfraError(
        InfraErrorCodes.portInUse,
        `${service.host}:${port} is taken by a process that is not a healthy ${service.displayName} started by tools/infra. ` +
          `Stop that process, or move ours with ${setting}=<port>.`,
        { retryable: false },
      );
    }
  }

  const startedAt = performance.now();
  const { command, args, cwd } = await launch();
  let pid: number;
  try {
    pid = await spawnDetached(command, args, { cwd, logFile: service.logFile });
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new InfraError(InfraErrorCodes.javaMissing, `Could not run ${command} to start ${service.displayName}.`, {
        cause: error,
        retryable: false,
      });
    }
    throw error;
  }
  await writePidFile(service.pidFile, pid);
  await waitUntilHealthy(service, pid);
  await service.warmUp?.();
  return { started: true, startSeconds: secondsSince(startedAt) };
}

async function waitUntilHealthy(service: ServiceDefinition, pid: number): Promise<void> {
  const deadline = Date.now() + service.startTimeoutMs;
  for (;;) {
    if (await service.probe()) return;
    if (!isProcessAlive(pid)) {
      await removePidFile(service.pidFile);
      throw new InfraError(
        InfraErrorCodes.startFailed,
        `${service.displayName} (pid ${pid}) exited during start-up. Read ${service.logFile}; ` +
          `if its state is damaged, \`npm run infra -- up --fresh\` starts from empty state. Last lines:\n` +
          (await tailFile(service.logFile, LOG_TAIL_LINES)),
        { retryable: false, logFile: service.logFile },
      );
    }
    if (Date.now() > deadline) {
      const tail = await tailFile(service.logFile, LOG_TAIL_LINES);
      await terminate(pid, STOP_GRACE_MS);
      await removePidFile(service.pidFile);
      throw new InfraError(
        InfraErrorCodes.startTimeout,
        `${service.displayName} (pid ${pid}) was not healthy after ${Math.round(service.startTimeoutMs / 1000)} s and was stopped. ` +
          `A loaded machine may need a longer startTimeoutMs; otherwise read ${service.logFile}. Last lines:\n${tail}`,
        { retryable: true, logFile: service.logFile },
      );
    }
    await sleep(POLL_MS);
  }
}

export async function stopService(service: ServiceDefinition): Promise<StopOutcome> {
  const pid = await ownedPid(service);
  let outcome: StopOutcome = 'not-running';
  if (pid !== null) {
    try {
      outcome = await terminate(pid, STOP_GRACE_MS);
    } catch (error) {
      throw new InfraError(
        InfraErrorCodes.stopFailed,
        `${service.displayName} (pid ${pid}) did not exit after SIGTERM and SIGKILL; check it with \`ps -p ${pid}\`.`,
        { cause: error, retryable: true, logFile: service.logFile },
      );
    }
  }
  await removePidFile(service.pidFile);
  return outcome;
}

export async function serviceStatus(service: ServiceDefinition): Promise<ServiceStatus> {
  const [pid, healthy] = await Promise.all([readPidFile(service.pidFile), service.probe()]);
  const running = pid !== null && isProcessAlive(pid) && hasCommandLineArg(pid, service.marker);
  return { pid, running, healthy };
}

/** The recorded pid if that process is alive and ours; a stale pid file is removed. */
async function ownedPid(service: ServiceDefinition): Promise<number | null> {
  const pid = await readPidFile(service.pidFile);
  if (pid === null) return null;
  if (isProcessAlive(pid) && hasCommandLineArg(pid, service.marker)) return pid;
  await removePidFile(service.pidFile);
  return null;
}
