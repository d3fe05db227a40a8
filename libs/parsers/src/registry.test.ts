import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { PARSE_ERROR_CODES, ParserSetupError } from './errors';
import { createParser, createParserRegistry, PARSER_DEFINITIONS, parserRegistry } from './registry';
import type { ParseResult, ParserDefinition } from './types';

function record(payload: Buffer): RawRecord {
  return { payload, receivedAt: '2026-11-23T12:00:00.000Z', sourceAddress: '192.0.2.10', input: 'test' };
}

function setupError(create: () => unknown): ParserSetupError | undefined {
  try {
    create();
    return undefined;
  } catch (error) {
    return error as ParserSetupError;
  }
}

const stubDefinition = (type: string): ParserDefinition => ({ type, description: 'stub', create: () => createParser('json') });

/** Types that cannot start without options get these in the table-wide tests. */
const REQUIRED_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  grok: { patterns: ['<%{POSINT:log.syslog.priority:int}>%{GREEDYDATA:message}'] },
};
const configFor = (type: string) => ({ options: REQUIRED_OPTIONS[type] ?? {} });

describe('parser registry', () => {
  it('parser registry – lists every parser type in table order', () => {
    expect(parserRegistry.types).toEqual([
      'syslog_rfc5424',
      'syslog_rfc3164',
      'syslog',
      'json',
      'windows',
      'cloudtrail',
      'grok',
      'auto',
      'cef',
      'leef',
      'kv',
      'apache_access',
      'nginx_access',
      'apache_error',
      'nginx_error',
      'linux_auth',
      'auditd',
      'iptables',
      'sysmon_linux',
      'cisco_asa',
      'fortigate',
      'panos',
      'pfsense',
      'junos_srx',
      'checkpoint',
      'cisco_ios',
      'sonicwall',
      'sophos_xg',
      'postfix',
      'dovecot',
      'bind',
      'vsftpd',
      'proftpd',
      'squid',
      'iis',
      'kernel_audit',
      'snare',
    ]);
  });

  it('parser registry – every definition has a description and creates a parser of its own type', () => {
    for (const definition of PARSER_DEFINITIONS) {
      expect(definition.description.length).toBeGreaterThan(20);
      expect(definition.create(configFor(definition.type)).type).toBe(definition.type);
      expect(parserRegistry.get(definition.type)).toBe(definition);
    }
  });

  it('parser registry – fails at start on a duplicate type name', () => {
    expect(setupError(() => createParserRegistry([stubDefinition('json_lines'), stubDefinition('json_lines')]))).toMatchObject({
      code: 'SIEM_PARSE_DUPLICATE_PARSER',
      message: expect.stringContaining('"json_lines"'),
    });
  });

  it.each(['JsonLines', 'json-lines', '_json', 'json_', ''])('parser registry – fails at start on the type name %j, which is not lower_snake_case', (type) => {
    expect(setupError(() => createParserRegistry([stubDefinition(type)]))).toMatchObject({ code: 'SIEM_PARSE_INVALID_CONFIG' });
  });

  it('parser registry – fails at start on an unknown parser type, listing the known ones', () => {
    const error = setupError(() => createParser('no_such_format'));
    expect(error).toBeInstanceOf(ParserSetupError);
    expect(error).toMatchObject({ code: 'SIEM_PARSE_UNKNOWN_PARSER', message: expect.stringContaining('syslog_rfc5424') });
  });

  it('parser registry – passes the configuration to the parser and validates it', () => {
    const parser = createParser('json', { keepOriginal: false });
    const result = parser.parse(record(Buffer.from('{"message": "x"}')));
    expect(result.ok && result.event.event.original).toBeUndefined();
    expect(setupError(() => createParser('json', { timezone: 'Nowhere/Special' }))).toMatchObject({ code: 'SIEM_PARSE_INVALID_CONFIG' });
  });
});

describe('every registered parser – common checks', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['an empty line', Buffer.alloc(0), 'SIEM_PARSE_EMPTY'],
    ['a whitespace line', Buffer.from('   \t  \r\n'), 'SIEM_PARSE_EMPTY'],
    ['a 1 MiB line', Buffer.alloc(1024 * 1024, 0x61), 'SIEM_PARSE_TOO_LARGE'],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x3c, 0x31, 0x33, 0x3e]), 'SIEM_PARSE_INVALID_UTF8'],
  ];
  for (const type of parserRegistry.types) {
    it.each(cases)(`${type} – returns an error for %s instead of throwing`, (_, payload, code) => {
      const result = createParser(type, configFor(type)).parse(record(payload));
      expect(result).toEqual({ ok: false, error: { code, message: expect.any(String), parser: type, retryable: false } });
    });
  }
});

// Deterministic, so a failure reproduces: mulberry32.
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEEDS = [
  '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3" eventSource="Application"][a@1 b="\\"x\\]"] \uFEFFmsg',
  '<13>Feb  5 17:32:18 10.0.0.99 sshd[123]: Use the BFG!',
  '<13>2026-11-23T11:22:01.123456+01:00 myhost app[12]: hello',
  '{"@timestamp": "2026-11-23T11:22:01Z", "host.name": "a", "event": {"kind": "x"}, "a": [1, {"b.c": null}], "__proto__": {}}',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=\\"b\\" HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
  '10.0.0.1 - - [02/Jan/2024:03:04:05 +0000] "GET /caf\\xC3\\xA9 HTTP/1.1" 404 0 "-" "agent \\x22quoted\\x22 and a long tail of user agent text"',
  '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5555] AH00124: Request exceeded the limit',
  '2024/01/02 03:04:05 [error] 123#456: *7 open() failed (2: No such file), client: 1.2.3.4, server: x, request: "GET / HTTP/1.1"',
  'Feb 21 21:54:44 localhost sshd[3402]: Failed password for invalid user admin from 203.0.113.9 port 52311 ssh2',
  "type=USER_LOGIN msg=audit(1364481363.243:24290): pid=3540 uid=0 auid=4294967295 msg='op=login acct=\"root\" exe=2F7573722F7362696E2F73736864 addr=203.0.113.9 res=failed'\u001dUID=\"root\"",
  '[12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:15:5d:01:02:03:00:15:5d:04:05:06:08:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TTL=64 ID=0 DF PROTO=TCP SPT=5555 DPT=22 SYN URGP=0',
  '{"winlog": {"event_id": 4624, "channel": "Security", "provider_name": "Microsoft-Windows-Security-Auditing", "event_data": {"TargetUserName": "bob", "IpAddress": "10.1.2.3", "LogonType": "3"}}}',
  '{"eventVersion": "1.08", "eventTime": "2026-11-23T11:22:01Z", "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "sourceIPAddress": "198.51.100.1", "userIdentity": {"type": "IAMUser", "userName": "alice"}}',
  'CEF:0|Sec\\|urity|threat|1.0|100|worm \\| stopped|High|src=10.0.0.1 rt=Nov 14 2023 22:13:20.456 +0100 msg=a\\=b\\nc cs1Label=x cs1=y',
  'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.0^devTime=2017-10-12T12:43:15+0200^devTimeFormat=yyyy-MM-dd\'T\'HH:mm:ssZ^usrName=joe',
  '<166>Dec 04 2026 10:00:00 asa-fw1 : %ASA-6-302013: Built outbound TCP connection 9 for outside:198.51.100.20/443 (198.51.100.20/443) to inside:10.1.1.2/53496 (203.0.113.2/53496)',
  '<189>date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F0000000001" logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=10.0.0.5 srcport=51000 dstip=198.51.100.20 dstport=443 proto=6 action="accept" policyid=3 sentbyte=100 rcvdbyte=200',
  '<14>Dec  4 10:00:00 PA-VM 1,2026/12/04 10:00:00,012801096514,TRAFFIC,end,2561,2026/12/04 10:00:00,10.0.0.5,198.51.100.20,203.0.113.2,198.51.100.20,LAN-out,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2026/12/04 10:00:00,72568134,1,49583,443,50464,443,0x40441a,tcp,allow,7312,2228,5084,22,2026/12/04 09:59:44,16,business-and-economy,,7253419119627122716,0x8000000000000000,10.0.0.0-10.255.255.255,United States,,12,10,tcp-fin',
  '<134>Dec  4 10:00:00 filterlog[4021]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,203.0.113.9,10.0.0.5,4431,22,0,S,1234567,,64240,,mss;sackOK;TS;nop;wscale',
  '<14>1 2026-12-04T10:00:00.123+01:00 srx-1 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.129 source-address="203.0.113.9" source-port="4431" destination-address="10.0.0.5" destination-port="22" protocol-id="6" policy-name="deny-all" source-zone-name="untrust" destination-zone-name="trust" reason="policy deny"] session denied',
  '<Event><System><Provider Name="Linux-Sysmon"/><EventID>5</EventID><Channel>Linux-Sysmon/Operational</Channel><Computer>h</Computer></System><EventData><Data Name="Image">/usr/bin/id</Data><Data Name="User">root</Data></EventData></Event>',
  '%ASA-4-106023: Deny tcp src outside:203.0.113.9/4431 dst inside:10.0.0.5/22 by access-group "OUTSIDE_IN" [0x8ed66b60, 0xf8852875]',  'Dec  4 10:00:00 mx1 postfix/smtp[2101]: 4F3A91C2D3: to=<bob@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok)',
  'Dec  4 10:00:00 mail1 dovecot: imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.5, mpid=4242, TLS, session=<k3Jd8f0AAAAA>',
  'Dec  4 10:00:00 ns1 named[812]: client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)',
  'Dec  4 10:00:00 ftp1 vsftpd[4242]: [alice] OK UPLOAD: Client "198.51.100.7", "/home/alice/a.txt", 1234 bytes, 56.78Kbyte/sec',
  'Dec  4 10:00:00 ftp2 proftpd[4243]: ftp.example.com (client.example.org[198.51.100.7]) - USER alice: Login successful.',
  '<134>1 2026-12-04T10:00:00Z gw-1 CheckPoint 2301 - [action:"Drop"; ifdir:"inbound"; ifname:"eth1"; origin:"192.0.2.10"; time:"1796378400"; src:"203.0.113.9"; dst:"10.0.0.5"; proto:"6"; s_port:"4431"; service:"22"; product:"VPN-1 & FireWall-1"; rule_name:"Stealth"]',
  '<189>123: *Dec  4 10:00:00.123 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.9(4431) -> 10.0.0.5(22), 1 packet',
  '<134>id=firewall sn=0040100A1B2C time="2026-12-04 10:00:00 UTC" fw=203.0.113.1 pri=6 c=1024 m=537 msg="Connection Closed" src=10.0.0.5:51000:X0 dst=198.51.100.20:443:X1 proto=tcp/https sent=1188 rcvd=1224',
  '<30>device="SFW" date=2026-12-04 time=10:00:00 timezone="UTC" device_name="XG230" device_id=C01001K234RXPA1 log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" status="Allow" priority=Information src_ip=10.0.0.5 dst_ip=198.51.100.20 protocol="TCP" src_port=51000 dst_port=443',
  '1796378400.123    150 198.51.100.7 TCP_MISS/200 1234 GET http://www.example.com/index.html?a=1 alice HIER_DIRECT/192.0.2.80 text/html',
  '2026-12-04 10:00:00 192.0.2.80 GET /index.html a=1 443 alice 198.51.100.7 Mozilla/5.0+(Windows+NT+10.0) https://www.example.com/ 200 0 0 15',
  'Dec  4 10:00:00 web-1 kernel: [12345.678901] audit: type=1400 audit(1796378400.123:42): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
  '<14>Dec  4 10:00:00 WS01 MSWinEventLog\t1\tSecurity\t1042\tFri Dec 04 10:00:00 2026\t4625\tMicrosoft-Windows-Security-Auditing\tN/A\tN/A\tFailure Audit\tWS01.example.com\tLogon\t\tAn account failed to log on.  Subject:  Security ID:  S-1-0-0  Account Name:  -  Logon Type:  3  Account For Which Logon Failed:  Security ID:  S-1-0-0  Account Name:  mallory  Account Domain:  EXAMPLE  Network Information:  Workstation Name:  WS02  Source Network Address:  203.0.113.9  Source Port:  51234\t-1',
];
const ALPHABET = Buffer.from('<>[]{}"\\=:.- 0123456789TZ+aZ\n\r\t,\u00e9');

/** Random bytes, random bytes behind a plausible prefix, or a valid line with a few bytes changed. */
function randomPayload(random: () => number, seeds: readonly string[]): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const kind = random();
  if (kind < 0.3) {
    return Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
  }
  if (kind < 0.6) {
    const prefix = pick(['<', '<13>', '<13>1 ', '<191>1 - - - - - [', '<34>Oct 11 22:14:15 ', '{', '{"a.b":', '[']);
    const body = Array.from({ length: Math.floor(random() * 120) }, () => pick([...ALPHABET]));
    return Buffer.concat([Buffer.from(prefix), Buffer.from(body)]);
  }
  const bytes = Buffer.from(pick(seeds));
  const edits = 1 + Math.floor(random() * 4);
  let mutated = bytes;
  for (let edit = 0; edit < edits; edit++) {
    const position = Math.floor(random() * (mutated.length + 1));
    const byte = random() < 0.5 ? pick([...ALPHABET]) : Math.floor(random() * 256);
    const action = random();
    if (action < 0.33) mutated = Buffer.concat([mutated.subarray(0, position), Buffer.from([byte]), mutated.subarray(position)]);
    else if (action < 0.66) mutated = Buffer.concat([mutated.subarray(0, position), mutated.subarray(position + 1)]);
    else mutated = mutated.subarray(0, position);
  }
  return mutated;
}

const ISO_TIMESTAMP = /^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const KNOWN_CODES: ReadonlySet<string> = new Set(PARSE_ERROR_CODES);

/** What is wrong with a result, or undefined when it has the promised shape. */
function problemWith(result: ParseResult): string | undefined {
  if (result.ok) {
    if (!ISO_TIMESTAMP.test(result.event['@timestamp'])) return `bad @timestamp ${result.event['@timestamp']}`;
    if (typeof result.event.event.dataset !== 'string') return 'no event.dataset';
    JSON.stringify(result.event);
    return undefined;
  }
  const { code, retryable, message } = result.error;
  if (!KNOWN_CODES.has(code) || retryable !== false || message.length < 20) return `bad error ${JSON.stringify(result.error)}`;
  return undefined;
}

describe('every registered parser – random input', () => {
  for (const type of parserRegistry.types) {
    it(`${type} – returns a result and never throws on 2000 random byte buffers`, () => {
      const random = randomGenerator(0x5eed + type.length);
      const parser = createParser(type, { timezone: 'Europe/Berlin', ...configFor(type) });
      // Mutating only the seeds this type accepts keeps its success path exercised however many formats add seeds.
      const ownSeeds = SEEDS.filter((seed) => parser.parse(record(Buffer.from(seed))).ok);
      const seeds = ownSeeds.length > 0 ? ownSeeds : SEEDS;
      const failures: string[] = [];
      let parsed = 0;
      for (let index = 0; index < 2000; index++) {
        const payload = randomPayload(random, seeds);
        try {
          const result = parser.parse(record(payload));
          const problem = problemWith(result);
          if (problem !== undefined) failures.push(`${problem} for ${payload.toString('hex')}`);
          if (result.ok) parsed++;
        } catch (error) {
          failures.push(`threw ${String(error)} for ${payload.toString('hex')}`);
        }
      }
      expect(failures).toEqual([]);
      // The mutated valid lines must reach the success path too, not only the error paths.
      expect(parsed).toBeGreaterThan(10);
      expect(parsed).toBeLessThan(2000);
    });
  }
});
