/**
 * How `siem start` keeps its apps running, as the processor primary keeps its
 * workers (apps/processor/src/supervisor.ts): an app that exits unexpectedly is
 * restarted with backoff, logged and counted, and the others keep running.
 * Only a stop, or an app that keeps failing before the whole was ever ready (a
 * wrong setting, a port in use), ends them all. After that first start an app
 * that cannot come back (its store unreachable, say) is retried for as long as
 * the supervisor runs, at most every 30 s.
 */
import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Logger } from '@siem/telemetry';

export type AppState = 'starting' | 'up' | 'down' | 'stopped';

export interface AppStatus {
  readonly app: string;
  readonly state: AppState;
  /** Restarts after an unexpected exit, since the supervisor started. */
  readonly restarts: number;
}

export interface AppSupervisorOptions {
  readonly apps: readonly string[];
  /** Starts one app with its stdout piped; the supervisor reads its lines. */
  readonly spawn: (app: string) => ChildProcess;
  /** Whether a line of the app's stdout says that it is ready. */
  readonly isReady: (app: string, line: string) => boolean;
  /** Receives every stdout line of every app. */
  readonly output: (line: string) => void;
  readonly logger: Logger;
  /** Called when an app goes down or comes back after the first start. */
  readonly onStatus?: (statuses: AppStatus[]) => void;
  /** Exits before ready, in a row, that end the whole during the first start; default 3. */
  readonly maxStartFailures?: number;
  readonly minRestartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
  /** An app that ran this long before exiting is restarted after the shortest delay again. */
  readonly stableAfterMs?: number;
  /** How long apps get to drain and commit after SIGTERM before they are killed. */
  readonly stopGraceMs?: number;
}

interface Slot {
  readonly app: string;
  child?: ChildProcess;
  state: AppState;
  restarts: number;
  /** Exits in quick succession, for the backoff. */
  failures: number;
  /** Exits before the ready line, in a row. */
  startFailures: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export class AppSupervisor {
  private readonly slots: Slot[];
  private stopping = false;
  private everReady = false;
  private settleStart: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly options: AppSupervisorOptions) {
    this.slots = options.apps.map((app) => ({ app, state: 'starting', restarts: 0, failures: 0, startFailures: 0, startedAt: 0 }));
  }

  /** Starts every app; resolves once each said it is ready, rejects when one keeps exiting before it is. */
  start(): Promise<void> {
    const started = new Promise<void>((resolve, reject) => (this.settleStart = { resolve, reject }));
    for (const slot of this.slots) this.launch(slot);
    return started;
  }

  statuses(): AppStatus[] {
    return this.slots.map(({ app, state, restarts }) => ({ app, state, restarts }));
  }

  /**
   * SIGTERM to every running app, SIGKILL to one that outlasts the grace period. Resolves true when each
   * exited with 0, or of the SIGTERM itself (an app still starting has no handler yet, and nothing to drain).
   */
  async stop(): Promise<boolean> {
    this.stopping = true;
    const grace = this.options.stopGraceMs ?? 60_000;
    const exits = this.slots.map(async (slot) => {
      clearTimeout(slot.restartTimer);
      const child = slot.child;
      if (child === undefined || !isRunning(child)) {
        slot.state = 'stopped';
        return true;
      }
      const exited = new Promise<boolean>((resolve) => child.once('exit', (code, signal) => resolve(code === 0 || signal === 'SIGTERM')));
      const killer = setTimeout(() => {
        this.options.logger.warn({ app: slot.app, pid: child.pid, graceMs: grace }, 'An app did not stop in time and was killed; what it had not committed is delivered again at the next start.');
        child.kill('SIGKILL');
      }, grace);
      child.kill('SIGTERM');
      const clean = await exited;
      clearTimeout(killer);
      return clean;
    });
    return (await Promise.all(exits)).every(Boolean);
  }

  private launch(slot: Slot): void {
    const child = this.options.spawn(slot.app);
    slot.child = child;
    slot.state = 'starting';
    slot.startedAt = Date.now();
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      this.options.output(line);
      if (slot.state === 'starting' && slot.child === child && this.options.isReady(slot.app, line)) this.ready(slot);
    });
    child.once('exit', (code, signal) => this.exited(slot, code, signal));
  }

  private ready(slot: Slot): void {
    slot.state = 'up';
    slot.startFailures = 0;
    if (this.everReady) {
      this.options.logger.info({ app: slot.app, restarts: slot.restarts }, 'The app is back.');
      this.options.onStatus?.(this.statuses());
    } else if (this.slots.every((s) => s.state === 'up')) {
      this.everReady = true;
      this.settleStart?.resolve();
    }
  }

  private exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) {
      slot.state = 'stopped';
      return;
    }
    const beforeReady = slot.state === 'starting';
    slot.state = 'down';
    if (beforeReady) slot.startFailures++;
    const maxStartFailures = this.options.maxStartFailures ?? 3;
    if (!this.everReady && slot.startFailures >= maxStartFailures) {
      this.settleStart?.reject(
        new Error(`${slot.app} exited (code ${code}, signal ${signal}) before it was ready, ${slot.startFailures} times in a row; its log lines above say why.`),
      );
      return;
    }
    const stable = Date.now() - slot.startedAt >= (this.options.stableAfterMs ?? 60_000);
    slot.failures = stable ? 1 : slot.failures + 1;
    const delay = Math.min((this.options.minRestartDelayMs ?? 500) * 2 ** (slot.failures - 1), this.options.maxRestartDelayMs ?? 30_000);
    slot.restarts++;
    this.options.logger.error({ app: slot.app, code, signal, restartInMs: delay, restarts: slot.restarts }, 'An app exited; restarting it while the others keep running.');
    if (this.everReady) this.options.onStatus?.(this.statuses());
    slot.restartTimer = setTimeout(() => {
      if (!this.stopping) this.launch(slot);
    }, delay);
  }
}
