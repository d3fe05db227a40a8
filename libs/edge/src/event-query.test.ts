import { describe, expect, it } from 'vitest';
import { compileEventQuery, queryFields, type RecordView } from './event-query';

const view = (raw: string, fields: Record<string, unknown[]> = {}): RecordView => ({ raw, lookup: (field) => fields[field] ?? [] });

describe('event query at the edge', () => {
  const line = view('<38>Dec  4 10:00:00 web-01 sshd[42]: Failed password for root from 203.0.113.5', {
    'host.name': ['web-01'],
    'log.level': ['debug'],
    'process.pid': [42],
    message: ['Failed password for root from 203.0.113.5'],
  });

  it('edge query – free text searches the raw line, case-insensitively', () => {
    expect(compileEventQuery('failed')(line)).toBe(true);
    expect(compileEventQuery('accepted')(line)).toBe(false);
    expect(compileEventQuery('sshd*')(line)).toBe(true);
  });

  it('edge query – keyword fields match exactly, wildcards anchor, text fields match words', () => {
    expect(compileEventQuery('host.name:web-01')(line)).toBe(true);
    expect(compileEventQuery('host.name:web')(line)).toBe(false);
    expect(compileEventQuery('host.name:web-*')(line)).toBe(true);
    expect(compileEventQuery('message:PASSWORD')(line)).toBe(true);
    expect(compileEventQuery('raw:*sshd*')(line)).toBe(false);
  });

  it('edge query – numbers, ranges, exists and boolean operators', () => {
    expect(compileEventQuery('process.pid:42')(line)).toBe(true);
    expect(compileEventQuery('process.pid:[40 TO 50]')(line)).toBe(true);
    expect(compileEventQuery('process.pid:>42')(line)).toBe(false);
    expect(compileEventQuery('log.level:* AND NOT user.name:*')(line)).toBe(true);
    expect(compileEventQuery('log.level:debug OR log.level:trace')(line)).toBe(true);
    expect(compileEventQuery('log.level:info OR log.level:trace')(line)).toBe(false);
    expect(compileEventQuery('-log.level:debug')(line)).toBe(false);
  });

  it('edge query – lists the fields it reads and rejects a malformed query', () => {
    expect(queryFields('log.level:debug AND (host.name:a OR NOT raw:*x*) AND free')).toEqual(['log.level', 'host.name', 'raw']);
    expect(() => compileEventQuery('host.name:(a')).toThrow();
  });
});
