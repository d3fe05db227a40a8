import { Worker } from 'node:worker_threads';
import type { Logger } from '@siem/telemetry';
import { ApiError, ApiErrorCodes } from '../errors';

/**
 * Runs jobs (query parsing, store reads) in worker threads, so that no request can hold
 * the API's event loop: a job has a deadline, after which its request is answered 504 and
 * its worker terminated and replaced (a parser stuck in a loop, a scan that never ends);
 * each worker's heap is capped, so a job that allocates without bound ends its own worker,
 * not the process. The queue is bounded too.
 */
export interface ReadPoolOptions {
  /** A module exporting `createHandler(handlerData): Promise<(job) => Promise<value>>`; each worker imports it once. */
  readonly handlerModule: URL;
  /** Structured-cloneable data given to `createHandler`. */
  readonly handlerData: unknown;
  readonly workers: number;
  /** Time from `run` to the answer, queueing included. */
  readonly budgetMs: number;
  /** Old-generation heap limit of each worker. */
  readonly memoryMb: number;
  /** Jobs waiting for a worker beyond which `run` refuses at once (default 64 per worker). */
  readonly maxQueued?: number;
  readonly logger: Logger;
}

/** A job's own failure, as the handler threw it in the worker (a query error, a store error). */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly details: Record<string, unknown> | undefined,
    /** The HTTP status the handler chose, when it threw an ApiError. */
    readonly statusCode: number | undefined,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

interface Task {
  readonly id: number;
  readonly job: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  retired: boolean;
  task?: Task;
}

interface WorkerReply {
  readonly ready?: true;
  readonly id?: number;
  readonly ok?: boolean;
  readonly value?: unknown;
  readonly error?: { code?: string; message: string; retryable: boolean; details?: Record<string, unknown>; position?: number; statusCode?: number };
}

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/** A worker that dies before it is ready is replaced after this pause, so a broken handler cannot spin the CPU. */
const RESPAWN_PAUSE_MS = 1000;

export class ReadPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private readonly maxQueued: number;
  /** Terminated workers not yet gone: one stuck in a native call (a SQLite statement) ends only when the call returns. */
  private stopping = 0;
  /** Replacements held back while too many terminated workers linger, so threads stay bounded (2 × workers). */
  private deferredSpawns = 0;
  private nextId = 0;
  private closed = false;
  private readonly respawnTimers = new Set<NodeJS.Timeout>();
  private readonly started: Promise<void>;
  private startFailed: (error: Error) => void = () => {};
  private startedWorkers = 0;
  private allStarted: () => void = () => {};

  constructor(readonly options: ReadPoolOptions) {
    this.maxQueued = options.maxQueued ?? 64 * options.workers;
    this.started = new Promise<void>((resolve, reject) => {
      this.allStarted = resolve;
      this.startFailed = reject;
    });
    // Rejections before anyone awaits `ready()` are not unhandled: `ready()` reports them.
    this.started.catch(() => {});
    for (let i = 0; i < options.workers; i++) this.spawn();
  }

  /** Resolves once every first worker has loaded its handler; rejects when one fails to, e.g. a store that cannot be set up. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Runs `job` in a worker; rejects with an ApiError when the budget is hit, a JobError when the job failed. */
  run<T>(job: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new ApiError(ApiErrorCodes.overloaded, 'The API is shutting down; retry against another instance.', 503, { retryable: true }));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new ApiError(ApiErrorCodes.overloaded, `The API is busy with ${this.queue.length} searches waiting; retry in a few seconds.`, 503, { retryable: true }),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => this.expire(task), this.options.budgetMs);
      const task: Task = { id, job, resolve: resolve as (value: unknown) => void, reject, timer };
      this.queue.push(task);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.respawnTimers) clearTimeout(timer);
    for (const task of this.queue.splice(0)) this.settle(task, new ApiError(ApiErrorCodes.overloaded, 'The API is shutting down.', 503, { retryable: true }));
    await Promise.all(
      [...this.slots].map((slot) => {
        if (slot.task) this.settle(slot.task, new ApiError(ApiErrorCodes.overloaded, 'The API is shutting down.', 503, { retryable: true }));
        slot.task = undefined;
        return slot.worker.terminate();
      }),
    );
    this.slots.clear();
  }

  private spawn(): void {
    const worker = new Worker(WORKER_ENTRY, {
      workerData: { handlerModule: this.options.handlerModule.href, handlerData: this.options.handlerData },
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
    });
    const slot: Slot = { worker, ready: false, retired: false };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (slot.task) {
        this.settle(
          slot.task,
          outOfMemory
            ? new ApiError(ApiErrorCodes.memoryExceeded, `The search needed more than the ${this.options.memoryMb} MB a search may use; narrow the query or the time range, or ask for fewer hits.`, 503, { retryable: false })
            : new ApiError(ApiErrorCodes.internal, 'Internal error; see the API log.', 500, { retryable: false, cause: error }),
        );
        slot.task = undefined;
      }
      if (!slot.ready) this.startFailed(error);
      this.options.logger.error({ err: error, outOfMemory }, 'A read worker failed; it is replaced.');
    });
    worker.on('exit', () => {
      this.slots.delete(slot);
      if (slot.retired) {
        this.stopping--;
        if (this.deferredSpawns > 0 && !this.closed) {
          this.deferredSpawns--;
          this.spawn();
        }
        return;
      }
      if (slot.task) {
        this.settle(slot.task, new ApiError(ApiErrorCodes.internal, 'Internal error; see the API log.', 500, { retryable: false }));
      }
      if (this.closed) return;
      if (slot.ready) {
        this.spawn();
        return;
      }
      this.startFailed(new Error(`A read worker exited before it loaded ${this.options.handlerModule.href}; see the lines above.`));
      const timer = setTimeout(() => {
        this.respawnTimers.delete(timer);
        if (!this.closed) this.spawn();
      }, RESPAWN_PAUSE_MS);
      this.respawnTimers.add(timer);
    });
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.ready) {
      slot.ready = true;
      if (++this.startedWorkers === this.options.workers) this.allStarted();
      this.dispatch();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    slot.task = undefined;
    if (reply.ok) this.settle(task, undefined, reply.value);
    else {
      const { code, message, retryable, details, position, statusCode } = reply.error!;
      this.settle(task, new JobError(code ?? ApiErrorCodes.internal, message, retryable, details ?? (position === undefined ? undefined : { position }), statusCode));
    }
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.retired || slot.task) continue;
      const task = this.queue.shift()!;
      task.slot = slot;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, job: task.job });
    }
  }

  /** The budget is spent: answer now; a worker still on the job is stuck in it, so it goes and another comes. */
  private expire(task: Task): void {
    this.settle(task, new ApiError(ApiErrorCodes.timeout, `The search took longer than its ${this.options.budgetMs} ms budget; narrow the query or the time range.`, 504, { retryable: false }));
    const queued = this.queue.indexOf(task);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      return;
    }
    const slot = task.slot;
    if (!slot || slot.task !== task) return;
    slot.task = undefined;
    slot.retired = true;
    this.stopping++;
    this.options.logger.warn({ budgetMs: this.options.budgetMs }, 'A read worker ran past the budget; it is terminated and replaced.');
    void slot.worker.terminate();
    if (this.closed) return;
    if (this.stopping <= this.options.workers) this.spawn();
    else this.deferredSpawns++;
  }

  private settle(task: Task, error: Error | undefined, value?: unknown): void {
    clearTimeout(task.timer);
    if (error) task.reject(error);
    else task.resolve(value);
  }
}
