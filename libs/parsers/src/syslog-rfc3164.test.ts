import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import type { ParserConfig } from './types';
import { createRfc3164Parser } from './syslog-rfc3164';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function record(line: string, receivedAt = '2026-11-23T12:00:00.000Z'): RawRecord {
  return { payload: Buffer.from(line), receivedAt, sourceAddress: '192.0.2.10', input: 'syslog_udp' };
}

function parse(line: string, receivedAt?: string, config: Partial<ParserConfig> = {}) {
  const result = createRfc3164Parser({ now: () => NOW, ...config }).parse(record(line, receivedAt));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

describe('syslog_rfc3164 – RFC 3164 section 5.4 examples', () => {
  it('syslog_rfc3164 – parses example 1: hostname, tag and message', () => {
    const line = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8";
    expect(parse(line, '2026-10-12T08:00:00.000Z')).toEqual({
      '@timestamp': '2026-10-11T22:14:15.000Z',
      message: "'su root' failed for lonvick on /dev/pts/8",
      event: { original: line, ingested: '2026-11-23T12:00:00.000Z', dataset: 'syslog_rfc3164' },
      host: { name: 'mymachine', hostname: 'mymachine' },
      log: {
        source: { address: '192.0.2.10' },
        level: 'critical',
        syslog: {
          priority: 34,
          facility: { code: 4, name: 'auth' },
          severity: { code: 2, name: 'critical' },
          hostname: 'mymachine',
          appname: 'su',
        },
      },
      process: { name: 'su' },
    });
  });

  it('syslog_rfc3164 – parses example 2: a space-padded day, an IP as hostname and no tag', () => {
    const event = parse('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!');
    expect(event['@timestamp']).toBe('2026-02-05T17:32:18.000Z');
    expect(event.host).toEqual({ name: '10.0.0.99', hostname: '10.0.0.99' });
    expect(event.message).toBe('Use the BFG!');
    expect(event).not.toHaveProperty('process');
  });

  it('syslog_rfc3164 – reads example 3 as a relay would: the zone name lands in HOSTNAME', () => {
    const event = parse("<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.");
    expect(event['@timestamp']).toBe('2026-08-24T05:34:00.000Z');
    expect(event.log?.syslog?.hostname).toBe('CST');
    expect(event.message).toBe("1987 mymachine myproc[10]: %% It's time to make the do-nuts.");
  });

  it('syslog_rfc3164 – keeps example 4, which has no valid timestamp, as content stamped with the receive time', () => {
    const event = parse('<0>1990 Oct 22 10:52:01 TZ-6 LINK-3-UPDOWN: Interface Ethernet0, changed state to up.', '2026-11-23T11:00:00.000Z');
    expect(event['@timestamp']).toBe('2026-11-23T11:00:00.000Z');
    expect(event.message).toBe('1990 Oct 22 10:52:01 TZ-6 LINK-3-UPDOWN: Interface Ethernet0, changed state to up.');
    expect(event.host).toEqual({ name: '192.0.2.10' });
    expect(event.log?.syslog).toMatchObject({ priority: 0, severity: { code: 0, name: 'emergency' } });
  });

  it('syslog_rfc3164 – parses example 5: the word after the hostname is not a tag, so it stays in the message', () => {
    const event = parse("<0>Oct 22 10:52:12 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!");
    expect(event.host).toEqual({ name: 'scapegoat.dmz.example.org', hostname: 'scapegoat.dmz.example.org' });
    expect(event.message).toBe("10.1.2.3 sched[0]: That's All Folks!");
  });
});

describe('syslog_rfc3164 – real-world shapes', () => {
  it('syslog_rfc3164 – parses the shape util-linux logger sends', () => {
    const event = parse('<13>Nov 23 11:22:01 myhost root: hello');
    expect(event['@timestamp']).toBe('2026-11-23T11:22:01.000Z');
    expect(event.host).toEqual({ name: 'myhost', hostname: 'myhost' });
    expect(event.process).toEqual({ name: 'root' });
    expect(event.message).toBe('hello');
    expect(event.log?.syslog).toMatchObject({ facility: { code: 1, name: 'user' }, severity: { code: 5, name: 'notice' } });
    expect(event.log?.level).toBe('notice');
  });

  it('syslog_rfc3164 – reads the pid from TAG[pid]', () => {
    const event = parse('<86>Nov 23 11:22:01 bastion sshd[4321]: Accepted publickey for alice from 203.0.113.5 port 50022 ssh2');
    expect(event.process).toEqual({ name: 'sshd', pid: 4321 });
    expect(event.log?.syslog).toMatchObject({ appname: 'sshd', procid: '4321', facility: { code: 10, name: 'authpriv' }, severity: { code: 6, name: 'informational' } });
    expect(event.message).toBe('Accepted publickey for alice from 203.0.113.5 port 50022 ssh2');
  });

  it('syslog_rfc3164 – accepts a tag with a slash, as postfix sends', () => {
    expect(parse('<22>Nov 23 11:22:01 mx postfix/smtpd[1234]: connect from unknown').process).toEqual({ name: 'postfix/smtpd', pid: 1234 });
  });

  it('syslog_rfc3164 – handles a missing hostname: the first word shaped like a tag is the tag', () => {
    const event = parse('<13>Oct 11 22:14:15 su: msg', '2026-10-12T00:00:00.000Z');
    expect(event.log?.syslog?.hostname).toBeUndefined();
    expect(event.host).toEqual({ name: '192.0.2.10' });
    expect(event.process).toEqual({ name: 'su' });
    expect(event.message).toBe('msg');
  });

  it('syslog_rfc3164 – handles a missing hostname with a pid', () => {
    const event = parse('<30>Oct 11 22:14:15 systemd[1]: Started Session 7.', '2026-10-12T00:00:00.000Z');
    expect(event.log?.syslog?.hostname).toBeUndefined();
    expect(event.process).toEqual({ name: 'systemd', pid: 1 });
  });

  it('syslog_rfc3164 – keeps an IPv6 address as hostname rather than reading it as a tag', () => {
    const event = parse('<13>Oct 11 22:14:15 fe80::1 app: hi', '2026-10-12T00:00:00.000Z');
    expect(event.host).toEqual({ name: 'fe80::1', hostname: 'fe80::1' });
    expect(event.process).toEqual({ name: 'app' });
  });

  it.each([
    ['padded with a space', '<13>Oct  1 22:14:15 host app: hi'],
    ['unpadded', '<13>Oct 1 22:14:15 host app: hi'],
    ['padded with a zero', '<13>Oct 01 22:14:15 host app: hi'],
  ])('syslog_rfc3164 – accepts a single-digit day %s', (_, line) => {
    const event = parse(line, '2026-10-02T00:00:00.000Z');
    expect(event['@timestamp']).toBe('2026-10-01T22:14:15.000Z');
    expect(event.host).toEqual({ name: 'host', hostname: 'host' });
  });

  it('syslog_rfc3164 – accepts lower-case month names and fractional seconds', () => {
    expect(parse('<13>oct 11 22:14:15.123456 host app: hi', '2026-10-12T00:00:00.000Z')['@timestamp']).toBe('2026-10-11T22:14:15.123Z');
  });

  it('syslog_rfc3164 – accepts an ISO 8601 timestamp in place of the BSD one', () => {
    const event = parse('<13>2026-11-23T11:22:01.123456+01:00 myhost app[12]: hello');
    expect(event['@timestamp']).toBe('2026-11-23T10:22:01.123Z');
    expect(event.host).toEqual({ name: 'myhost', hostname: 'myhost' });
    expect(event.process).toEqual({ name: 'app', pid: 12 });
  });

  it('syslog_rfc3164 – reads a zone-less ISO 8601 timestamp in the configured timezone', () => {
    const event = parse('<13>2026-07-01T12:00:00 myhost app: hello', undefined, { timezone: 'Europe/Berlin' });
    expect(event['@timestamp']).toBe('2026-07-01T10:00:00.000Z');
  });

  it('syslog_rfc3164 – parses a line with a hostname and no content', () => {
    const event = parse('<13>Nov 23 11:22:01 myhost');
    expect(event.host).toEqual({ name: 'myhost', hostname: 'myhost' });
    expect(event).not.toHaveProperty('message');
  });

  it('syslog_rfc3164 – keeps a line with only a priority as an event without message', () => {
    const event = parse('<13>');
    expect(event['@timestamp']).toBe('2026-11-23T12:00:00.000Z');
    expect(event).not.toHaveProperty('message');
  });
});

describe('syslog_rfc3164 – year and timezone', () => {
  it('syslog_rfc3164 – puts a December line received in January into the previous year', () => {
    expect(parse('<13>Dec 31 23:59:58 host app: hi', '2027-01-01T00:00:03.000Z')['@timestamp']).toBe('2026-12-31T23:59:58.000Z');
  });

  it('syslog_rfc3164 – puts a January line received just before New Year (sender clock ahead) into the next year', () => {
    expect(parse('<13>Jan  1 00:00:01 host app: hi', '2026-12-31T23:59:59.000Z')['@timestamp']).toBe('2027-01-01T00:00:01.000Z');
  });

  it('syslog_rfc3164 – puts a line more than a day in the future into the previous year', () => {
    expect(parse('<13>Mar 10 08:00:00 host app: hi', '2026-03-01T12:00:00.000Z')['@timestamp']).toBe('2025-03-10T08:00:00.000Z');
  });

  it('syslog_rfc3164 – keeps a line less than a day in the future in the year of receipt', () => {
    expect(parse('<13>Mar  1 20:00:00 host app: hi', '2026-03-01T12:00:00.000Z')['@timestamp']).toBe('2026-03-01T20:00:00.000Z');
  });

  it('syslog_rfc3164 – reads the time in the configured timezone, summer and winter', () => {
    const berlin = { timezone: 'Europe/Berlin' };
    expect(parse('<13>Jul  1 12:00:00 host app: hi', '2026-07-01T12:00:00.000Z', berlin)['@timestamp']).toBe('2026-07-01T10:00:00.000Z');
    expect(parse('<13>Jan 15 12:00:00 host app: hi', '2026-01-15T12:00:00.000Z', berlin)['@timestamp']).toBe('2026-01-15T11:00:00.000Z');
    const newYork = { timezone: 'America/New_York' };
    expect(parse('<13>Jul  1 12:00:00 host app: hi', '2026-07-01T18:00:00.000Z', newYork)['@timestamp']).toBe('2026-07-01T16:00:00.000Z');
    expect(parse('<13>Jun  1 05:45:00 host app: hi', '2026-06-01T00:00:00.000Z', { timezone: 'Asia/Kathmandu' })['@timestamp']).toBe(
      '2026-06-01T00:00:00.000Z',
    );
  });

  it('syslog_rfc3164 – applies the New Year rule in local time when the zone is ahead of UTC', () => {
    const event = parse('<13>Jan  1 00:30:00 host app: hi', '2026-12-31T23:30:00.000Z', { timezone: 'Europe/Berlin' });
    expect(event['@timestamp']).toBe('2026-12-31T23:30:00.000Z');
  });

  it('syslog_rfc3164 – treats 29 February of a common year as no timestamp', () => {
    const event = parse('<13>Feb 29 10:00:00 host app: hi', '2026-03-01T00:00:00.000Z');
    expect(event['@timestamp']).toBe('2026-03-01T00:00:00.000Z');
    expect(event.message).toBe('Feb 29 10:00:00 host app: hi');
  });
});

describe('syslog_rfc3164 – malformed lines', () => {
  const parser = createRfc3164Parser({ now: () => NOW });

  it.each([
    ['a priority above 191', '<999>Oct 11 22:14:15 host app: hi'],
    ['letters as priority', '<abc>Oct 11 22:14:15 host app: hi'],
    ['a missing ">"', '<13'],
    ['no priority and no timestamp', 'host app: hi'],
    ['a leading zero', '<01>Oct 11 22:14:15 host app: hi'],
  ])('syslog_rfc3164 – rejects %s as a bad priority', (_, line) => {
    const result = parser.parse(record(line));
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY', parser: 'syslog_rfc3164', retryable: false });
  });

  it.each([
    ['a bad month', '<13>Foo 11 22:14:15 host app: hi'],
    ['hour 25', '<13>Oct 11 25:14:15 host app: hi'],
    ['day 32', '<13>Oct 32 22:14:15 host app: hi'],
    ['a cut time', '<13>Oct 11 22:14'],
    ['no space after the time', '<13>Oct 11 22:14:15x host app: hi'],
  ])('syslog_rfc3164 – keeps a line with %s as content with the receive time', (_, line) => {
    const result = parser.parse(record(line, '2026-10-12T00:00:00.000Z'));
    expect(result.ok && result.event['@timestamp']).toBe('2026-10-12T00:00:00.000Z');
    expect(result.ok && result.event.message).toBe(line.slice(4));
  });
});
