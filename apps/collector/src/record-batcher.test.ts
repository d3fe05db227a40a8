import { describe, expect, it } from 'vitest';
import type { RawRecord } from '@siem/schema';
import { RecordBatcher } from './record-batcher';

const record = (n: number): RawRecord => ({ payload: Buffer.from(`line ${n}`), receivedAt: '2026-11-23T00:00:00.000Z', input: 'test' });

describe('RecordBatcher', () => {
  it('sends a full batch at once and a partial one after the linger, in arrival order', async () => {
    const sent: string[][] = [];
    const batcher = new RecordBatcher(async (records) => void sent.push(records.map((r) => r.payload.toString())), {
      maxRecords: 3,
      lingerMs: 5,
      highWaterMark: 100,
      retryForMs: 1000,
    });
    await Promise.all([1, 2, 3, 4].map((n) => batcher.add(record(n))));
    expect(sent).toEqual([['line 1', 'line 2', 'line 3'], ['line 4']]);
    expect(batcher.pending).toBe(0);
  });

  it('retries a failing send and resolves once it succeeds', async () => {
    let attempts = 0;
    const batcher = new RecordBatcher(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('broker down');
      },
      { maxRecords: 10, lingerMs: 1, highWaterMark: 100, retryForMs: 10_000 },
    );
    await batcher.add(record(1));
    expect(attempts).toBe(3);
  });

  it('rejects the senders of a batch it had to give up, so they can be told', async () => {
    const batcher = new RecordBatcher(
      async () => {
        throw new Error('broker down');
      },
      { maxRecords: 10, lingerMs: 1, highWaterMark: 100, retryForMs: 50 },
    );
    await expect(batcher.add(record(1))).rejects.toThrow('broker down');
    expect(batcher.pending).toBe(0);
  });

  it('reports full above the high-water mark and drains below it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new RecordBatcher(() => gate, { maxRecords: 2, lingerMs: 1, highWaterMark: 2, retryForMs: 1000 });
    const drained = new Promise<void>((resolve) => batcher.once('drain', resolve));
    const done = Promise.all([batcher.add(record(1)), batcher.add(record(2))]);
    expect(batcher.isFull()).toBe(true);
    release();
    await done;
    await drained;
    expect(batcher.isFull()).toBe(false);
  });
});
