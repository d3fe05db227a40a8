import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCodes } from '../../errors';
import type { EventReader } from '../../event-reader';
import { csvCell, exportLines, exportRows, type ExportRequest } from './export-rows';

/** A reader over `count` events e0..e(count-1), newest first, paging like the stores and writing lines as the read worker does; it records each page asked for. */
function pagedReader(count: number, options: { maxPage?: number } = {}) {
  const asked: { size: number; searchAfter?: string }[] = [];
  const reader = {
    exportPage: async ({ size, searchAfter, format, fields }: { size: number; searchAfter?: string; format: 'ndjson' | 'csv'; fields?: readonly string[] }) => {
      asked.push({ size, searchAfter });
      if (options.maxPage !== undefined && size > options.maxPage) throw new ApiError(ApiErrorCodes.resultTooLarge, 'too large', 503);
      const start = searchAfter === undefined ? 0 : Number(searchAfter) + 1;
      const hits = Array.from({ length: Math.max(0, Math.min(size, count - start)) }, (_, i) => ({ id: `e${start + i}`, json: JSON.stringify({ message: `m,${start + i}`, n: start + i }) }));
      return { text: exportLines(hits, format, fields), rows: hits.length, ...(hits.length === size ? { next: String(start + size - 1) } : {}) };
    },
  } as unknown as EventReader;
  return { reader, asked };
}

const request = (overrides: Partial<ExportRequest> = {}): ExportRequest => ({ q: '', tenant: 'default', sort: 'desc', format: 'ndjson', limit: 1000, ...overrides });

async function all(rows: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const chunk of rows) out += chunk;
  return out;
}

describe('exportRows', () => {
  it('writes every event as one NDJSON line with its id, reading page after page by cursor', async () => {
    const { reader, asked } = pagedReader(5);
    const text = await all(exportRows(reader, request(), 2));
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(asked.map((page) => page.searchAfter)).toEqual([undefined, '1', '3']);
  });

  it('writes CSV with a header, quoting and escaping cells', async () => {
    const { reader } = pagedReader(2);
    const text = await all(exportRows(reader, request({ format: 'csv', fields: ['n', 'message'] }), 10));
    expect(text).toBe('n,message\r\n0,"m,0"\r\n1,"m,1"\r\n');
  });

  it('stops at the limit', async () => {
    const { reader, asked } = pagedReader(100);
    const text = await all(exportRows(reader, request({ limit: 3 }), 2));
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(asked.map((page) => page.size)).toEqual([2, 1]);
  });

  it('reads a page only when the previous one has been taken, and no more once the consumer stops', async () => {
    const { reader, asked } = pagedReader(1000);
    const rows = exportRows(reader, request(), 10);
    expect(asked).toHaveLength(0);
    await rows.next();
    expect(asked).toHaveLength(1);
    await rows.next();
    expect(asked).toHaveLength(2);
    await rows.return(undefined);
    expect(await rows.next()).toEqual({ done: true, value: undefined });
    expect(asked).toHaveLength(2);
  });

  it('halves the page when its events are over the result cap', async () => {
    const { reader, asked } = pagedReader(3, { maxPage: 1 });
    const text = await all(exportRows(reader, request(), 4));
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(asked.slice(0, 3).map((page) => page.size)).toEqual([4, 2, 1]);
  });
});

describe('exportLines', () => {
  it('writes a stored document as an NDJSON line with the id first, without re-serialising it', () => {
    const json = '{"message":"a \\u00e9 \\"q\\"","n":1}';
    expect(exportLines([{ id: 'x"1', json }, { id: 'e', json: '{}' }], 'ndjson')).toBe(`{"id":"x\\"1","message":"a \\u00e9 \\"q\\"","n":1}\n{"id":"e"}\n`);
    expect(JSON.parse(exportLines([{ id: 'x', json }], 'ndjson'))).toEqual({ id: 'x', message: 'a é "q"', n: 1 });
  });

  it('keeps the document\'s own id when read back, as the spread did', () => {
    expect(JSON.parse(exportLines([{ id: 'outer', json: '{"id":"inner"}' }], 'ndjson'))).toEqual({ id: 'inner' });
  });

  it('writes only the chosen fields, keeping their nesting, in NDJSON, and the columns in CSV', () => {
    const json = JSON.stringify({ host: { name: 'h', ip: '192.0.2.1' }, message: '=1+1' });
    expect(exportLines([{ id: 'x', json }], 'ndjson', ['host.name'])).toBe('{"id":"x","host":{"name":"h"}}\n');
    expect(exportLines([{ id: 'x', json }], 'csv', ['host.name', 'message', 'absent'])).toBe("h,'=1+1,\r\n");
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a "quote"', '"a ""quote"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    [-5, '-5'],
    [['a', 'b'], '"[""a"",""b""]"'],
    [{ k: 1 }, '"{""k"":1}"'],
    [undefined, ''],
    [null, ''],
    [true, 'true'],
  ])('writes %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
