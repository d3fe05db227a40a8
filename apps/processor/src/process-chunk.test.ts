import { describe, expect, it } from 'vitest';
import { packRawRecords, type BusProducer, type BusRecord, type ConsumedMessage } from '@siem/bus';
import { createEnricher } from '@siem/enrich';
import { createParser } from '@siem/parsers';
import type { EcsEvent } from '@siem/schema';
import { StoreError, type BulkIndexResult, type EventStore, type IndexableEvent } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { createChunkProcessor, type StageTimes } from './process-chunk';

/** An in-memory store whose next answers can be scripted: the real one is covered by the integration suite. */
class ScriptedStore implements EventStore {
  readonly indexed = new Map<string, IndexableEvent>();
  readonly bulkSizes: number[] = [];
  failuresLeft = 0;
  rejectIds = new Set<string>();
  async ensureReady() {}
  async applyRetention() {
    return [];
  }
  async bulkIndex(events: readonly IndexableEvent[]): Promise<BulkIndexResult> {
    this.bulkSizes.push(events.length);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new StoreError('SIEM_STORE_UNAVAILABLE', 'down', { retryable: true });
    }
    const rejected = events.filter((e) => this.rejectIds.has(e.id)).map((e) => ({ id: e.id, status: 400, reason: 'mapper_parsing_exception: bad ip' }));
    for (const event of events) if (!this.rejectIds.has(event.id)) this.indexed.set(event.id, event);
    return { indexed: events.length - rejected.length, rejected };
  }
  async search() {
    return { total: 0, hits: [] };
  }
  async count() {
    return this.indexed.size;
  }
  async close() {}
}

class CollectingProducer implements BusProducer {
  readonly sent: { topic: string; records: readonly BusRecord[] }[] = [];
  async connect() {}
  async send(topic: string, records: readonly BusRecord[]) {
    this.sent.push({ topic, records });
  }
  async disconnect() {}
}

const message = (offset: number, line: string | Buffer): ConsumedMessage => ({
  incarnation: 'raw-incarnation1',
  topic: 'siem.raw',
  partition: 0,
  offset: String(offset),
  value: Buffer.isBuffer(line) ? line : Buffer.from(line),
  headers: { 'siem.input': 'syslog_tcp', 'siem.received_at': '2026-11-23T10:00:00.000Z', 'siem.source_address': '10.0.0.9' },
});

const enricher = createEnricher({ watchFiles: false });

function setup(store = new ScriptedStore(), shouldRetry = () => true, bulkSize = 2000) {
  const producer = new CollectingProducer();
  const metrics = new MetricsRegistry();
  const process = createChunkProcessor({
    parser: createParser('auto', {}),
    enricher,
    store,
    producer,
    deadLetterTopic: 'siem.dlq',
    bulkSize,
    logger: createLogger('test', 'silent'),
    metrics,
    shouldRetry,
  });
  return { store, producer, metrics, process };
}

describe('createChunkProcessor', () => {
  it('indexes good lines and dead-letters bad ones without losing their neighbours', async () => {
    const { store, producer, metrics, process } = setup();
    await process([
      message(1, '<34>1 2026-11-23T10:00:00.000Z host app - - - good one'),
      message(2, Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0xfe])),
      message(3, ''),
      message(4, '{"message":"good two"}'),
    ]);
    const documents = [...store.indexed.values()].map((e) => e.document as EcsEvent);
    expect(documents.filter((d) => d.event.kind !== 'pipeline_error').map((d) => d.message)).toEqual(['good one', 'good two']);
    expect(documents.filter((d) => d.event.kind === 'pipeline_error').map((d) => (d.error as { code: string }).code)).toEqual([
      'SIEM_PARSE_INVALID_UTF8',
      'SIEM_PARSE_EMPTY',
    ]);
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]!.topic).toBe('siem.dlq');
    const letters = producer.sent[0]!.records.map((r) => JSON.parse(r.value.toString()));
    expect(letters.map((l) => l.error.code)).toEqual(['SIEM_PARSE_INVALID_UTF8', 'SIEM_PARSE_EMPTY']);
    expect(letters.map((l) => l.origin.offset)).toEqual(['2', '3']);
    expect(metrics.counter('siem_processor_indexed_total', '').get()).toBe(4);
  });

  it('gives a replayed dead letter its original id, so the parsed event replaces the letter in the store', async () => {
    const { store, process } = setup();
    await process([message(1, 'not a known format')]);
    const [id, letter] = [...store.indexed.entries()][0]!;
    expect((letter.document as EcsEvent).event.kind).toBe('pipeline_error');
    const replayed = { ...message(40, '{"message":"fixed"}'), headers: { ...message(40, '').headers, 'siem.event_id': id } };
    await process([replayed]);
    expect(store.indexed.size).toBe(1);
    expect(store.indexed.get(id)!.document.message).toBe('fixed');
  });

  it('adds up where a chunk spends its time: the store and the dead letters apart from parsing', async () => {
    const slowStore = new (class extends ScriptedStore {
      override async bulkIndex(events: readonly IndexableEvent[]): Promise<BulkIndexResult> {
        await new Promise((resolve) => setTimeout(resolve, 40));
        return super.bulkIndex(events);
      }
    })();
    const slowProducer = new (class extends CollectingProducer {
      override async send(topic: string, records: readonly BusRecord[]) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await super.send(topic, records);
      }
    })();
    const stageTimes: StageTimes = { parse: 0, index: 0, alerts: 0, deadLetters: 0 };
    const process = createChunkProcessor({
      parser: createParser('auto', {}),
      enricher,
      store: slowStore,
      producer: slowProducer,
      deadLetterTopic: 'siem.dlq',
      bulkSize: 1,
      logger: createLogger('test', 'silent'),
      metrics: new MetricsRegistry(),
      shouldRetry: () => true,
      stageTimes,
    });
    const started = performance.now();
    await process([message(1, '{"message":"one"}'), message(2, '{"message":"two"}'), message(3, '')]);
    const elapsed = performance.now() - started;
    expect(slowStore.bulkSizes).toEqual([1, 1, 1]);
    expect(stageTimes.index).toBeGreaterThanOrEqual(3 * 39);
    expect(stageTimes.deadLetters).toBeGreaterThanOrEqual(19);
    expect(stageTimes.alerts).toBe(0);
    expect(stageTimes.parse).toBeGreaterThan(0);
    expect(stageTimes.parse + stageTimes.index + stageTimes.deadLetters).toBeLessThanOrEqual(elapsed + 1);
  });

  it('retries while the store is down and resolves once it is back', async () => {
    const store = new ScriptedStore();
    store.failuresLeft = 2;
    const { process } = setup(store);
    await process([message(1, '{"message":"eventually"}')]);
    expect(store.indexed.size).toBe(1);
  });

  it('gives up retrying when the worker is stopping, so the chunk stays uncommitted', async () => {
    const store = new ScriptedStore();
    store.failuresLeft = 1;
    const { process } = setup(store, () => false);
    await expect(process([message(1, '{"message":"x"}')])).rejects.toThrow('down');
  });

  it('dead-letters an event the store refuses for good, with the store reason', async () => {
    const store = new ScriptedStore();
    const { producer, process } = setup(store);
    await process([message(1, '{"message":"ok"}')]);
    const [id] = [...store.indexed.keys()];
    store.indexed.clear();
    store.rejectIds.add(id!);
    await process([message(1, '{"message":"ok"}'), message(2, '{"message":"fine"}')]);
    expect([...store.indexed.values()].map((e) => e.document.message)).toEqual(['fine']);
    const letter = JSON.parse(producer.sent.at(-1)!.records[0]!.value.toString());
    expect(letter.error).toMatchObject({ code: 'SIEM_STORE_REJECTED', stage: 'index' });
    expect(letter.error.message).toContain('bad ip');
  });

  it('enriches parsed events: GeoIP for public addresses, a tag for private ones', async () => {
    const { store, process } = setup();
    await process([message(1, '{"message":"dns","source":{"ip":"10.1.2.3"},"destination":{"ip":"8.8.8.8"}}')]);
    const [indexed] = [...store.indexed.values()];
    const document = indexed!.document as EcsEvent & { destination: { geo?: { country_iso_code?: string } } };
    expect(document.destination.geo?.country_iso_code).toBe('US');
    expect(document.tags).toContain('private_source_ip');
  });

  it('gives a redelivered message the same document id', async () => {
    const { store, process } = setup();
    await process([message(7, '{"message":"once"}')]);
    await process([message(7, '{"message":"once"}')]);
    expect(store.indexed.size).toBe(1);
  });

  describe('batch envelopes', () => {
    const envelope = (offset: number, lines: (string | Buffer)[]): ConsumedMessage => {
      const [packed] = packRawRecords(lines.map((line) => ({ payload: Buffer.isBuffer(line) ? line : Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', sourceAddress: '10.0.0.9', input: 'syslog_tcp' })));
      return { incarnation: 'raw-incarnation1', topic: 'siem.raw', partition: 0, offset: String(offset), key: packed!.key, value: packed!.value, headers: packed!.headers ?? {} };
    };

    it('indexes every record of an envelope under its own id and dead-letters the bad one with its position', async () => {
      const { store, producer, process } = setup();
      await process([envelope(3, ['{"message":"a"}', 'not a known format', '{"message":"c"}'])]);
      const documents = [...store.indexed.values()].map((e) => e.document as EcsEvent);
      expect(documents.map((d) => d.message)).toEqual(['a', 'not a known format', 'c']);
      expect(documents[1]!.event.kind).toBe('pipeline_error');
      const letter = JSON.parse(producer.sent[0]!.records[0]!.value.toString());
      expect(letter.origin).toEqual({ topic: 'siem.raw', partition: 0, offset: '3', index: 1 });
      expect(producer.sent[0]!.records[0]!.headers).not.toHaveProperty('siem.envelope');
      await process([envelope(3, ['{"message":"a"}', 'not a known format', '{"message":"c"}'])]);
      expect(store.indexed.size).toBe(3);
    });

    it('splits a chunk holding more records than a bulk request takes', async () => {
      const store = new ScriptedStore();
      const { process } = setup(store, () => true, 4);
      await process([envelope(1, ['{"message":"1"}', '{"message":"2"}', '{"message":"3"}']), envelope(2, ['{"message":"4"}', '{"message":"5"}', '{"message":"6"}'])]);
      expect(store.bulkSizes).toEqual([4, 2]);
      expect(store.indexed.size).toBe(6);
    });

    it('dead-letters an envelope that does not decode as one letter, and goes on with its neighbours', async () => {
      const { store, producer, process } = setup();
      const broken = envelope(5, ['{"message":"lost in a broken envelope"}']);
      await process([message(4, '{"message":"before"}'), { ...broken, value: broken.value.subarray(0, broken.value.length - 3) }, message(6, '{"message":"after"}')]);
      const documents = [...store.indexed.values()].map((e) => e.document as EcsEvent);
      expect(documents.filter((d) => d.event.kind !== 'pipeline_error').map((d) => d.message)).toEqual(['before', 'after']);
      const letter = JSON.parse(producer.sent[0]!.records[0]!.value.toString());
      expect(letter.error).toMatchObject({ code: 'SIEM_BUS_ENVELOPE_INVALID', stage: 'envelope' });
      expect(letter.error.message).toMatch(/siem\.raw\/0@5.*cut short in its payload/);
      const raw = letter.raw_base64 === undefined ? Buffer.from(letter.raw) : Buffer.from(letter.raw_base64, 'base64');
      expect(raw).toEqual(broken.value.subarray(0, broken.value.length - 3));
    });
  });

  describe('with a detector', () => {
    function detectingSetup(failFlushes: number) {
      const store = new ScriptedStore();
      const inspected: string[] = [];
      const flushed: string[][] = [];
      const indexedAtFlush: number[] = [];
      let failuresLeft = failFlushes;
      const process = createChunkProcessor({
        parser: createParser('auto', {}),
        enricher,
        store,
        producer: new CollectingProducer(),
        deadLetterTopic: 'siem.dlq',
        bulkSize: 2000,
        logger: createLogger('test', 'silent'),
        metrics: new MetricsRegistry(),
        shouldRetry: () => true,
        detector: {
          begin() {
            const ids: string[] = [];
            return {
              inspect: (event, id) => {
                inspected.push(String(event.message));
                ids.push(id);
              },
              async flush() {
                indexedAtFlush.push(store.indexed.size);
                if (failuresLeft-- > 0) throw new StoreError('SIEM_STORE_UNAVAILABLE', 'down', { retryable: true });
                flushed.push(ids);
              },
            };
          },
        },
      });
      return { store, process, inspected, flushed, indexedAtFlush };
    }

    it('shows the detector every parsed event, enriched, and writes the alerts after the events, before resolving', async () => {
      const { store, process, inspected, flushed, indexedAtFlush } = detectingSetup(0);
      await process([message(1, '{"message":"one"}'), message(2, Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0xfe])), message(3, '{"message":"three"}')]);
      expect(inspected).toEqual(['one', 'three']);
      // Both events and the dead letter were indexed before the alerts were written.
      expect(indexedAtFlush).toEqual([3]);
      const parsedIds = [...store.indexed.values()].filter((e) => (e.document as EcsEvent).event.kind !== 'pipeline_error').map((e) => e.id);
      expect(flushed).toEqual([parsedIds]);
    });

    it('retries writing the alerts while the store is down, and resolves only once they are written', async () => {
      const { process, flushed } = detectingSetup(2);
      await process([message(1, '{"message":"one"}'), message(2, '{"message":"two"}')]);
      expect(flushed).toHaveLength(1);
    });
  });
});
