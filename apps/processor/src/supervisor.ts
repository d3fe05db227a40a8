import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@siem/telemetry';

export interface SupervisorOptions {
  readonly workers: number;
  /** V8 young-generation semi-space of each worker in MiB; 0 keeps V8's default. */
  readonly workerSemiSpaceMb: number;
  readonly logger: Logger;
  /** How long workers get to finish their chunk and commit after SIGTERM. */
  readonly shutdownGraceMs: number;
}

export const SHUTDOWN_MESSAGE = 'siem:shutdown';
/** Tells each worker its slot, which the embedded bus uses to assign partitions. */
export const WORKER_SLOT_VARIABLE = 'SIEM_WORKER_SLOT';
const MIN_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

/** The primary's Node options for its workers, with the semi-space size unless one is already given. */
export function workerExecArgv(execArgv: readonly string[], semiSpaceMb: number): string[] {
  if (semiSpaceMb === 0 || execArgv.some((arg) => arg.startsWith('--max-semi-space-size'))) return [...execArgv];
  return [...execArgv, `--max-semi-space-size=${semiSpaceMb}`];
}

/**
 * The node:cluster primary: forks one worker per slot, restarts a worker that
 * dies (with backoff, since every restart rebalances the whole consumer group),
 * and on shutdown asks every worker to drain and waits for them.
 */
export class Supervisor {
  private stopping = false;
  private readonly slots = new Map<number, { worker: Worker; startedAt: number; failures: number }>();

  constructor(private readonly options: SupervisorOptions) {}

  start(): void {
    cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, this.options.workerSemiSpaceMb) });
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    for (let slot = 0; slot < this.options.workers; slot++) this.fork(slot, 0);
    this.options.logger.info({ workers: this.options.workers }, 'The processor primary started its workers.');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const alive = [...this.slots.values()].map((s) => s.worker).filter((w) => !w.isDead());
    await Promise.all(
      alive.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              this.options.logger.warn({ workerPid: worker.process.pid }, 'A worker did not drain in time and was killed; its uncommitted events will be redelivered.');
              worker.process.kill('SIGKILL');
            }, this.options.shutdownGraceMs);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.send(SHUTDOWN_MESSAGE);
          }),
      ),
    );
  }

  private fork(slot: number, failures: number): void {
    const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot) });
    this.slots.set(slot, { worker, startedAt: Date.now(), failures });
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const entry = [...this.slots.entries()].find(([, s]) => s.worker === worker);
    if (!entry || this.stopping) return;
    const [slot, state] = entry;
    const failures = Date.now() - state.startedAt > STABLE_AFTER_MS ? 0 : state.failures + 1;
    const delay = Math.min(MIN_RESTART_DELAY_MS * 2 ** Math.max(0, failures - 1), MAX_RESTART_DELAY_MS);
    this.options.logger.error({ workerPid: worker.process.pid, code, signal, slot, restartInMs: delay }, 'A processor worker died; restarting it.');
    setTimeout(() => {
      if (!this.stopping) this.fork(slot, failures);
    }, delay);
  }
}
