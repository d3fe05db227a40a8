import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from './registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file' };
}

function parse(type: string, options: Record<string, unknown>, line: string) {
  const result = createParser(type, { now: () => NOW, options }).parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event as Record<string, any>;
}

describe('date option – grok', () => {
  const grok = (date: Record<string, unknown>, line: string) =>
    parse('grok', { patterns: ['%{DATA:ts} \\| %{WORD:level} %{GREEDYDATA:msg}'], date: { field: 'ts', ...date } }, line);

  it('date option – grok reads a Java pattern with a zone in the text', () => {
    const event = grok({ formats: ['dd/MMM/yyyy:HH:mm:ss Z'] }, '04/Dec/2026:10:00:00 -0500 | INFO started');
    expect(event['@timestamp']).toBe('2026-12-04T15:00:00.000Z');
    expect(event.tags).toBeUndefined();
  });

  it('date option – formats are tried in order, the first that reads wins', () => {
    const formats = ['yyyy-MM-dd HH:mm:ss', 'MMM d HH:mm:ss', 'UNIX'];
    expect(grok({ formats }, '2026-12-04 10:00:00 | INFO a')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(grok({ formats }, 'Dec 4 10:00:01 | INFO b')['@timestamp']).toBe('2026-12-04T10:00:01.000Z');
    expect(grok({ formats }, '1796378402 | INFO c')['@timestamp']).toBe('2026-12-04T10:00:02.000Z');
  });

  it('date option – a time without a zone is read in the option\'s timezone', () => {
    expect(grok({ formats: ['yyyy-MM-dd HH:mm:ss.SSS'], timezone: 'Europe/Berlin' }, '2026-12-04 10:00:00.250 | INFO x')['@timestamp']).toBe('2026-12-04T09:00:00.250Z');
  });

  it('date option – month and day names in the option\'s locale', () => {
    expect(grok({ formats: ['dd. MMMM yyyy HH:mm:ss'], locale: 'de', timezone: 'UTC' }, '04. Dezember 2026 10:00:00 | INFO x')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(grok({ formats: ['EEE dd MMM yyyy HH:mm:ss'], locale: 'fr' }, 'ven. 04 déc. 2026 10:00:00 | INFO x')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
  });

  it('date option – ISO8601 and UNIX_MS', () => {
    expect(grok({ formats: ['ISO8601'] }, '2026-12-04T10:00:00+01:00 | INFO x')['@timestamp']).toBe('2026-12-04T09:00:00.000Z');
    expect(grok({ formats: ['UNIX_MS'] }, '1796378400123 | INFO x')['@timestamp']).toBe('2026-12-04T10:00:00.123Z');
  });

  it('date option – a time no format reads keeps the receive time and is tagged', () => {
    const event = grok({ formats: ['yyyy-MM-dd HH:mm:ss'] }, 'yesterday noon | INFO x');
    expect(event['@timestamp']).toBe('2026-12-04T12:00:00.000Z');
    expect(event.tags).toEqual(['_timestamp_from_receipt']);
  });

  it('date option – an unknown pattern letter or locale fails at start', () => {
    expect(() => createParser('grok', { options: { patterns: ['%{GREEDYDATA:ts}'], date: { field: 'ts', formats: ['yyyy-MM-dd QQ'] } } })).toThrow(/SIEM_PARSE_INVALID_CONFIG|letter/);
    expect(() => createParser('grok', { options: { patterns: ['%{GREEDYDATA:ts}'], date: { field: 'ts', formats: ['yyyy'], lcoale: 'de' } } })).toThrow();
  });
});

describe('date option – kv', () => {
  it('date option – kv reads the time from a pair under its namespace', () => {
    const event = parse('kv', { date: { field: 'kv.time', formats: ['dd/MM/yyyy HH:mm:ss'], timezone: 'America/New_York' } }, 'time="04/12/2026 10:00:00" user=alice action=login');
    expect(event['@timestamp']).toBe('2026-12-04T15:00:00.000Z');
    expect(event.kv).toEqual({ time: '04/12/2026 10:00:00', user: 'alice', action: 'login' });
  });

  it('date option – kv without the field keeps the receive time untagged', () => {
    const event = parse('kv', { date: { field: 'kv.time', formats: ['ISO8601'] } }, 'user=alice');
    expect(event['@timestamp']).toBe('2026-12-04T12:00:00.000Z');
    expect(event.tags).toBeUndefined();
  });
});
