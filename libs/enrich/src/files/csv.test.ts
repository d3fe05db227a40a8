import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM and comment lines', () => {
    const text = '\ufeffname,note\r\n# a comment, with a comma\r\nweb01,"owner: ""ops"", team"\r\ndb01,"two\nlines"\r\n\r\nlast,\n';
    expect(parseCsv(text)).toEqual({
      records: [
        { line: 1, fields: ['name', 'note'] },
        { line: 3, fields: ['web01', 'owner: "ops", team'] },
        { line: 4, fields: ['db01', 'two\nlines'] },
        { line: 7, fields: ['last', ''] },
      ],
    });
  });

  it('reports the line of a quote that is never closed', () => {
    expect(parseCsv('a,b\n1,"open\n2,3\n')).toEqual({ records: [{ line: 1, fields: ['a', 'b'] }], unterminatedQuoteLine: 2 });
  });
});
