import type { EachBatchPayload, Kafka } from 'kafkajs';
import { deferred } from '@siem/testing';
import { describe, expect, it, vi } from 'vitest';
import { ENVELOPE_HEADER } from '../record-envelope';
import type { ConsumedMessage } from '../types';
import { KafkaBusConsumer } from './consumer';

type EachBatch = (payload: EachBatchPayload) => Promise<void>;

type CrashListener = (event: { payload: { error: Error; restart: boolean } }) => void;

/** A kafkajs stand-in that hands over the eachBatch callback instead of fetching. */
function fakeKafka(): { kafka: Kafka; eachBatch: () => EachBatch; rejoin: () => void; crash: (restart: boolean) => void; calls: { connect: number; run: number } } {
  let captured: EachBatch | undefined;
  let onJoin: (() => void) | undefined;
  let onCrash: CrashListener | undefined;
  const calls = { connect: 0, run: 0 };
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (event: string, listener: () => void) => {
      if (event === 'consumer.group_join') onJoin = listener;
      if (event === 'consumer.crash') onCrash = listener;
    },
    connect: async () => void calls.connect++,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: EachBatch }) => {
      calls.run++;
      captured = config.eachBatch;
    },
    disconnect: async () => undefined,
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    eachBatch: () => captured!,
    rejoin: () => onJoin?.(),
    crash: (restart) => onCrash?.({ payload: { error: new Error('Failed to find group coordinator'), restart } }),
    calls,
  };
}

/** Lets the consumer run until it waits on a handler again (it yields to I/O between chunks). */
const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** An envelope's value starts with its record count; the records themselves do not matter here. */
function envelopeOf(records: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt32BE(records, 0);
  return value;
}

function batchOf(count: number, resolved: string[], recordsPerMessage = 1, firstOffset = 0): EachBatchPayload {
  return {
    batch: {
      topic: 'siem.raw',
      partition: 0,
      messages: Array.from({ length: count }, (_, i) =>
        recordsPerMessage === 1
          ? { offset: String(firstOffset + i), key: null, value: Buffer.from(`line ${i}`), headers: {}, timestamp: '0', attributes: 0 }
          : { offset: String(firstOffset + i), key: null, value: envelopeOf(recordsPerMessage), headers: { [ENVELOPE_HEADER]: Buffer.from('1') }, timestamp: '0', attributes: 0 },
      ),
    },
    resolveOffset: (offset: string) => void resolved.push(offset),
    heartbeat: async () => undefined,
    commitOffsetsIfNecessary: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

/** Settles the first `count` chunks in order, each once the consumer has handed it over. */
async function settleInTurn(calls: readonly { done: { resolve: () => void } }[], count: number): Promise<void> {
  for (let settled = 0; settled < count; settled++) {
    await tick();
    calls[settled]!.done.resolve();
  }
}

async function started(chunksInFlight: number, chunkSize = 2) {
  const { kafka, eachBatch } = fakeKafka();
  const calls: { first: string; count: number; done: ReturnType<typeof deferred> }[] = [];
  const consumer = new KafkaBusConsumer(kafka, 'group', { chunksInFlight, topicIncarnation: async () => 'raw-incarnation1' });
  await consumer.run({
    topic: 'siem.raw',
    chunkSize,
    handleChunk: (messages: readonly ConsumedMessage[]) => {
      const done = deferred();
      calls.push({ first: messages[0]!.offset, count: messages.length, done });
      return done.promise;
    },
  });
  return { eachBatch: eachBatch(), calls };
}

describe('KafkaBusConsumer', () => {
  it('handles the next chunk while the previous one is still in progress', async () => {
    const { eachBatch, calls } = await started(2);
    const resolved: string[] = [];
    const running = eachBatch(batchOf(6, resolved));
    await tick();
    expect(calls.map((c) => c.first)).toEqual(['0', '2']);
    calls[0]!.done.resolve();
    await tick();
    expect(calls.map((c) => c.first)).toEqual(['0', '2', '4']);
    calls[1]!.done.resolve();
    calls[2]!.done.resolve();
    await running;
    expect(resolved).toEqual(['1', '3', '5']);
  });

  it('resolves offsets in order when a later chunk finishes first', async () => {
    const { eachBatch, calls } = await started(2);
    const resolved: string[] = [];
    const running = eachBatch(batchOf(4, resolved));
    await tick();
    calls[1]!.done.resolve();
    await tick();
    expect(resolved).toEqual([]);
    calls[0]!.done.resolve();
    await running;
    expect(resolved).toEqual(['1', '3']);
  });

  it('handles one chunk at a time when chunksInFlight is 1', async () => {
    const { eachBatch, calls } = await started(1);
    const resolved: string[] = [];
    const running = eachBatch(batchOf(4, resolved));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.done.resolve();
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.done.resolve();
    await running;
    expect(resolved).toEqual(['1', '3']);
  });

  it('leaves a failed chunk and every later one unresolved, and rejects once the later ones have settled', async () => {
    const { eachBatch, calls } = await started(2);
    const resolved: string[] = [];
    let settled = false;
    const running = eachBatch(batchOf(6, resolved)).finally(() => {
      settled = true;
    });
    await tick();
    calls[0]!.done.resolve();
    await tick();
    calls[1]!.done.reject(new Error('store refused'));
    await tick();
    expect(settled).toBe(false);
    calls[2]!.done.resolve();
    await expect(running).rejects.toThrow('store refused');
    expect(resolved).toEqual(['1']);
  });

  it('cuts chunks by records, counting each record of a batch envelope, without going over the chunk size', async () => {
    const { eachBatch, calls } = await started(1, 100);
    const resolved: string[] = [];
    const running = eachBatch(batchOf(5, resolved, 40));
    await settleInTurn(calls, 3);
    await running;
    expect(calls.map((call) => call.count)).toEqual([2, 2, 1]);
    expect(resolved).toEqual(['1', '3', '4']);
  });

  it('gives an envelope larger than the chunk size a chunk of its own', async () => {
    const { eachBatch, calls } = await started(1, 100);
    const resolved: string[] = [];
    const running = eachBatch(batchOf(2, resolved, 250));
    await settleInTurn(calls, 2);
    await running;
    expect(calls.map((call) => call.count)).toEqual([1, 1]);
    expect(resolved).toEqual(['0', '1']);
  });

  describe('incarnation', () => {
    async function recording() {
      const { kafka, eachBatch, rejoin } = fakeKafka();
      const asked: string[] = [];
      let current = 'first-incarnation';
      const seen: string[] = [];
      const consumer = new KafkaBusConsumer(kafka, 'group', {
        topicIncarnation: async (topic) => {
          asked.push(topic);
          return current;
        },
      });
      await consumer.run({
        topic: 'siem.raw',
        chunkSize: 100,
        handleChunk: async (messages) => void seen.push(...new Set(messages.map((message) => message.incarnation))),
      });
      return { eachBatch: eachBatch(), rejoin, asked, seen, recreate: (incarnation: string) => (current = incarnation) };
    }

    it('stamps every message with the topic incarnation asked once at the start, not per batch', async () => {
      const { eachBatch, asked, seen } = await recording();
      await eachBatch(batchOf(3, []));
      await eachBatch(batchOf(3, [], 1, 3));
      expect(asked).toEqual(['siem.raw']);
      expect(seen).toEqual(['first-incarnation', 'first-incarnation']);
    });

    it('asks again when the offsets of a partition go back, as they do in a recreated topic', async () => {
      const { eachBatch, asked, seen, recreate } = await recording();
      await eachBatch(batchOf(5, []));
      recreate('second-incarnation');
      await eachBatch(batchOf(2, []));
      expect(asked).toHaveLength(2);
      expect(seen).toEqual(['first-incarnation', 'second-incarnation']);
    });

    it('asks again after a rebalance', async () => {
      const { eachBatch, rejoin, asked, seen, recreate } = await recording();
      await eachBatch(batchOf(2, []));
      recreate('second-incarnation');
      rejoin();
      await eachBatch(batchOf(2, [], 1, 2));
      expect(asked).toHaveLength(2);
      expect(seen).toEqual(['first-incarnation', 'second-incarnation']);
    });

    it('fails the batch when the incarnation cannot be read, and asks again for the next one', async () => {
      const { kafka, eachBatch } = fakeKafka();
      let answers = 0;
      const consumer = new KafkaBusConsumer(kafka, 'group', {
        topicIncarnation: async () => {
          answers++;
          if (answers === 2) throw new Error('brokers unreachable');
          return 'the-incarnation';
        },
      });
      const handled: string[] = [];
      await consumer.run({ topic: 'siem.raw', chunkSize: 100, handleChunk: async (messages) => void handled.push(messages[0]!.incarnation) });
      await eachBatch()(batchOf(2, []));
      // Redelivered from offset 0 after a failure: offsets went back, so the incarnation is asked again, and that fails.
      await expect(eachBatch()(batchOf(2, []))).rejects.toThrow('brokers unreachable');
      await eachBatch()(batchOf(2, []));
      expect(handled).toEqual(['the-incarnation', 'the-incarnation']);
      expect(answers).toBe(3);
    });
  });

  describe('crash', () => {
    async function running() {
      const fake = fakeKafka();
      const consumer = new KafkaBusConsumer(fake.kafka, 'group', { topicIncarnation: async () => 'the-incarnation' });
      await consumer.connect();
      await consumer.run({ topic: 'siem.raw', chunkSize: 100, handleChunk: async () => undefined });
      return { ...fake, consumer };
    }

    it('starts the consumer again, with the same handler, after a crash kafkajs does not restart', async () => {
      vi.useFakeTimers();
      try {
        const { crash, calls, eachBatch } = await running();
        const handlerBefore = eachBatch();
        crash(false);
        await vi.advanceTimersByTimeAsync(500);
        expect(calls).toEqual({ connect: 2, run: 2 });
        expect(eachBatch()).toBe(handlerBefore);
        // A second crash before the group was joined again waits twice as long.
        crash(false);
        await vi.advanceTimersByTimeAsync(999);
        expect(calls.run).toBe(2);
        await vi.advanceTimersByTimeAsync(1);
        expect(calls).toEqual({ connect: 3, run: 3 });
      } finally {
        vi.useRealTimers();
      }
    });

    it('leaves a crash that kafkajs restarts itself to kafkajs', async () => {
      vi.useFakeTimers();
      try {
        const { crash, calls } = await running();
        crash(true);
        await vi.advanceTimersByTimeAsync(20_000);
        expect(calls).toEqual({ connect: 1, run: 1 });
      } finally {
        vi.useRealTimers();
      }
    });

    it('does not start again once disconnected', async () => {
      vi.useFakeTimers();
      try {
        const { crash, calls, consumer } = await running();
        crash(false);
        await consumer.disconnect();
        await vi.advanceTimersByTimeAsync(20_000);
        expect(calls).toEqual({ connect: 1, run: 1 });
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
