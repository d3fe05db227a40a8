import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { describeStoreConformance } from '../store-conformance';
import { OpenSearchStore } from './opensearch-store';

const indexPrefix = `siem-conformance-${randomBytes(4).toString('hex')}-`;

describeStoreConformance(
  'opensearch',
  async () => new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indexPrefix}*/_refresh`, { method: 'POST' });
  },
);

describe('OpenSearchStore – retention', () => {
  it('deletes the daily indices older than the retention and keeps the rest', async () => {
    const prefix = `siem-retention-${randomBytes(4).toString('hex')}-`;
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, retentionDays: 2 });
    await store.ensureReady();
    const days = ['2026-11-10', '2026-11-19', '2026-11-20', '2026-11-21'];
    const result = await store.bulkIndex(days.map((day, i) => ({ id: `r${i}`, timestamp: `${day}T12:00:00.000Z`, document: { '@timestamp': `${day}T12:00:00.000Z`, message: 'x' } })));
    expect(result.rejected).toEqual([]);
    const deleted = await store.applyRetention(new Date('2026-11-21T08:00:00.000Z'));
    expect(deleted).toEqual([`${prefix}2026.11.10`]);
    const left = (await (await fetch(`${inject('opensearchUrl')}/_cat/indices/${prefix}*?h=index&format=json`)).json()) as { index: string }[];
    expect(left.map((row) => row.index).sort()).toEqual([`${prefix}2026.11.19`, `${prefix}2026.11.20`, `${prefix}2026.11.21`]);
    await fetch(`${inject('opensearchUrl')}/${prefix}*`, { method: 'DELETE' });
    await store.close();
  });
});

describe('OpenSearchStore – bulk requests', () => {
  for (const compression of ['gzip', 'none'] as const) {
    it(`indexes chunks handed over at once through one open request (compression ${compression})`, async () => {
      const prefix = `siem-bulkgate-${randomBytes(4).toString('hex')}-`;
      const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, bulkRequests: 1, compression });
      await store.ensureReady();
      const chunk = (n: number) => Array.from({ length: 50 }, (_, i) => ({ id: `c${n}-${i}`, timestamp: '2026-11-23T12:00:00.000Z', document: { '@timestamp': '2026-11-23T12:00:00.000Z', message: `chunk ${n} event ${i} – ü` } }));
      const results = await Promise.all([0, 1, 2].map((n) => store.bulkIndex(chunk(n))));
      expect(results.map((result) => [result.indexed, result.rejected.length])).toEqual([
        [50, 0],
        [50, 0],
        [50, 0],
      ]);
      await fetch(`${inject('opensearchUrl')}/${prefix}*/_refresh`, { method: 'POST' });
      const counted = (await (await fetch(`${inject('opensearchUrl')}/${prefix}*/_count?q=message:%C3%BC`)).json()) as { count: number };
      expect(counted.count).toBe(150);
      await fetch(`${inject('opensearchUrl')}/${prefix}*`, { method: 'DELETE' });
      await fetch(`${inject('opensearchUrl')}/_index_template/${prefix}events`, { method: 'DELETE' });
      await store.close();
    });
  }
});
