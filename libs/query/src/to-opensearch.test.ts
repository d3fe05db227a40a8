import { describe, expect, it } from 'vitest';
import { parseQuery } from './parse-query';
import { toOpenSearchQuery } from './to-opensearch';

const NOW = Date.parse('2026-03-02T00:10:00Z');
const dsl = (query: string) => (toOpenSearchQuery(parseQuery(query), {}, { now: NOW }) as { bool: { must: unknown[] } }).bool.must[0];

describe('toOpenSearchQuery', () => {
  it('matches free text on message, exact values on keyword fields, and filters the time range', () => {
    expect(toOpenSearchQuery(parseQuery('failed host.name:web-1 -user.name:root user.id:*'), { from: '2026-01-01T00:00:00Z' })).toEqual({
      bool: {
        must: [
          {
            bool: {
              must: [{ match: { message: { query: 'failed', operator: 'and' } } }, { term: { 'host.name': 'web-1' } }, { exists: { field: 'user.id' } }],
              must_not: [{ term: { 'user.name': 'root' } }],
            },
          },
        ],
        filter: [{ range: { '@timestamp': { gte: '2026-01-01T00:00:00Z' } } }],
      },
    });
  });

  it('matches everything when the query is empty', () => {
    expect(toOpenSearchQuery(parseQuery(''))).toEqual({ bool: { must: [{ match_all: {} }], filter: [] } });
  });

  it('nests OR as should with one required, and NOT as must_not', () => {
    expect(dsl('a OR NOT host.name:x')).toEqual({
      bool: { should: [{ match: { message: { query: 'a', operator: 'and' } } }, { bool: { must_not: [{ term: { 'host.name': 'x' } }] } }], minimum_should_match: 1 },
    });
  });

  it('compiles phrases, wildcards and word prefixes', () => {
    expect(dsl('"bad password"')).toEqual({ match_phrase: { message: 'bad password' } });
    expect(dsl('host.name:w?b-\\**')).toEqual({ wildcard: { 'host.name': { value: 'w?b-\\**' } } });
    expect(dsl('Fail*')).toEqual({ prefix: { message: { value: 'fail' } } });
  });

  it('compares numbers as numbers and addresses and CIDR blocks as the ip type does', () => {
    expect(dsl('source.port:22')).toEqual({ term: { 'source.port': 22 } });
    expect(dsl('source.port:{1 TO 1024]')).toEqual({ range: { 'source.port': { gt: 1, lte: 1024 } } });
    expect(dsl('source.ip:2001:db8::/32')).toEqual({ term: { 'source.ip': '2001:db8::/32' } });
    expect(dsl('source.ip:>=10.0.0.1')).toEqual({ range: { 'source.ip': { gte: '10.0.0.1' } } });
    expect(dsl('host.name:[a TO m}')).toEqual({ range: { 'host.name': { gte: 'a', lt: 'm' } } });
  });

  it('turns dates into the span of milliseconds they name, relative ones from now', () => {
    const day = Date.parse('2026-03-01T00:00:00Z');
    expect(dsl('@timestamp:2026-03-01')).toEqual({ range: { '@timestamp': { gte: day, lte: day + 86_399_999, format: 'epoch_millis' } } });
    expect(dsl('@timestamp:{2026-03-01 TO 2026-03-02T00:00]')).toEqual({
      range: { '@timestamp': { gt: day + 86_399_999, lte: day + 86_400_000 + 59_999, format: 'epoch_millis' } },
    });
    expect(dsl('@timestamp:>now-15m')).toEqual({ range: { '@timestamp': { gt: NOW - 900_000, format: 'epoch_millis' } } });
    expect(dsl('@timestamp:<now/d')).toEqual({ range: { '@timestamp': { lt: Date.parse('2026-03-02T00:00:00Z'), format: 'epoch_millis' } } });
  });

  it('never passes user text through as DSL: JSON and scripts stay values', () => {
    const compiled = JSON.stringify(toOpenSearchQuery(parseQuery('"{\\"script\\":{\\"source\\":\\"x\\"}}" host.name:"\'; DROP TABLE events; --"')));
    expect(JSON.parse(compiled).bool.must[0].bool.must).toEqual([
      { match_phrase: { message: '{"script":{"source":"x"}}' } },
      { term: { 'host.name': "'; DROP TABLE events; --" } },
    ]);
  });
});
