import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@siem/telemetry';
import { ApiError } from '../errors';
import { JobError, ReadPool } from './read-pool';

const handlerModule = new URL('./read-pool.test-handler.ts', import.meta.url);
const logger = createLogger('read-pool-test', 'silent');
let pool: ReadPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** A pool whose workers have started (their start, tsx included, is not what these tests time). */
async function startedPool(options: { workers?: number; budgetMs?: number; maxQueued?: number } = {}): Promise<ReadPool> {
  pool = new ReadPool({ handlerModule, handlerData: { label: 'day-1' }, workers: options.workers ?? 1, budgetMs: options.budgetMs ?? 2000, memoryMb: 64, maxQueued: options.maxQueued, logger });
  await pool.ready();
  return pool;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('the job should have failed'),
    (error: Error) => error,
  );
}

describe('ReadPool', () => {
  it('runs a job in a worker with the handler data and answers its value', async () => {
    const started = await startedPool();
    expect(JSON.parse(await started.run<string>({ op: 'search', q: 'x' }))).toEqual({ total: 1, hits: [{ id: 'a', index: 'day-1', event: { job: { op: 'search', q: 'x' } } }] });
    expect(await started.run({ op: 'count', q: 'x' })).toBe(42);
  }, 30_000);

  it("hands back the job's own error with its code, retryable flag and position", async () => {
    const started = await startedPool();
    const error = await failure(started.run({ op: 'search', q: 'bad' }));
    expect(error).toBeInstanceOf(JobError);
    expect(error).toMatchObject({ code: 'SIEM_QUERY_SYNTAX', retryable: false, details: { position: 3 } });
  }, 30_000);

  it('answers 504 at the budget when a job never ends, keeps the event loop free meanwhile, and goes on answering', async () => {
    const started = await startedPool({ workers: 2, budgetMs: 1500 });
    const began = performance.now();
    const spinning = failure(started.run({ op: 'search', q: 'spin' }));
    // The spin runs on another thread: this thread's timers still fire on time.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(performance.now() - began).toBeLessThan(1000);
    const error = await spinning;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'SIEM_API_TIMEOUT', statusCode: 504 });
    expect(performance.now() - began).toBeGreaterThanOrEqual(1400);
    expect(await started.run({ op: 'count', q: 'x' })).toBe(42);
  }, 30_000);

  it('answers 504 at the budget while a worker is inside a long SQLite statement, and goes on answering', async () => {
    const started = await startedPool({ workers: 2, budgetMs: 200 });
    const began = performance.now();
    expect(await failure(started.run({ op: 'search', q: 'sqlite-scan' }))).toMatchObject({ code: 'SIEM_API_TIMEOUT', statusCode: 504 });
    expect(performance.now() - began).toBeLessThan(700);
    // The statement still holds the terminated worker; the other one answers.
    expect(await started.run({ op: 'count', q: 'x' })).toBe(42);
  }, 30_000);

  it('answers 503 when a job outgrows the worker heap, and replaces the worker', async () => {
    const started = await startedPool({ budgetMs: 20_000 });
    const error = await failure(started.run({ op: 'search', q: 'hoard' }));
    expect(error).toMatchObject({ code: 'SIEM_API_MEMORY_EXCEEDED', statusCode: 503 });
    expect(await started.run({ op: 'count', q: 'x' })).toBe(42);
  }, 60_000);

  it('answers 500 when a worker dies under a job, and replaces it', async () => {
    // The replacement loads its handler before the next job runs; on a loaded machine that alone can take seconds.
    const started = await startedPool({ budgetMs: 20_000 });
    expect(await failure(started.run({ op: 'search', q: 'exit' }))).toMatchObject({ code: 'SIEM_API_INTERNAL', statusCode: 500 });
    expect(await started.run({ op: 'count', q: 'x' })).toBe(42);
  }, 30_000);

  it('refuses at once with 503 when the queue is full', async () => {
    const started = await startedPool({ budgetMs: 2000, maxQueued: 1 });
    const running = failure(started.run({ op: 'search', q: 'spin' }));
    const queued = failure(started.run({ op: 'search', q: 'x' }));
    expect(await failure(started.run({ op: 'search', q: 'x' }))).toMatchObject({ code: 'SIEM_API_OVERLOADED', statusCode: 503 });
    expect(await running).toMatchObject({ code: 'SIEM_API_TIMEOUT' });
    // Waiting behind the spin used up its budget too: the budget counts from the request.
    expect(await queued).toMatchObject({ code: 'SIEM_API_TIMEOUT' });
  }, 30_000);

  it.each(['throw', 'exit'])('reports a worker that cannot start (its handler start does %s) through ready()', async (start) => {
    pool = new ReadPool({ handlerModule, handlerData: { label: 'day-1', start }, workers: 1, budgetMs: 2000, memoryMb: 64, logger });
    await expect(pool.ready()).rejects.toThrow(start === 'throw' ? 'The store cannot be set up.' : /exited before it loaded/);
  }, 30_000);

  it('refuses new jobs once closed', async () => {
    const started = await startedPool();
    await started.close();
    expect(await failure(started.run({ op: 'count', q: 'x' }))).toMatchObject({ code: 'SIEM_API_OVERLOADED' });
  }, 30_000);
});
