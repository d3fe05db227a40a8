import { afterAll, describe, expect, inject, it } from 'vitest';
import { removeOpenSearchScratch, scratchNames } from '@siem/testing';
import { parseQuery } from '@siem/query';
import { describeFieldCatalogConformance } from '../fields/fields-conformance';
import { describeRetentionConformance } from '../retention-conformance';
import { describeStoreConformance } from '../store-conformance';
import { EVENT_TEMPLATE_VERSION, eventIndexTemplateName } from './event-template';
import { OpenSearchStore } from './opensearch-store';

const indexPrefix = scratchNames().indexPrefix;
afterAll(() => removeOpenSearchScratch(inject('opensearchUrl'), indexPrefix));

describeStoreConformance(
  'opensearch',
  async () => new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indexPrefix}*/_refresh`, { method: 'POST' });
  },
);

describeFieldCatalogConformance(
  'opensearch',
  async () => new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indexPrefix}*/_refresh`, { method: 'POST' });
  },
);

describeRetentionConformance(
  'opensearch',
  async (retentionDays) => {
    const { indexPrefix: prefix } = scratchNames();
    return { store: new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, retentionDays }), prefix, cleanUp: () => removeOpenSearchScratch(inject('opensearchUrl'), prefix) };
  },
  async (prefix) => {
    await fetch(`${inject('opensearchUrl')}/${prefix}*/_refresh`, { method: 'POST' });
  },
);

async function putTemplate(name: string, pattern: string, priority: number): Promise<void> {
  const response = await fetch(`${inject('opensearchUrl')}/_index_template/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ index_patterns: [pattern], priority, template: { settings: { number_of_shards: 1, number_of_replicas: 0 } } }),
  });
  expect(response.status).toBe(200);
}

describe('OpenSearchStore – index template', () => {
  it('installs its template next to a leftover one whose pattern overlaps at priority 100, and indexes under its own mapping', async () => {
    const { indexPrefix: prefix } = scratchNames();
    // What an older test run left: a template for a longer prefix under the product's pattern, at the priority the product used to have.
    await putTemplate(`${prefix}old-events`, `${prefix}old-*`, 100);
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0 });
    try {
      await store.ensureReady();
      await store.ensureReady();
      const result = await store.bulkIndex([{ id: 't1', timestamp: '2026-11-23T12:00:00.000Z', document: { '@timestamp': '2026-11-23T12:00:00.000Z', source: { ip: '192.0.2.7' } } }]);
      expect(result).toEqual({ indexed: 1, rejected: [] });
      const mapping = (await (await fetch(`${inject('opensearchUrl')}/${prefix}2026.11.23/_mapping`)).json()) as Record<string, { mappings: { properties: { source: { properties: { ip: { type: string } } } } } }>;
      expect(mapping[`${prefix}2026.11.23`]!.mappings.properties.source.properties.ip.type).toBe('ip');
    } finally {
      await store.close();
      await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
    }
  });

  it('replaces an older version of its template at start, so the next daily index gets the new mapping', async () => {
    const { indexPrefix: prefix } = scratchNames();
    const name = eventIndexTemplateName(prefix);
    const old = await fetch(`${inject('opensearchUrl')}/_index_template/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ index_patterns: [`${prefix}*`], priority: 200, version: 1, template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { properties: { source: { properties: { ip: { type: 'keyword' } } } } } } }),
    });
    expect(old.status).toBe(200);
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0 });
    try {
      await store.ensureReady();
      const installed = (await (await fetch(`${inject('opensearchUrl')}/_index_template/${name}`)).json()) as { index_templates: { index_template: { version: number } }[] };
      expect(installed.index_templates[0]!.index_template.version).toBe(EVENT_TEMPLATE_VERSION);
      await store.bulkIndex([{ id: 'v1', timestamp: '2026-11-25T12:00:00.000Z', document: { '@timestamp': '2026-11-25T12:00:00.000Z', source: { ip: '192.0.2.9' } } }]);
      const mapping = (await (await fetch(`${inject('opensearchUrl')}/${prefix}2026.11.25/_mapping`)).json()) as Record<string, { mappings: { properties: { source: { properties: { ip: { type: string } } } } } }>;
      expect(mapping[`${prefix}2026.11.25`]!.mappings.properties.source.properties.ip.type).toBe('ip');
    } finally {
      await store.close();
      await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
    }
  });

  it('fails with SIEM_STORE_TEMPLATE_CONFLICT, naming the template, when an overlapping one has its priority', async () => {
    const { indexPrefix: prefix } = scratchNames();
    await putTemplate(`${prefix}rival`, `${prefix}rival-*`, 300);
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, templatePriority: 300 });
    try {
      const error = await store.ensureReady().then(
        () => undefined,
        (failure: unknown) => failure as { code: string; message: string; retryable: boolean },
      );
      expect(error).toMatchObject({ code: 'SIEM_STORE_TEMPLATE_CONFLICT', retryable: false });
      expect(error!.message).toContain(`${prefix}rival`);
      expect(error!.message).toContain('SIEM_INDEX_TEMPLATE_PRIORITY');
      // Another priority resolves it.
      const resolved = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, templatePriority: 301 });
      await resolved.ensureReady();
      await resolved.close();
    } finally {
      await store.close();
      await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
    }
  });
});

describe('OpenSearchStore – retention', () => {
  it('deletes the daily indices older than the retention and keeps the rest', async () => {
    const { indexPrefix: prefix } = scratchNames();
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, retentionDays: 2 });
    try {
      await store.ensureReady();
      const days = ['2026-11-10', '2026-11-19', '2026-11-20', '2026-11-21'];
      const result = await store.bulkIndex(days.map((day, i) => ({ id: `r${i}`, timestamp: `${day}T12:00:00.000Z`, document: { '@timestamp': `${day}T12:00:00.000Z`, message: 'x' } })));
      expect(result.rejected).toEqual([]);
      const deleted = await store.applyRetention(new Date('2026-11-21T08:00:00.000Z'));
      expect(deleted).toEqual([`${prefix}2026.11.10`]);
      const left = (await (await fetch(`${inject('opensearchUrl')}/_cat/indices/${prefix}*?h=index&format=json`)).json()) as { index: string }[];
      expect(left.map((row) => row.index).sort()).toEqual([`${prefix}2026.11.19`, `${prefix}2026.11.20`, `${prefix}2026.11.21`]);
    } finally {
      await store.close();
      await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
    }
  });
});

describe('OpenSearchStore – retention policy', () => {
  it('relies on its own deletion where the cluster has no Index State Management plugin, and installs nothing without a retention', async () => {
    const { indexPrefix: prefix } = scratchNames();
    const url = inject('opensearchUrl');
    const plugins = (await (await fetch(`${url}/_cat/plugins?format=json`)).json()) as { component: string }[];
    // The test cluster (tools/infra) runs without ISM: Maven Central does not serve the plugin's zip.
    expect(plugins.map((plugin) => plugin.component)).not.toContain('opensearch-index-management');
    const kept = new OpenSearchStore({ url, indexPrefix: prefix, replicas: 0, retentionDays: 2 });
    const forever = new OpenSearchStore({ url, indexPrefix: prefix, replicas: 0 });
    try {
      await kept.ensureReady();
      expect(await kept.installRetentionPolicy()).toBe('plugin absent');
      expect(await forever.installRetentionPolicy()).toBe('no retention');
    } finally {
      await kept.close();
      await forever.close();
      await removeOpenSearchScratch(url, prefix);
    }
  });
});

describe('OpenSearchStore – bulk requests', () => {
  for (const compression of ['gzip', 'none'] as const) {
    it(`indexes chunks handed over at once through one open request (compression ${compression})`, async () => {
      const { indexPrefix: prefix } = scratchNames();
      const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0, bulkRequests: 1, compression });
      try {
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
      } finally {
        await store.close();
        await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
      }
    });
  }
});

describe('OpenSearchStore – an event by id and time', () => {
  it('finds an event by id and @timestamp before any refresh, and answers undefined for an id that day lacks', async () => {
    const { indexPrefix: prefix } = scratchNames();
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0 });
    try {
      await store.ensureReady();
      // An index that never refreshes on its own: only a real-time get can see the event.
      await fetch(`${inject('opensearchUrl')}/_index_template/${prefix}norefresh`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ index_patterns: [`${prefix}*`], priority: 500, template: { settings: { refresh_interval: '-1' } } }),
      });
      const timestamp = '2026-11-24T08:00:00.000Z';
      await store.bulkIndex([{ id: 'rt-1', timestamp, document: { '@timestamp': timestamp, message: 'real time' } }]);
      expect((await store.getEvent('rt-1', timestamp))?.event.message).toBe('real time');
      expect(await store.getEvent('rt-1')).toBeUndefined();
      expect(await store.getEvent('rt-absent', timestamp)).toBeUndefined();
    } finally {
      await store.close();
      await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
    }
  });
});

describe('OpenSearchStore – terms accuracy and routed days', () => {
  it('reports errorUpperBound when a day holds more distinct values than it was asked for, and none when exact', async () => {
    const { indexPrefix: prefix } = scratchNames();
    const store = new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0 });
    try {
      await store.ensureReady();
      // Two days of 30 values each (counts 1..30 on the first, 30..1 on the second): top 1 asks each day for 11 values.
      const events = ['2026-11-10', '2026-11-11'].flatMap((day, d) =>
        Array.from({ length: 30 }, (_, v) => v).flatMap((v) =>
          Array.from({ length: d === 0 ? v + 1 : 30 - v }, (_, n) => ({ id: `${day}-${v}-${n}`, timestamp: `${day}T12:00:00.000Z`, document: { '@timestamp': `${day}T12:00:00.000Z`, user: { name: `u${String(v).padStart(2, '0')}` } } })),
        ),
      );
      expect((await store.bulkIndex(events)).rejected).toEqual([]);
      await fetch(`${inject('opensearchUrl')}/${prefix}*/_refresh`, { method: 'POST' });
      const query = parseQuery('');
      const approximate = (await store.aggregate({ query, aggs: { top: { type: 'terms', field: 'user.name', size: 1 } } })).aggs.top as { buckets: { count: number }[]; errorUpperBound?: number; other: number };
      expect(approximate.errorUpperBound).toBeGreaterThan(0);
      // Every value has 31 events in all; the answer may be low by at most the bound.
      expect(approximate.buckets[0]!.count).toBeLessThanOrEqual(31);
      expect(approximate.buckets[0]!.count + approximate.errorUpperBound!).toBeGreaterThanOrEqual(31);
      const exact = (await store.aggregate({ query, aggs: { top: { type: 'terms', field: 'user.name', size: 30 } } })).aggs.top as { buckets: { count: number }[]; errorUpperBound?: number };
      expect(exact.errorUpperBound).toBeUndefined();
      expect(exact.buckets.map((bucket) => bucket.count)).toEqual(Array.from({ length: 30 }, () => 31));
      // A range whose days have no index answers as no events do.
      const empty = await store.aggregate({ query, from: '2030-01-01T00:00:00.000Z', to: '2030-01-02T00:00:00.000Z', aggs: { top: { type: 'terms', field: 'user.name', missing: true }, h: { type: 'date_histogram', interval: '1h' }, s: { type: 'stats', field: 'event.duration' } } });
      expect(empty).toEqual({ total: 0, aggs: { top: { buckets: [], other: 0, missing: 0 }, h: { buckets: [] }, s: { count: 0, min: null, max: null, avg: null, sum: 0 } } });
      expect(await store.count({ query, from: '2030-01-01T00:00:00.000Z', to: '2030-01-02T00:00:00.000Z' })).toBe(0);
      expect((await store.search({ query, from: '2026-11-11T00:00:00.000Z', to: '2026-11-11T23:59:59.999Z', size: 1 })).total).toBe(465);
    } finally {
      await store.close();
      await removeOpenSearchScratch(inject('opensearchUrl'), prefix);
    }
  });
});
