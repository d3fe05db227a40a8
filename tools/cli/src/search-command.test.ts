import { describe, expect, it } from 'vitest';
import { renderTable } from './search-command';

describe('renderTable', () => {
  it('aligns columns and flattens multi-line messages', () => {
    const table = renderTable(7, [
      { id: 'a', event: { '@timestamp': '2026-11-23T10:00:00.000Z', host: { name: 'web-1' }, event: { dataset: 'json' }, message: 'line one\nline two' } },
      { id: 'b', event: { '@timestamp': '2026-11-23T09:00:00.000Z', log: { source: { address: '10.0.0.1' } }, message: 'x' } },
    ]);
    expect(table.split('\n')).toEqual([
      '@timestamp                host.name  event.dataset  message',
      '2026-11-23T10:00:00.000Z  web-1      json           line one line two',
      '2026-11-23T09:00:00.000Z  10.0.0.1                  x',
      '2 of 7 events',
      '',
    ]);
  });
});
