import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { EdgeConfigError } from './errors';
import { PriorityClassifier, parsePriorityRules } from './priority';

// RFC 5424 section 6.5 example 1 (su, severity 2) and a debug line of the same shape.
const CRITICAL_SU = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8";
const record = (line: string, input = 'syslog_udp'): RawRecord => ({ payload: Buffer.from(line), receivedAt: '2026-12-05T07:00:00.000Z', input });
const debug = (i: number, input = 'syslog_udp') => record(`<167>1 2026-12-05T07:00:00Z plc-4 modbusd - - - poll ${i} ok`, input);

describe('priority classes', () => {
  const classifier = new PriorityClassifier(
    parsePriorityRules({
      high: [
        { name: 'severe', query: 'log.syslog.severity.code:[0 TO 3]' },
        { name: 'auth-programs', query: 'process.name:(sshd OR sudo)' },
        { name: 'firewall-input', inputs: ['syslog_tls'] },
      ],
    }),
  );

  it('priority – severity, program and input rules make a record high; the rest stay normal, in order', () => {
    const sshd = record('<86>1 2026-12-05T07:00:01Z bastion sshd 811 - - Failed password for root from 203.0.113.9 port 4711 ssh2');
    const tls = debug(9, 'syslog_tls');
    const split = classifier.split([debug(1), record(CRITICAL_SU), debug(2), sshd, tls, debug(3)]);
    expect(split.high.map((r) => r.payload.toString())).toEqual([CRITICAL_SU, sshd.payload.toString(), tls.payload.toString()]);
    expect(split.normal.map((r) => r.payload.toString())).toEqual([debug(1), debug(2), debug(3)].map((r) => r.payload.toString()));
    expect(Object.fromEntries(split.byRule)).toEqual({ severe: 1, 'auth-programs': 1, 'firewall-input': 1 });
  });

  it('priority – a line no parser understands is normal unless a raw query matches it', () => {
    const raw = new PriorityClassifier(parsePriorityRules({ high: [{ name: 'panic', query: 'raw:*PANIC*' }] }));
    expect(raw.match(record('\u0000\u0001 not syslog'))).toBeUndefined();
    expect(classifier.match(record('\u0000\u0001 not syslog'))).toBeUndefined();
    expect(raw.match(record('kernel PANIC at 0x0'))).toBe('panic');
  });

  it('priority – a typo, a broken query or an unknown parser is refused with the place named', () => {
    expect(() => parsePriorityRules({ high: [{ name: 'x', qeury: 'a' }] })).toThrow(/\/high\/0/);
    expect(() => parsePriorityRules({ high: [] })).toThrow(EdgeConfigError);
    expect(() => parsePriorityRules({ high: [{ name: 'bad', query: 'a:(' }] })).toThrow(/priority rule bad does not parse/);
    expect(() => parsePriorityRules({ parser: 'no_such_format', high: [{ name: 'x' }] })).toThrow(/no_such_format/);
    const refusal = (() => {
      try {
        parsePriorityRules({ high: [{ name: 'x', qeury: 'a' }] });
      } catch (error) {
        return error as EdgeConfigError;
      }
    })();
    expect(refusal?.code).toBe('SIEM_EDGE_CONFIG_INVALID');
  });
});
