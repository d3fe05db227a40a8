import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createAutoParser } from './auto';
import { createJsonParser } from './json';
import { createWindowsParser } from './windows';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-11-23T11:59:59.000Z', sourceAddress: '192.0.2.10', input: 'windows' };
}

const parser = createWindowsParser({ now: () => NOW, maxMessageBytes: 4 * 1024 * 1024 });

function parse(value: unknown) {
  const result = parser.parse(record(typeof value === 'string' ? value : JSON.stringify(value)));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event as Record<string, any>;
}

function errorOf(line: string) {
  const result = parser.parse(record(line));
  return result.ok ? undefined : result.error;
}

/** Winlogbeat 7/8 output without Elasticsearch ingest pipelines (as shipped to Kafka or Logstash). */
const WINLOGBEAT_4624 = {
  '@timestamp': '2019-05-29T13:25:12.166Z',
  agent: { type: 'winlogbeat', version: '8.15.0' },
  host: { name: 'vagrant' },
  log: { level: 'information' },
  message: 'An account was successfully logged on.',
  event: { code: 4624, kind: 'event', provider: 'Microsoft-Windows-Security-Auditing', created: '2019-05-29T13:25:13.000Z' },
  winlog: {
    api: 'wineventlog',
    channel: 'Security',
    computer_name: 'vagrant',
    event_id: 4624,
    keywords: ['Audit Success'],
    opcode: 'Info',
    process: { pid: 444, thread: { id: 3084 } },
    provider_guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
    provider_name: 'Microsoft-Windows-Security-Auditing',
    record_id: 5039,
    task: 'Logon',
    event_data: {
      AuthenticationPackageName: 'Negotiate',
      IpAddress: '127.0.0.1',
      IpPort: '0',
      LogonProcessName: 'User32 ',
      LogonType: '2',
      ProcessId: '0x1b8',
      ProcessName: 'C:\\Windows\\System32\\svchost.exe',
      SubjectDomainName: 'WORKGROUP',
      SubjectUserName: 'VAGRANT$',
      SubjectUserSid: 'S-1-5-18',
      TargetDomainName: 'VAGRANT',
      TargetLogonId: '0x5c8a5',
      TargetUserName: 'vagrant',
      TargetUserSid: 'S-1-5-21-1610636575-2290000098-1654242922-1000',
      WorkstationName: 'VAGRANT',
    },
  },
};

/** NXLog im_msvistalog + to_json(): system fields and event data side by side. */
const NXLOG_4625 = {
  EventTime: '2019-08-16 12:00:00',
  Hostname: 'WIN-SRV',
  Keywords: -9218868437227405312,
  EventType: 'AUDIT_FAILURE',
  SeverityValue: 4,
  Severity: 'ERROR',
  EventID: 4625,
  SourceName: 'Microsoft-Windows-Security-Auditing',
  ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  Version: 0,
  Task: 12544,
  OpcodeValue: 0,
  RecordNumber: 2170,
  ProcessID: 540,
  ThreadID: 2936,
  Channel: 'Security',
  Category: 'Logon',
  Opcode: 'Info',
  SubjectUserSid: 'S-1-5-18',
  SubjectUserName: 'WIN-SRV$',
  TargetUserSid: 'S-1-0-0',
  TargetUserName: 'administrator',
  TargetDomainName: 'WIN-SRV',
  Status: '0xc000006d',
  FailureReason: '%%2313',
  SubStatus: '0xc000006a',
  LogonType: '10',
  WorkstationName: 'ATTACKER-PC',
  ProcessName: '-',
  IpAddress: '203.0.113.45',
  IpPort: '50122',
  EventReceivedTime: '2019-08-16 12:00:01',
  SourceModuleName: 'eventlog',
  SourceModuleType: 'im_msvistalog',
  Message: 'An account failed to log on.',
};

/** evtx_dump -o json (omerbenamram/evtx): attributes under #attributes, numbers as numbers. */
const EVTX_DUMP_4688 = {
  Event: {
    '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '54849625-5478-4994-A5BA-3E3B0328C30D' } },
      EventID: 4688,
      Version: 2,
      Level: 0,
      Task: 13312,
      Opcode: 0,
      Keywords: '0x8020000000000000',
      TimeCreated: { '#attributes': { SystemTime: '2019-03-08T23:32:37.934468Z' } },
      EventRecordID: 112,
      Correlation: null,
      Execution: { '#attributes': { ProcessID: 4, ThreadID: 196 } },
      Channel: 'Security',
      Computer: 'WIN-DC01.example.local',
      Security: null,
    },
    EventData: {
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: 'WIN-DC01$',
      SubjectDomainName: 'EXAMPLE',
      SubjectLogonId: '0x3e7',
      NewProcessId: '0x1a4',
      NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
      TokenElevationType: '%%1936',
      ProcessId: '0x2c8',
      CommandLine: 'cmd.exe /c "whoami /all"',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      ParentProcessName: 'C:\\Windows\\explorer.exe',
      MandatoryLabel: 'S-1-16-12288',
    },
  },
};

/** python-evtx through xmltodict: @attributes, #text, every value a string, Data as a list. */
const XMLTODICT_4720 = {
  Event: {
    '@xmlns': 'http://schemas.microsoft.com/win/2004/08/events/event',
    System: {
      Provider: { '@Name': 'Microsoft-Windows-Security-Auditing', '@Guid': '{54849625-5478-4994-A5BA-3E3B0328C30D}' },
      EventID: { '@Qualifiers': '', '#text': '4720' },
      Version: '0',
      Level: '0',
      Keywords: '0x8020000000000000',
      TimeCreated: { '@SystemTime': '2019-03-08 23:32:37.934468' },
      EventRecordID: '113',
      Execution: { '@ProcessID': '588', '@ThreadID': '1500' },
      Channel: 'Security',
      Computer: 'WIN-DC01',
      Security: { '@UserID': 'S-1-5-18' },
    },
    EventData: {
      Data: [
        { '@Name': 'TargetUserName', '#text': 'backdoor' },
        { '@Name': 'TargetDomainName', '#text': 'WIN-DC01' },
        { '@Name': 'TargetSid', '#text': 'S-1-5-21-3623811015-3361044348-30300820-1001' },
        { '@Name': 'SubjectUserSid', '#text': 'S-1-5-21-3623811015-3361044348-30300820-500' },
        { '@Name': 'SubjectUserName', '#text': 'Administrator' },
        { '@Name': 'SubjectDomainName', '#text': 'WIN-DC01' },
        { '@Name': 'PrivilegeList' },
        { '@Name': 'SamAccountName', '#text': 'backdoor' },
      ],
    },
  },
};

function winlogbeat(eventId: number, provider: string, eventData: Record<string, string>, channel = 'Microsoft-Windows-Sysmon/Operational') {
  return { '@timestamp': '2026-11-23T10:00:00.000Z', winlog: { event_id: eventId, channel, provider_name: provider, computer_name: 'ws1.corp', event_data: eventData } };
}

const SYSMON = 'Microsoft-Windows-Sysmon';

describe('windows – Winlogbeat', () => {
  it('windows – maps a Security 4624 logon to winlog, user, source and the authentication category', () => {
    const event = parse(WINLOGBEAT_4624);
    expect(event['@timestamp']).toBe('2019-05-29T13:25:12.166Z');
    expect(event.winlog).toMatchObject({ event_id: '4624', record_id: '5039', channel: 'Security', logon: { type: 'Interactive', id: '0x5c8a5' } });
    expect(event.event).toMatchObject({
      code: '4624',
      provider: 'Microsoft-Windows-Security-Auditing',
      category: ['authentication'],
      type: ['start'],
      action: 'logged-in',
      outcome: 'success',
      dataset: 'windows',
    });
    expect(event.user).toEqual({ name: 'vagrant', domain: 'VAGRANT', id: 'S-1-5-21-1610636575-2290000098-1654242922-1000' });
    expect(event.source).toEqual({ ip: '127.0.0.1', domain: 'VAGRANT' });
    expect(event.process).toEqual({ executable: 'C:\\Windows\\System32\\svchost.exe', name: 'svchost.exe', pid: 440 });
    expect(event.related).toEqual({ user: ['vagrant'], ip: ['127.0.0.1'] });
    expect(event.host.name).toBe('vagrant');
    expect(event.agent).toEqual({ type: 'winlogbeat', version: '8.15.0' });
  });

  it('windows – keeps the ECS values Winlogbeat pipelines already set', () => {
    const event = parse({ ...WINLOGBEAT_4624, event: { action: 'logged-in-special', category: ['session'] }, user: { name: 'given' } });
    expect(event.event).toMatchObject({ action: 'logged-in-special', category: ['session'], outcome: 'success' });
    expect(event.user.name).toBe('given');
  });

  it('windows – maps Sysmon 1 process creation with parent, PE fields and every hash', () => {
    const event = parse(
      winlogbeat(1, SYSMON, {
        RuleName: '-',
        ProcessGuid: '{a1b2c3d4-0000-0000-0000-000000000001}',
        ProcessId: '6228',
        Image: 'C:\\Windows\\System32\\cmd.exe',
        FileVersion: '10.0.19041.746',
        Description: 'Windows Command Processor',
        Product: 'Microsoft® Windows® Operating System',
        Company: 'Microsoft Corporation',
        OriginalFileName: 'Cmd.Exe',
        CommandLine: '"C:\\Windows\\system32\\cmd.exe" /c whoami',
        CurrentDirectory: 'C:\\Users\\alice\\',
        User: 'CORP\\alice',
        Hashes: 'SHA1=AAF1,MD5=BB02,SHA256=CC03,IMPHASH=DD04',
        ParentProcessGuid: '{a1b2c3d4-0000-0000-0000-000000000002}',
        ParentProcessId: '4760',
        ParentImage: 'C:\\Windows\\explorer.exe',
        ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
      }),
    );
    expect(event.event).toMatchObject({ code: '1', category: ['process'], type: ['start'], action: 'Process Create' });
    expect(event.process).toEqual({
      entity_id: '{a1b2c3d4-0000-0000-0000-000000000001}',
      pid: 6228,
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      command_line: '"C:\\Windows\\system32\\cmd.exe" /c whoami',
      working_directory: 'C:\\Users\\alice\\',
      pe: {
        original_file_name: 'Cmd.Exe',
        file_version: '10.0.19041.746',
        description: 'Windows Command Processor',
        product: 'Microsoft® Windows® Operating System',
        company: 'Microsoft Corporation',
        imphash: 'dd04',
      },
      hash: { sha1: 'aaf1', md5: 'bb02', sha256: 'cc03' },
      parent: {
        entity_id: '{a1b2c3d4-0000-0000-0000-000000000002}',
        pid: 4760,
        executable: 'C:\\Windows\\explorer.exe',
        name: 'explorer.exe',
        command_line: 'C:\\Windows\\Explorer.EXE',
      },
    });
    expect(event.user).toEqual({ name: 'alice', domain: 'CORP' });
    expect(event.related.hash).toEqual(['aaf1', 'bb02', 'cc03', 'dd04']);
  });

  it('windows – maps Sysmon 13 registry value set, with a DWORD turned into its decimal string', () => {
    const run = parse(winlogbeat(13, SYSMON, { EventType: 'SetValue', Image: 'C:\\Users\\Public\\dropper.exe', TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater', Details: 'C:\\Users\\Public\\updater.exe' }));
    expect(run.registry).toEqual({
      path: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater',
      hive: 'HKLM',
      key: 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      value: 'Updater',
      data: { type: 'SZ', strings: ['C:\\Users\\Public\\updater.exe'] },
    });
    expect(run.event).toMatchObject({ category: ['registry'], type: ['change'] });
    const dword = parse(winlogbeat(13, SYSMON, { TargetObject: 'HKU\\S-1-5-21\\Software\\Policies\\EnableLUA', Details: 'DWORD (0x0000001f)' }));
    expect(dword.registry.data).toEqual({ type: 'SZ_DWORD', strings: ['31'] });
  });
});

describe('windows – NXLog', () => {
  it('windows – maps a flat NXLog 4625 failed logon, taking the event data from the other keys', () => {
    const event = parse(NXLOG_4625);
    expect(event['@timestamp']).toBe('2019-08-16T12:00:00.000Z');
    expect(event.message).toBe('An account failed to log on.');
    expect(event.winlog).toMatchObject({
      event_id: '4625',
      channel: 'Security',
      provider_name: 'Microsoft-Windows-Security-Auditing',
      computer_name: 'WIN-SRV',
      record_id: '2170',
      keywords: ['Audit Failure'],
      process: { pid: 540, thread: { id: 2936 } },
      logon: { type: 'RemoteInteractive', failure: { status: '0xc000006d', sub_status: '0xc000006a', reason: '%%2313' } },
    });
    expect(event.winlog.event_data).toMatchObject({ TargetUserName: 'administrator', IpAddress: '203.0.113.45', LogonType: '10' });
    expect(event.winlog.event_data).not.toHaveProperty('EventTime');
    expect(event.event).toMatchObject({ code: '4625', action: 'logon-failed', outcome: 'failure', category: ['authentication'] });
    expect(event.user).toMatchObject({ name: 'administrator', domain: 'WIN-SRV' });
    expect(event.source).toEqual({ ip: '203.0.113.45', port: 50122, domain: 'ATTACKER-PC' });
    expect(event.log.level).toBe('error');
    expect(event).not.toHaveProperty('process');
    expect(event.host.name).toBe('WIN-SRV');
  });

  it('windows – reads the zone-less NXLog EventTime in the configured timezone', () => {
    const berlin = createWindowsParser({ timezone: 'Europe/Berlin' }).parse(record(JSON.stringify(NXLOG_4625)));
    expect(berlin.ok && berlin.event['@timestamp']).toBe('2019-08-16T10:00:00.000Z');
  });

  it('windows – maps a Sysmon 3 network connection sent by NXLog', () => {
    const event = parse({
      EventTime: '2020-03-27 10:10:10',
      Hostname: 'ws1.corp',
      EventID: 3,
      SourceName: SYSMON,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      ProcessGuid: '{a1b2c3d4-0000-0000-0000-000000000003}',
      ProcessId: '3120',
      Image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      User: 'CORP\\alice',
      Protocol: 'tcp',
      Initiated: 'true',
      SourceIsIpv6: 'false',
      SourceIp: '10.0.0.5',
      SourceHostname: 'ws1.corp',
      SourcePort: '50123',
      DestinationIsIpv6: 'false',
      DestinationIp: '93.184.216.34',
      DestinationHostname: '-',
      DestinationPort: '443',
    });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 50123, domain: 'ws1.corp' });
    expect(event.destination).toEqual({ ip: '93.184.216.34', port: 443 });
    expect(event.network).toEqual({ transport: 'tcp', direction: 'egress', type: 'ipv4' });
    expect(event.process).toMatchObject({ pid: 3120, name: 'chrome.exe' });
    expect(event.event).toMatchObject({ category: ['network'], type: ['connection', 'start'] });
  });
});

describe('windows – EVTX converters', () => {
  it('windows – maps an evtx_dump 4688 process creation with hex process ids', () => {
    const event = parse(EVTX_DUMP_4688);
    expect(event['@timestamp']).toBe('2019-03-08T23:32:37.934Z');
    expect(event.winlog).toMatchObject({
      event_id: '4688',
      record_id: '112',
      provider_name: 'Microsoft-Windows-Security-Auditing',
      computer_name: 'WIN-DC01.example.local',
      keywords: ['Audit Success'],
      process: { pid: 4, thread: { id: 196 } },
    });
    expect(event.process).toEqual({
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      command_line: 'cmd.exe /c "whoami /all"',
      pid: 420,
      parent: { executable: 'C:\\Windows\\explorer.exe', name: 'explorer.exe', pid: 712 },
    });
    expect(event.user).toEqual({ name: 'WIN-DC01$', domain: 'EXAMPLE', id: 'S-1-5-18' });
    expect(event.event).toMatchObject({ category: ['process'], type: ['start'], action: 'created-process', outcome: 'success' });
    expect(event.log.level).toBe('information');
  });

  it('windows – maps a python-evtx/xmltodict 4720 account creation, with an empty Data element', () => {
    const event = parse(XMLTODICT_4720);
    expect(event['@timestamp']).toBe('2019-03-08T23:32:37.934Z');
    expect(event.winlog).toMatchObject({ event_id: '4720', record_id: '113', user: { identifier: 'S-1-5-18' } });
    expect(event.winlog.event_data).toMatchObject({ PrivilegeList: '', SamAccountName: 'backdoor' });
    expect(event.user).toMatchObject({ name: 'Administrator', domain: 'WIN-DC01' });
    expect(event.user.target).toEqual({ name: 'backdoor', domain: 'WIN-DC01', id: 'S-1-5-21-3623811015-3361044348-30300820-1001' });
    expect(event.event).toMatchObject({ category: ['iam'], type: ['user', 'creation'], action: 'added-user-account' });
  });

  it('windows – maps a Sysmon 11 file creation from evtx_dump, numbers included', () => {
    const event = parse({
      Event: {
        System: { Provider: { '#attributes': { Name: SYSMON } }, EventID: 11, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1' },
        EventData: { ProcessId: 1234, Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', TargetFilename: 'C:\\Users\\alice\\AppData\\Local\\Temp\\Évil.PS1' },
      },
    });
    expect(event.file).toEqual({
      path: 'C:\\Users\\alice\\AppData\\Local\\Temp\\Évil.PS1',
      name: 'Évil.PS1',
      directory: 'C:\\Users\\alice\\AppData\\Local\\Temp',
      extension: 'ps1',
    });
    expect(event.winlog.event_data.ProcessId).toBe('1234');
    expect(event.process).toMatchObject({ pid: 1234, name: 'powershell.exe' });
  });

  it('windows – names unnamed event data param1, param2, ... as Winlogbeat does', () => {
    const event = parse({ Event: { System: { EventID: 7036, Provider: { '@Name': 'Service Control Manager' } }, EventData: { Data: { '#text': ['Windows Update', 'running'] } } } });
    expect(event.winlog.event_data).toEqual({ param1: 'Windows Update', param2: 'running' });
    expect(event.event.code).toBe('7036');
  });
});

describe('windows – missing parts and bad input', () => {
  it('windows – maps an event with only an event id, and uses the receive time', () => {
    const event = parse({ winlog: { event_id: 4624 } });
    expect(event['@timestamp']).toBe('2026-11-23T11:59:59.000Z');
    expect(event.event).toMatchObject({ code: '4624', kind: 'event' });
    expect(event).not.toHaveProperty('user');
    expect(event).not.toHaveProperty('host');
    expect(event.log.source.address).toBe('192.0.2.10');
  });

  it('windows – ignores "-" values, invalid addresses and out-of-range ports', () => {
    const event = parse(
      winlogbeat(4624, 'Microsoft-Windows-Security-Auditing', { TargetUserName: '-', IpAddress: 'not-an-ip', IpPort: '99999', LogonType: '99', ProcessId: '0xzz' }, 'Security'),
    );
    expect(event).not.toHaveProperty('user');
    expect(event).not.toHaveProperty('source');
    expect(event.winlog).not.toHaveProperty('logon');
    expect(event).not.toHaveProperty('process');
  });

  it('windows – keeps non-ASCII account names and escaped characters intact', () => {
    const event = parse(winlogbeat(4624, 'Microsoft-Windows-Security-Auditing', { TargetUserName: 'Jürgen "J" Müller\\\u00e9', TargetDomainName: '株式会社' }, 'Security'));
    expect(event.user).toMatchObject({ name: 'Jürgen "J" Müller\\é', domain: '株式会社' });
  });

  it('windows – drops event data named after prototype keys', () => {
    const event = parse({ Event: { System: { EventID: 1 }, EventData: { Data: [{ '@Name': '__proto__', '#text': 'x' }, { '@Name': 'constructor', '#text': 'y' }, { '@Name': 'ok', '#text': 'z' }] } } });
    expect(event.winlog.event_data).toEqual({ ok: 'z' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('windows – keeps a 1 MiB event data value', () => {
    const event = parse(winlogbeat(1, SYSMON, { CommandLine: 'A'.repeat(1024 * 1024) }));
    expect(event.process.command_line).toHaveLength(1024 * 1024);
  });

  it.each([
    ['a truncated line', JSON.stringify(WINLOGBEAT_4624).slice(0, 200), 'SIEM_PARSE_INVALID_JSON'],
    ['deeply nested event data', `{"winlog": {"event_id": 1, "event_data": ${'{"a":'.repeat(40)}1${'}'.repeat(40)}}}`, 'SIEM_PARSE_TOO_DEEP'],
    ['JSON that is not a Windows event', '{"message": "hello"}', 'SIEM_PARSE_NO_MATCH'],
    ['an array', '[{"winlog": {"event_id": 1}}]', 'SIEM_PARSE_NOT_AN_OBJECT'],
  ])('windows – rejects %s with a typed error', (_, line, code) => {
    expect(errorOf(line)).toMatchObject({ code, parser: 'windows', retryable: false });
  });
});

describe('windows – detection by json and auto', () => {
  it.each([
    ['Winlogbeat', WINLOGBEAT_4624],
    ['NXLog', NXLOG_4625],
    ['evtx_dump', EVTX_DUMP_4688],
    ['xmltodict', XMLTODICT_4720],
  ])('windows – json and auto parsers recognise %s events and map them the same way', (_, value) => {
    const line = JSON.stringify(value);
    const viaJson = createJsonParser({ now: () => NOW }).parse(record(line));
    const viaAuto = createAutoParser({ now: () => NOW }).parse(record(line));
    expect(viaJson).toEqual({ ok: true, event: parse(line) });
    expect(viaAuto).toEqual(viaJson);
    expect(viaJson.ok && viaJson.event.event.dataset).toBe('windows');
  });
});
