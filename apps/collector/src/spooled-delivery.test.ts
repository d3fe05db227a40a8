import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskSpool, type BusRecord } from '@siem/bus';
import { createLogger } from '@siem/telemetry';
import { SpooledDelivery } from './spooled-delivery';

const logger = createLogger('test', 'silent');
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A bus that can be switched off; what it took, in order. */
class FakeBus {
  up = true;
  readonly taken: string[] = [];
  async send(records: readonly BusRecord[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.up) throw new Error('broker unreachable');
    this.taken.push(...records.map((r) => r.value.toString()));
  }
}

async function setup(options: { maxBytes?: number; giveUpAfterMs?: number; dir?: string } = {}) {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'siem-delivery-')));
  if (!options.dir) cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const spool = await DiskSpool.open({ dir, maxBytes: options.maxBytes ?? 1024 * 1024, segmentBytes: 4096, logger });
  const bus = new FakeBus();
  const delivery = new SpooledDelivery({ send: (records) => bus.send(records), spool, logger, replayBatchRecords: 4, replayBatchBytes: 1024 * 1024, recordCount: () => 1, giveUpAfterMs: options.giveUpAfterMs ?? 30_000 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await delivery.stop();
    await spool.close();
  };
  cleanup.push(close);
  return { dir, spool, bus, delivery, close };
}

const batch = (from: number, count: number): BusRecord[] => Array.from({ length: count }, (_, i) => ({ key: 'h', value: Buffer.from(`seq ${from + i}`), headers: { 'siem.input': 'syslog_tcp' } }));
const seqs = (count: number) => Array.from({ length: count }, (_, i) => `seq ${i}`);

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe('SpooledDelivery', () => {
  it('sends straight to the bus while it is up and leaves the spool empty', async () => {
    const { bus, delivery, spool } = await setup();
    delivery.start();
    await delivery.deliver(batch(0, 3));
    expect(bus.taken).toEqual(seqs(3));
    expect(spool.stats().records).toBe(0);
  });

  it('acknowledges records once spooled while the bus is down, then replays them in order ahead of newer ones, each once', async () => {
    const { bus, delivery, spool } = await setup();
    const produced: string[] = [];
    delivery.on('produced', (records: BusRecord[], via: string) => produced.push(...records.map((r) => `${via}:${r.value}`)));
    delivery.start();
    await delivery.deliver(batch(0, 2));
    bus.up = false;
    for (let n = 2; n < 20; n += 3) await delivery.deliver(batch(n, 3));
    expect(spool.stats().records).toBe(18);
    expect(bus.taken).toEqual(seqs(2));

    bus.up = true;
    // New batches while the replay runs must queue behind the spool.
    for (let n = 20; n < 30; n += 2) await delivery.deliver(batch(n, 2));
    await until('the spool to drain', () => spool.isEmpty() && bus.taken.length === 30);
    expect(bus.taken).toEqual(seqs(30));
    expect(produced.filter((p) => p.startsWith('replay:'))).toHaveLength(28);
    await delivery.deliver(batch(30, 1));
    expect(produced.at(-1)).toBe('direct:seq 30');
  });

  it('replays at start what an earlier run left in the spool, before new records', async () => {
    const first = await setup();
    first.bus.up = false;
    await first.delivery.deliver(batch(0, 5));
    await first.close();

    const second = await setup({ dir: first.dir });
    expect(second.spool.stats().records).toBe(5);
    second.delivery.start();
    await second.delivery.deliver(batch(5, 2));
    await until('the spool to drain', () => second.bus.taken.length === 7);
    expect(second.bus.taken).toEqual(seqs(7));
  });

  it('signals backpressure when the spool is full, refuses a batch that finds no room in time, and lifts it once the bus drains the spool', async () => {
    const { bus, delivery, spool } = await setup({ maxBytes: 500, giveUpAfterMs: 300 });
    const signals: boolean[] = [];
    delivery.on('backpressure', (on: boolean) => signals.push(on));
    bus.up = false;
    delivery.start();
    await delivery.deliver(batch(0, 5));
    await expect(delivery.deliver(batch(5, 5))).rejects.toMatchObject({ code: 'SIEM_BUS_SPOOL_FULL' });
    expect(delivery.isSpoolFull()).toBe(true);
    expect(signals).toEqual([true]);

    bus.up = true;
    await until('the spool to drain and backpressure to lift', () => spool.isEmpty() && !delivery.isSpoolFull());
    expect(signals).toEqual([true, false]);
    expect(bus.taken).toEqual(seqs(5));
  });
});
