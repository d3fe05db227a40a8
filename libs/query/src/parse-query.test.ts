import { describe, expect, it } from 'vitest';
import type { QueryNode } from './ast';
import { QueryError } from './errors';
import { MAX_QUERY_CLAUSES, MAX_QUERY_DEPTH, parseQuery } from './parse-query';
import { printQuery } from './print-query';

function errorOf(query: string): QueryError {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

const root = (query: string): QueryNode => parseQuery(query).root;
const text = (value: string, phrase = false): QueryNode => ({ kind: 'term', field: undefined, value, phrase });
const term = (field: string, value: string, phrase = false): QueryNode => ({ kind: 'term', field, value, phrase });

describe('parseQuery – terms', () => {
  it('reads free text, fields, phrases and negation, side by side meaning AND', () => {
    expect(root('failed host.name:web-1 -user.name:root "bad password" process.name:"my app"')).toEqual({
      kind: 'and',
      children: [text('failed'), term('host.name', 'web-1'), { kind: 'not', child: term('user.name', 'root') }, text('bad password', true), term('process.name', 'my app', true)],
    });
  });

  it('treats an empty query and a lone * as match-all', () => {
    expect(root('')).toEqual({ kind: 'all' });
    expect(root('  *  ')).toEqual({ kind: 'all' });
    expect(root('*:*')).toEqual({ kind: 'all' });
    expect(root('*:* -a')).toEqual({ kind: 'and', children: [{ kind: 'all' }, { kind: 'not', child: text('a') }] });
  });

  it('keeps escaped colons, quotes, parentheses and operators in values', () => {
    expect(root('url.path:a\\:b')).toEqual(term('url.path', 'a:b'));
    expect(root('"say \\"hi\\""')).toEqual(text('say "hi"', true));
    expect(root('f\\(x\\)')).toEqual(text('f(x)'));
    expect(root('\\AND')).toEqual(text('AND'));
    expect(root('"OR"')).toEqual(text('OR', true));
  });

  it('reads values that contain colons after the first field: (issue 10)', () => {
    expect(root('@timestamp:2026-12-04T10:00:00Z')).toEqual(term('@timestamp', '2026-12-04T10:00:00Z'));
    expect(root('source.ip:2001:db8::5')).toEqual(term('source.ip', '2001:db8::5'));
    expect(root('url.original:http://x/')).toEqual(term('url.original', 'http://x/'));
    expect(root('a::b')).toEqual(term('a', ':b'));
    expect(root('10.0.0.1:80')).toEqual(text('10.0.0.1:80'));
  });

  it('refuses a colon with no field before it, naming the position', () => {
    const error = errorOf(':foo');
    expect(error.code).toBe('SIEM_QUERY_SYNTAX');
    expect(error.position).toBe(0);
    expect(errorOf('a :foo').position).toBe(2);
  });

  it('reads wildcards, escaped wildcards and exists', () => {
    expect(root('host.name:web-*')).toEqual({ kind: 'wildcard', field: 'host.name', pattern: 'web-*' });
    expect(root('host.name:w?b\\*')).toEqual({ kind: 'wildcard', field: 'host.name', pattern: 'w?b\\*' });
    expect(root('host.name:web\\*')).toEqual(term('host.name', 'web*'));
    expect(root('user.id:*')).toEqual({ kind: 'exists', field: 'user.id' });
    expect(root('fail*')).toEqual({ kind: 'wildcard', field: undefined, pattern: 'fail*' });
  });
});

describe('parseQuery – operators', () => {
  it('binds NOT over AND over OR, in words and in symbols', () => {
    const expected: QueryNode = { kind: 'or', children: [{ kind: 'and', children: [text('a'), { kind: 'not', child: text('b') }] }, text('c')] };
    expect(root('a AND NOT b OR c')).toEqual(expected);
    expect(root('a && !b || c')).toEqual(expected);
    expect(root('a -b OR c')).toEqual(expected);
    expect(root('a OR b c')).toEqual({ kind: 'or', children: [text('a'), { kind: 'and', children: [text('b'), text('c')] }] });
  });

  it('groups with parentheses, and applies a field to a group of values', () => {
    expect(root('(a OR b) c')).toEqual({ kind: 'and', children: [{ kind: 'or', children: [text('a'), text('b')] }, text('c')] });
    expect(root('user.name:(alice OR "bob smith" NOT carol)')).toEqual({
      kind: 'or',
      children: [term('user.name', 'alice'), { kind: 'and', children: [term('user.name', 'bob smith', true), { kind: 'not', child: term('user.name', 'carol') }] }],
    });
  });

  it('finds both clauses of user.name:alice AND event.outcome:failure (issue 12)', () => {
    expect(root('user.name:alice AND event.outcome:failure')).toEqual({ kind: 'and', children: [term('user.name', 'alice'), term('event.outcome', 'failure')] });
  });

  it('reads lowercase and, or, not and operators glued to words as words', () => {
    expect(root('a and b')).toEqual({ kind: 'and', children: [text('a'), text('and'), text('b')] });
    expect(root('ANDROID ORACLE')).toEqual({ kind: 'and', children: [text('ANDROID'), text('ORACLE')] });
    expect(root('- x')).toEqual({ kind: 'and', children: [text('-'), text('x')] });
  });

  it('names the position of an unfinished group (issue 12)', () => {
    const error = errorOf('user.name:(alice AND');
    expect(error.code).toBe('SIEM_QUERY_SYNTAX');
    expect(error.position).toBe(20);
    expect(error.message).toMatch(/Expected a term at position 20 \(after AND at position 17\)/);
    expect(errorOf('user.name:(alice').message).toMatch(/Expected '\)' at position 16 to close the '\(' at position 10/);
  });

  it('says what was expected where operators and parentheses are misplaced', () => {
    expect(errorOf('AND a').position).toBe(0);
    expect(errorOf('a OR').position).toBe(4);
    expect(errorOf('a OR OR b').message).toMatch(/found the operator OR/);
    expect(errorOf('a)').position).toBe(1);
    expect(errorOf('()').message).toMatch(/empty/);
    expect(errorOf('NOT').position).toBe(3);
    expect(errorOf('!').position).toBe(1);
  });
});

describe('parseQuery – ranges and comparisons', () => {
  it('reads inclusive, exclusive, mixed and open ranges', () => {
    expect(root('source.port:[1 TO 1023]')).toEqual({ kind: 'range', field: 'source.port', lower: { value: '1', inclusive: true }, upper: { value: '1023', inclusive: true } });
    expect(root('source.port:{1 TO 1023]')).toEqual({ kind: 'range', field: 'source.port', lower: { value: '1', inclusive: false }, upper: { value: '1023', inclusive: true } });
    expect(root('host.name:[a TO *}')).toEqual({ kind: 'range', field: 'host.name', lower: { value: 'a', inclusive: true } });
    expect(root('host.name:[* TO *]')).toEqual({ kind: 'exists', field: 'host.name' });
    expect(root('source.ip:[2001:db8:: TO 2001:db8::ffff]')).toMatchObject({ lower: { value: '2001:db8::' }, upper: { value: '2001:db8::ffff' } });
  });

  it('reads comparisons, relative times among them', () => {
    expect(root('source.port:>=1024')).toEqual({ kind: 'range', field: 'source.port', lower: { value: '1024', inclusive: true } });
    expect(root('source.port:<22')).toEqual({ kind: 'range', field: 'source.port', upper: { value: '22', inclusive: false } });
    expect(root('@timestamp:>now-15m')).toEqual({ kind: 'range', field: '@timestamp', lower: { value: 'now-15m', inclusive: false } });
  });

  it('refuses malformed ranges with the position', () => {
    expect(errorOf('source.port:[1 1023]').message).toMatch(/Expected TO at position 15/);
    expect(errorOf('source.port:[1 TO 1023').message).toMatch(/Expected '\]' or '\}' at position 22/);
    expect(errorOf('source.port:[ TO 5]').code).toBe('SIEM_QUERY_SYNTAX');
    expect(errorOf('source.port:>').position).toBe(13);
    expect(errorOf('host.name:[a* TO b]').code).toBe('SIEM_QUERY_BAD_VALUE');
  });
});

describe('parseQuery – values checked against the field type', () => {
  it('accepts numbers, dates, date math, addresses and CIDR blocks where the field takes them', () => {
    for (const query of [
      'source.port:22', 'process.pid:>=1.5e3', '@timestamp:2026-12-04', '@timestamp:[2026-12 TO now/d]', 'event.ingested:<now-1h/h',
      '@timestamp:2026-12-04T10:00:00.123+02:00', 'source.ip:10.0.0.0/8', 'destination.ip:2001:db8::/32', 'client.ip:::ffff:10.0.0.1', 'source.ip:[10.0.0.1 TO 10.0.0.9]',
    ]) {
      expect(() => parseQuery(query), query).not.toThrow();
    }
  });

  it('refuses values the field type cannot hold, naming the field and the position', () => {
    const cases: [string, number][] = [
      ['source.port:abc', 12], ['source.port:[1 TO x]', 12], ['@timestamp:yesterday', 11], ['@timestamp:2026-02-30', 11], ['source.ip:10.0.0.256', 10],
      ['source.ip:10.0.0.0/33', 10], ['source.ip:[10.0.0.0/8 TO 11.0.0.0]', 10], ['source.ip:10.0.*', 10], ['source.port:2*', 12], ['message:[a TO b]', 8], ['f?il', 0], ['*ail', 0], ['web-*', 0],
    ];
    for (const [query, position] of cases) {
      const error = errorOf(query);
      expect(error.code, query).toBe('SIEM_QUERY_BAD_VALUE');
      expect(error.position, query).toBe(position);
    }
  });

  it('refuses a field that is stored but not indexed', () => {
    expect(errorOf('event.original:x').code).toBe('SIEM_QUERY_BAD_FIELD');
  });
});

describe('parseQuery – hostile and oversized input', () => {
  it('rejects hostile field names instead of passing them to the store', () => {
    expect(errorOf('{script}:x').code).toBe('SIEM_QUERY_BAD_FIELD');
    expect(errorOf('{"script":1}:x').code).toBe('SIEM_QUERY_SYNTAX');
    expect(errorOf('a$b:1').code).toBe('SIEM_QUERY_BAD_FIELD');
  });

  it('keeps SQL and DSL look-alikes as plain text values', () => {
    expect(root(`"'; DROP TABLE events; --"`)).toEqual(text("'; DROP TABLE events; --", true));
    expect(root(`host.name:'`)).toEqual(term('host.name', "'"));
    expect(root('"{\\"script\\": {\\"source\\": \\"x\\"}}"')).toEqual(text('{"script": {"source": "x"}}', true));
  });

  it('refuses a field with no value, an unclosed quote and an over-long query', () => {
    expect(errorOf('host.name: x').code).toBe('SIEM_QUERY_SYNTAX');
    const unclosed = errorOf('message:"never closed');
    expect(unclosed.code).toBe('SIEM_QUERY_SYNTAX');
    expect(unclosed.position).toBe(8);
    expect(errorOf('a'.repeat(5000)).code).toBe('SIEM_QUERY_TOO_LONG');
  });

  it(`bounds nesting at ${MAX_QUERY_DEPTH} and terms at ${MAX_QUERY_CLAUSES}`, () => {
    expect(() => parseQuery(`${'('.repeat(MAX_QUERY_DEPTH)}a${')'.repeat(MAX_QUERY_DEPTH)}`)).not.toThrow();
    expect(errorOf(`${'('.repeat(MAX_QUERY_DEPTH + 1)}a${')'.repeat(MAX_QUERY_DEPTH + 1)}`).code).toBe('SIEM_QUERY_TOO_COMPLEX');
    expect(errorOf('NOT '.repeat(MAX_QUERY_DEPTH + 1) + 'a').code).toBe('SIEM_QUERY_TOO_COMPLEX');
    expect(errorOf('!'.repeat(1000) + 'a').code).toBe('SIEM_QUERY_TOO_COMPLEX');
    expect(errorOf('a '.repeat(MAX_QUERY_CLAUSES + 1)).code).toBe('SIEM_QUERY_TOO_COMPLEX');
  });
});

describe('printQuery', () => {
  const queries = [
    'failed host.name:web-1 -user.name:root "bad password"', 'a AND NOT b OR c', '(a OR b) (c OR (d e))', 'user.name:(alice OR "bob smith")',
    'source.port:[1 TO 1023}', 'source.port:{* TO 5]', '@timestamp:>=now-15m', 'source.ip:2001:db8::/32', 'host.name:w?b-\\*x*', 'url.original:http://x/(y)',
    'a\\:b', '\\AND \\-x', 'host.name:"" tags:\\[x\\]', 'host.name:[\\] TO \\}]', 'fail* x:*', '*', '10.0.0.1:80', '"a \\\\ b"', 'host.name:-x', 'host.name:>\\=1024',
  ];

  it('prints a query that parses to the same tree', () => {
    for (const query of queries) {
      const ast = parseQuery(query);
      expect(parseQuery(printQuery(ast)), `${query} → ${printQuery(ast)}`).toEqual(ast);
    }
  });

  it('prints operators in words and values readably', () => {
    expect(printQuery(parseQuery('a && !b || c'))).toBe('(a AND NOT b) OR c');
    expect(printQuery(parseQuery('@timestamp:2026-12-04T10:00:00Z source.ip:2001:db8::5'))).toBe('@timestamp:2026-12-04T10:00:00Z AND source.ip:2001:db8::5');
    expect(printQuery(parseQuery('host.name:(a OR b)'))).toBe('host.name:a OR host.name:b');
  });
});
