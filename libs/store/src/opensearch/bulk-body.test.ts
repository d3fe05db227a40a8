import { describe, expect, it } from 'vitest';
import { bulkBody } from './bulk-body';

describe('bulkBody', () => {
  it('writes an index action into the daily index and the document, one line each, ending with a newline', () => {
    const body = bulkBody('siem-events-', [
      { id: 'a1', timestamp: '2026-11-23T10:00:00.000Z', document: { '@timestamp': '2026-11-23T10:00:00.000Z', message: 'first' } },
      { id: 'b2', timestamp: '2026-11-24T00:00:00.000Z', document: { message: 'second' } },
    ]);
    expect(body.endsWith('\n')).toBe(true);
    expect(body.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { index: { _index: 'siem-events-2026.11.23', _id: 'a1' } },
      { '@timestamp': '2026-11-23T10:00:00.000Z', message: 'first' },
      { index: { _index: 'siem-events-2026.11.24', _id: 'b2' } },
      { message: 'second' },
    ]);
  });

  it('keeps a message with line breaks, quotes and non-ASCII text on its one line', () => {
    const document = { message: 'line one\nline "two"\r\n\u2028 ü 😀' };
    const lines = bulkBody('p-', [{ id: 'id "quoted"', timestamp: '2026-11-23T10:00:00.000Z', document }]).slice(0, -1).split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({ index: { _index: 'p-2026.11.23', _id: 'id "quoted"' } });
    expect(JSON.parse(lines[1]!)).toEqual(document);
  });

  it('sends an event without a usable day in its timestamp to the index of today, beside events of other days', () => {
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '.');
    const body = bulkBody('p-', [
      { id: 'a', timestamp: 'not a time', document: {} },
      { id: 'b', timestamp: '2026-11-23T10:00:00.000Z', document: {} },
      { id: 'c', timestamp: 'not a time either', document: {} },
    ]);
    const actions = body.slice(0, -1).split('\n').filter((_, i) => i % 2 === 0).map((line) => (JSON.parse(line) as { index: { _index: string } }).index._index);
    expect(actions).toEqual([`p-${today}`, 'p-2026.11.23', `p-${today}`]);
  });
});
