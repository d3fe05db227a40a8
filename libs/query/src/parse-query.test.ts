import { describe, expect, it } from 'vitest';
import { QueryError } from './errors';
import { parseQuery } from './parse-query';
import { toOpenSearchQuery } from './to-opensearch';

function errorOf(query: string): QueryError {
  try {
    parseQuery(query);
  } catch (error) {
    return error as QueryError;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('parseQuery', () => {
  it('reads free text, fields, phrases and negation', () => {
    expect(parseQuery('failed host.name:web-1 -user.name:root "bad password" process.name:"my app"').clauses).toEqual([
      { field: undefined, value: 'failed', phrase: false, negated: false },
      { field: 'host.name', value: 'web-1', phrase: false, negated: false },
      { field: 'user.name', value: 'root', phrase: false, negated: true },
      { field: undefined, value: 'bad password', phrase: true, negated: false },
      { field: 'process.name', value: 'my app', phrase: true, negated: false },
    ]);
  });

  it('treats an empty query and a lone * as match-all', () => {
    expect(parseQuery('').clauses).toEqual([]);
    expect(parseQuery('  *  ').clauses).toEqual([]);
  });

  it('keeps escaped colons and quotes in values', () => {
    expect(parseQuery('url.path:a\\:b "say \\"hi\\""').clauses.map((c) => c.value)).toEqual(['a:b', 'say "hi"']);
  });

  it('rejects an unclosed quote with its position', () => {
    const error = errorOf('message:"never closed');
    expect(error.code).toBe('SIEM_QUERY_SYNTAX');
    expect(error.position).toBe(8);
  });

  it('rejects a field with no value', () => {
    expect(errorOf('host.name: x').code).toBe('SIEM_QUERY_SYNTAX');
  });

  it('rejects hostile field names instead of passing them to the store', () => {
    expect(errorOf('{script}:x').code).toBe('SIEM_QUERY_BAD_FIELD');
    expect(errorOf('{"script":1}:x').code).toBe('SIEM_QUERY_SYNTAX');
    expect(errorOf('a$b:1').code).toBe('SIEM_QUERY_BAD_FIELD');
  });

  it('rejects an over-long query', () => {
    expect(errorOf('a'.repeat(5000)).code).toBe('SIEM_QUERY_TOO_LONG');
  });
});

describe('toOpenSearchQuery', () => {
  it('matches free text on message, exact values on keyword fields, and filters the time range', () => {
    const dsl = toOpenSearchQuery(parseQuery('failed host.name:web-1 -user.name:root user.id:*'), { from: '2026-01-01T00:00:00Z' });
    expect(dsl).toEqual({
      bool: {
        must: [{ match: { message: { query: 'failed', operator: 'and' } } }, { term: { 'host.name': 'web-1' } }, { exists: { field: 'user.id' } }],
        must_not: [{ term: { 'user.name': 'root' } }],
        filter: [{ range: { '@timestamp': { gte: '2026-01-01T00:00:00Z' } } }],
      },
    });
  });

  it('matches everything when there is no clause', () => {
    expect(toOpenSearchQuery({ clauses: [] })).toEqual({ bool: { must: [{ match_all: {} }], must_not: [], filter: [] } });
  });
});
