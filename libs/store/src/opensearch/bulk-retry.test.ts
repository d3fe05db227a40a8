import { describe, expect, it } from 'vitest';
import { sendWithItemRetries, type BulkItemAnswer } from './bulk-retry';

const ok: BulkItemAnswer = { status: 201 };
const busy: BulkItemAnswer = { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };
const bad: BulkItemAnswer = { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [source.ip]' } };

describe('sendWithItemRetries', () => {
  it('resends only items answered 429 and rejects a mapping error at once', async () => {
    const requests: string[][] = [];
    const outcome = await sendWithItemRetries(['a', 'b', 'c', 'd'], async (batch) => {
      requests.push([...batch]);
      return batch.map((item) => (item === 'c' ? bad : item === 'b' && requests.length === 1 ? busy : ok));
    }, { initialDelayMs: 1 });
    expect(requests).toEqual([['a', 'b', 'c', 'd'], ['b']]);
    expect(outcome).toEqual({ rejected: [{ item: 'c', status: 400, reason: 'mapper_parsing_exception: failed to parse field [source.ip]' }], unavailable: [], resent: 1 });
  });

  it('gives back what is still refused after the last attempt', async () => {
    let requests = 0;
    const outcome = await sendWithItemRetries(['a', 'b'], async (batch) => {
      requests++;
      return batch.map((item) => (item === 'a' ? { status: 503, error: { type: 'unavailable_shards_exception' } } : ok));
    }, { attempts: 3, initialDelayMs: 1 });
    expect(requests).toBe(3);
    expect(outcome).toEqual({ rejected: [], unavailable: ['a'], resent: 2 });
  });
});
