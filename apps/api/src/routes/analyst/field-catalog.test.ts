import { describe, expect, it } from 'vitest';
import { fieldCatalog } from './field-catalog';

describe('fieldCatalog', () => {
  it('lists each field once, dotted and sorted, with its type, how many events have it and a few distinct values', () => {
    const catalog = fieldCatalog([
      { '@timestamp': '2026-11-23T10:00:00Z', message: 'one', source: { ip: '10.0.0.1', port: 22 }, tags: ['a', 'b'], labels: { n: 1, ok: true } },
      { '@timestamp': '2026-11-23T09:00:00Z', message: 'two', source: { ip: '10.0.0.1' }, tags: ['a'], labels: { n: 2, ok: false } },
    ]);
    expect(catalog).toEqual([
      { name: '@timestamp', type: 'date', count: 2, values: ['2026-11-23T10:00:00Z', '2026-11-23T09:00:00Z'] },
      { name: 'labels.n', type: 'number', count: 2, values: [1, 2] },
      { name: 'labels.ok', type: 'boolean', count: 2, values: [true, false] },
      { name: 'message', type: 'text', count: 2, values: ['one', 'two'] },
      { name: 'source.ip', type: 'ip', count: 2, values: ['10.0.0.1'] },
      { name: 'source.port', type: 'number', count: 1, values: [22] },
      { name: 'tags', type: 'keyword', count: 2, values: ['a', 'b'] },
    ]);
  });

  it('keeps five values at most and shortens long texts', () => {
    const [entry] = fieldCatalog(Array.from({ length: 9 }, (_, i) => ({ k: `${i}${'x'.repeat(300)}` })));
    expect(entry!.values).toHaveLength(5);
    expect((entry!.values[0] as string).length).toBe(201);
  });
});
