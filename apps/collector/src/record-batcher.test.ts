import { describe, expect, it } from 'vitest';
import type { RawRecord } from '@siem/schema';
import { RecordBatcher } from './record-batcher';

const record = (n: number): RawRecord => ({ payload: Buffer.from(`line ${n}`), receivedAt: '2026-11-23T00:00:00.000Z', input: 'test' });

describe('RecordBatcher', () => {
  it('delivers a full batch at once and a partial one after the linger, in arrival order', async () => {
    const sent: string[][] = [];
    const batcher = new RecordBatcher(async (records) => void sent.push(records.map((r) => r.payload.toString())), { maxRecords: 3, lingerMs: 5, highWaterMark: 100 });
    await Promise.all([1, 2, 3, 4].map((n) => batcher.add([record(n)])));
    expect(sent).toEqual([['line 1', 'line 2', 'line 3'], ['line 4']]);
    expect(batcher.pending).toBe(0);
    expect(batcher.oldestPendingSince()).toBeUndefined();
  });

  it('rejects the records of a batch whose delivery failed, and goes on with the next batch', async () => {
    let calls = 0;
    const batcher = new RecordBatcher(
      async () => {
        calls++;
        if (calls === 1) throw new Error('spool full and bus down');
      },
      { maxRecords: 1, lingerMs: 1, highWaterMark: 100 },
    );
    const first = batcher.add([record(1)]);
    const second = batcher.add([record(2)]);
    await expect(first).rejects.toThrow('spool full and bus down');
    await expect(second).resolves.toBeUndefined();
    expect(batcher.pending).toBe(0);
  });

  it('does not start a batch before the one ahead of it is delivered', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new RecordBatcher(
      async (records) => {
        order.push(`start ${records[0]!.payload}`);
        if (records[0]!.payload.toString() === 'line 1') await gate;
        order.push(`end ${records[0]!.payload}`);
      },
      { maxRecords: 1, lingerMs: 1, highWaterMark: 100 },
    );
    const done = Promise.all([batcher.add([record(1)]), batcher.add([record(2)])]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batcher.oldestPendingSince()).toBeLessThanOrEqual(Date.now());
    release();
    await done;
    expect(order).toEqual(['start line 1', 'end line 1', 'start line 2', 'end line 2']);
  });

  it('reports full above the high-water mark and drains below it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new RecordBatcher(() => gate, { maxRecords: 2, lingerMs: 1, highWaterMark: 2 });
    const drained = new Promise<void>((resolve) => batcher.once('drain', resolve));
    const done = Promise.all([batcher.add([record(1)]), batcher.add([record(2)])]);
    expect(batcher.isFull()).toBe(true);
    release();
    await done;
    await drained;
    expect(batcher.isFull()).toBe(false);
  });

  it('takes a group of records with one promise, which settles only once every batch holding them is delivered', async () => {
    const sent: string[][] = [];
    const batcher = new RecordBatcher(async (records) => void sent.push(records.map((r) => r.payload.toString())), { maxRecords: 2, lingerMs: 1_000, highWaterMark: 100 });
    let settled = false;
    const durable = batcher.add([record(1), record(2), record(3)]).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([['line 1', 'line 2']]);
    expect(settled).toBe(false);
    await durable;
    expect(sent).toEqual([['line 1', 'line 2'], ['line 3']]);
  });

  it('rejects a group when any batch holding its records is refused, without an unhandled rejection for groups nobody awaits', async () => {
    const batcher = new RecordBatcher(
      async (records) => {
        if (records.some((r) => r.payload.toString() === 'line 1')) throw new Error('refused');
      },
      { maxRecords: 1, lingerMs: 1, highWaterMark: 100 },
    );
    void batcher.add([record(9)]);
    await expect(batcher.add([record(1), record(2)])).rejects.toThrow('refused');
    expect(batcher.pending).toBe(0);
  });

  it('sends the batches that filled up during a delivery together in the next one, in order', async () => {
    const sent: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new RecordBatcher(
      async (records) => {
        sent.push(records.map((r) => r.payload.toString()));
        if (sent.length === 1) await gate;
      },
      { maxRecords: 2, lingerMs: 5, highWaterMark: 100 },
    );
    const first = batcher.add([record(1), record(2)]);
    const rest = batcher.add([3, 4, 5, 6, 7].map(record));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([['line 1', 'line 2']]);
    release();
    await Promise.all([first, rest]);
    expect(sent).toEqual([['line 1', 'line 2'], ['line 3', 'line 4', 'line 5', 'line 6'], ['line 7']]);
    expect(batcher.pending).toBe(0);
  });
});
