import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { renderTable, renderTopValues, resolveTime, runSearch } from './search-command';

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

describe('resolveTime', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');
  it.each([
    ['24h', '2026-11-22T12:00:00.000Z'],
    ['-15m', '2026-11-23T11:45:00.000Z'],
    ['now-7d', '2026-11-16T12:00:00.000Z'],
    ['30s', '2026-11-23T11:59:30.000Z'],
    ['1w', '2026-11-16T12:00:00.000Z'],
    ['now', '2026-11-23T12:00:00.000Z'],
    ['2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'],
  ])('reads %s', (value, iso) => {
    expect(resolveTime(value, now)).toBe(iso);
  });
});

describe('renderTopValues', () => {
  it('shows each value with its events and share, then the other values and the events without the field', () => {
    expect(renderTopValues('source.ip', 10, { buckets: [{ key: '10.0.0.1', count: 6 }, { key: '10.0.0.22', count: 2 }], other: 1, missing: 1 }).split('\n')).toEqual([
      'source.ip       events  share',
      '10.0.0.1             6  60.0%',
      '10.0.0.22            2  20.0%',
      '(other values)       1  10.0%',
      '(no source.ip)       1  10.0%',
      '10 events',
      '',
    ]);
  });
});

describe('runSearch --export', () => {
  it('streams the export to the output and reports how many events it wrote', async () => {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        expect(request.url).toBe('/api/v1/export');
        expect(JSON.parse(body)).toMatchObject({ q: 'failed', format: 'ndjson', from: '2026-11-23T11:00:00.000Z' });
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        response.end('{"id":"a"}\n{"id":"b"}\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const output = new PassThrough();
    const progress = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (chunk) => chunks.push(String(chunk)));
    const progressText: string[] = [];
    progress.on('data', (chunk) => progressText.push(String(chunk)));
    try {
      await runSearch({ apiUrl: `http://127.0.0.1:${port}`, query: 'failed', size: 20, from: '1h', json: false, export: 'ndjson', output, progress, now: new Date('2026-11-23T12:00:00.000Z') });
    } finally {
      server.close();
    }
    expect(chunks.join('')).toBe('{"id":"a"}\n{"id":"b"}\n');
    expect(progressText.join('')).toMatch(/Exported 2 events, 0\.0 MiB\n$/);
  });
});
