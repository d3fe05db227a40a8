/**
 * The parser catalog (docs/parsers.md), generated from the registry: per
 * type an example line, the fields the parser gives for it (run here, so the
 * page cannot drift from the code), and how `auto` recognises the format.
 */
import type { RawRecord } from '@siem/schema';
import { parserRegistry } from './registry';

interface CatalogEntry {
  readonly example: string;
  /** How `auto` (and `syslog`, for bodies) comes to this parser. */
  readonly recognised: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

const AUTO_SYSLOG = '`auto` and `syslog`: chained after the syslog header';

export const PARSER_CATALOG: Readonly<Record<string, CatalogEntry>> = {
  syslog_rfc5424: { example: '<34>1 2026-12-04T10:00:00.003Z host-1.example.com su 4242 ID47 [origin@32473 ip="192.0.2.7"] switched to root', recognised: '`<PRI>1 ` (or `1 ` and a timestamp without PRI) → `syslog` reads RFC 5424' },
  syslog_rfc3164: { example: '<13>Dec  4 10:00:00 host-1 app[12]: hello', recognised: '`<PRI>` and a BSD or ISO time, or a file line starting with its time and a program tag' },
  syslog: { example: 'Dec  4 10:00:00 web-2 cron[1000]: (root) CMD (run-parts /etc/cron.hourly)', recognised: '`<` and a digit, or a syslog file line without PRI' },
  json: { example: '{"@timestamp":"2026-12-04T10:00:00Z","message":"login","user":{"name":"alice"},"app":"shop"}', recognised: 'a line starting with `{`' },
  windows: { example: '{"winlog":{"event_id":4625,"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_data":{"TargetUserName":"bob","IpAddress":"203.0.113.9","LogonType":"3"}}}', recognised: 'a JSON object with `winlog`, `Event.System` or NXLog `EventID` + `Channel`' },
  cloudtrail: { example: '{"eventVersion":"1.08","eventTime":"2026-12-04T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","userIdentity":{"type":"IAMUser","userName":"alice"},"responseElements":{"ConsoleLogin":"Failure"}}', recognised: 'a JSON object with `eventVersion`, `eventSource` and `eventName`' },
  grok: { example: '2026-12-04 10:00:00 ERROR payment failed for order 42', options: { patterns: ['%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:log.level} %{GREEDYDATA:message}'], date: { field: 'ts', formats: ['yyyy-MM-dd HH:mm:ss'] } }, recognised: 'not by `auto`: configure `grok` with its patterns on the input' },
  auto: { example: '<86>Dec  4 10:00:00 bastion sshd[4321]: Accepted publickey for alice from 198.51.100.7 port 50123 ssh2', recognised: 'chooses per line (see each format)' },
  cef: { example: 'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=203.0.113.9 spt=1232 act=blocked', recognised: 'a line or syslog body starting with `CEF:`' },
  leef: { example: 'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.10^dst=198.51.100.20^usrName=joe^sev=5', recognised: 'a line or syslog body starting with `LEEF:`' },
  kv: { example: 'time="2026-12-04 10:00:00" user=alice action=login status=failed', options: { date: { field: 'kv.time', formats: ['yyyy-MM-dd HH:mm:ss'] } }, recognised: 'not by `auto`: configure `kv` on the input' },
  apache_access: { example: '198.51.100.7 - frank [04/Dec/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 2326 "https://www.example.com/" "Mozilla/5.0"', recognised: 'not by `auto`: configure `apache_access` (with its LogFormat) on the input' },
  nginx_access: { example: '198.51.100.7 - - [04/Dec/2026:10:00:00 +0000] "POST /login HTTP/2.0" 401 512 "-" "curl/8.5.0"', recognised: 'not by `auto`: configure `nginx_access` (with its log_format) on the input' },
  apache_error: { example: '[Fri Dec 04 10:00:00.123456 2026] [core:error] [pid 1234:tid 5678] [client 198.51.100.7:5555] AH00124: Request exceeded the limit of 10 internal redirects', recognised: 'not by `auto`: configure `apache_error` on the input' },
  nginx_error: { example: '2026/12/04 10:00:00 [error] 123#456: *7 open() "/srv/www/x" failed (2: No such file or directory), client: 198.51.100.7, server: www.example.com, request: "GET /x HTTP/1.1"', recognised: 'not by `auto`: configure `nginx_error` on the input' },
  linux_auth: { example: 'Dec  4 10:00:00 web-2 sshd[1000]: Failed password for invalid user admin from 203.0.113.9 port 30481 ssh2', recognised: `${AUTO_SYSLOG} for programs sshd, sudo, su, useradd, passwd, ... and \`pam_\` bodies` },
  auditd: { example: "type=USER_LOGIN msg=audit(1796378400.123:24290): pid=3540 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" addr=203.0.113.9 terminal=ssh res=failed'", recognised: `${AUTO_SYSLOG} for programs audit, auditd, audispd or a body starting \`type=\`` },
  iptables: { example: 'Dec  4 10:00:00 gw-1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=203.0.113.9 DST=10.0.0.5 LEN=60 TTL=52 ID=1 DF PROTO=TCP SPT=4431 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0', recognised: `${AUTO_SYSLOG} for the program kernel (after kernel_audit)` },
  sysmon_linux: { example: '<Event><System><Provider Name="Linux-Sysmon"/><EventID>1</EventID><TimeCreated SystemTime="2026-12-04T10:00:00.000Z"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web-1</Computer></System><EventData><Data Name="Image">/usr/bin/curl</Data><Data Name="CommandLine">curl http://198.51.100.9/x.sh</Data><Data Name="User">www-data</Data><Data Name="ProcessId">4242</Data></EventData></Event>', recognised: `${AUTO_SYSLOG} for the program sysmon or a body starting \`<Event\`` },
  cisco_asa: { example: '<164>Dec 04 2026 10:00:00 asa-1 : %ASA-4-106023: Deny tcp src outside:203.0.113.9/4431 dst inside:10.0.0.5/22 by access-group "OUTSIDE_IN" [0x8ed66b60, 0xf8852875]', recognised: `${AUTO_SYSLOG} by the \`%ASA-\`/\`%FTD-\` marker` },
  fortigate: { example: '<189>date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F0000000001" logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=10.0.0.5 srcport=51000 dstip=198.51.100.20 dstport=443 proto=6 action="accept" policyid=3 sentbyte=100 rcvdbyte=200', recognised: `${AUTO_SYSLOG} by a body starting \`date=\` or \`logver=\` with \`devid\` or \`logid\`` },
  panos: { example: '<14>Dec  4 10:00:00 PA-VM 1,2026/12/04 10:00:00,012801096514,TRAFFIC,end,2561,2026/12/04 10:00:00,10.0.0.5,198.51.100.20,203.0.113.2,198.51.100.20,LAN-out,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2026/12/04 10:00:00,72568134,1,49583,443,50464,443,0x40441a,tcp,allow,7312,2228,5084,22,2026/12/04 09:59:44,16,business-and-economy,,7253419119627122716,0x8000000000000000,10.0.0.0-10.255.255.255,United States,,12,10,tcp-fin', recognised: `${AUTO_SYSLOG} by a body starting \`1,yyyy/\`` },
  pfsense: { example: '<134>Dec  4 10:00:00 fw filterlog[4021]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,203.0.113.9,10.0.0.5,4431,22,0,S,1234567,,64240,,mss;sackOK;TS;nop;wscale', recognised: `${AUTO_SYSLOG} for the program filterlog` },
  junos_srx: { example: '<14>1 2026-12-04T10:00:00.123+01:00 srx-1 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.129 source-address="203.0.113.9" source-port="4431" destination-address="10.0.0.5" destination-port="22" protocol-id="6" policy-name="deny-all" source-zone-name="untrust" destination-zone-name="trust"] session denied', recognised: `${AUTO_SYSLOG} for the program RT_FLOW` },
  checkpoint: { example: '<134>1 2026-12-04T10:00:00Z gw-1 CheckPoint 2301 - [action:"Drop"; ifdir:"inbound"; ifname:"eth1"; origin:"192.0.2.10"; time:"1796378400"; src:"203.0.113.9"; dst:"10.0.0.5"; proto:"6"; s_port:"4431"; service:"22"; product:"VPN-1 & FireWall-1"; rule_name:"Stealth"]', recognised: `${AUTO_SYSLOG} for the program CheckPoint (its \`[key:"value"; ...]\` data is read as the body)` },
  cisco_ios: { example: '<189>123: *Dec  4 10:00:00.123 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.9(4431) -> 10.0.0.5(22), 1 packet', recognised: `${AUTO_SYSLOG} by a \`%FAC-SEV-MNEMONIC:\` code, also after a sequence number and time stamp` },
  sonicwall: { example: '<134>id=firewall sn=0040100A1B2C time="2026-12-04 10:00:00 UTC" fw=203.0.113.1 pri=6 c=1024 m=537 msg="Connection Closed" src=10.0.0.5:51000:X0 dst=198.51.100.20:443:X1 proto=tcp/https sent=1188 rcvd=1224', recognised: `${AUTO_SYSLOG} by a body starting \`id=firewall \` or \`sn=\`` },
  sophos_xg: { example: '<30>device="SFW" date=2026-12-04 time=10:00:00 timezone="UTC" device_name="XG230" device_id=C01001K234RXPA1 log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" priority=Information src_ip=203.0.113.9 dst_ip=10.0.0.5 protocol="TCP" src_port=4431 dst_port=22', recognised: `${AUTO_SYSLOG} by a body starting \`device="SFW"\` or \`device_name=\`` },
  postfix: { example: 'Dec  4 10:00:00 mx1 postfix/smtp[2101]: 4F3A91C2D3: to=<bob@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok)', recognised: `${AUTO_SYSLOG} for programs postfix/*` },
  dovecot: { example: 'Dec  4 10:00:00 mail1 dovecot: imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.5, mpid=4242, TLS, session=<k3Jd8f0AAAAA>', recognised: `${AUTO_SYSLOG} for the program dovecot` },
  bind: { example: 'Dec  4 10:00:00 ns1 named[812]: client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)', recognised: `${AUTO_SYSLOG} for the program named` },
  vsftpd: { example: 'Dec  4 10:00:00 ftp1 vsftpd[4242]: [alice] OK UPLOAD: Client "198.51.100.7", "/home/alice/a.txt", 1234 bytes, 56.78Kbyte/sec', recognised: `${AUTO_SYSLOG} for the program vsftpd` },
  proftpd: { example: 'Dec  4 10:00:00 ftp2 proftpd[4243]: ftp.example.com (203.0.113.9[203.0.113.9]) - USER admin (Login failed): Incorrect password', recognised: `${AUTO_SYSLOG} for the program proftpd` },
  squid: { example: '1796378400.123    150 198.51.100.7 TCP_MISS/200 1234 GET http://www.example.com/index.html alice HIER_DIRECT/192.0.2.80 text/html', recognised: `${AUTO_SYSLOG} for the program squid; \`auto\` also reads access.log lines by their first field, an epoch of 9 or 10 digits with milliseconds (\`1796378400.123 \`)` },
  iis: { example: '2026-12-04 10:00:00 192.0.2.80 GET /index.html a=1 443 alice 198.51.100.7 Mozilla/5.0+(Windows+NT+10.0) https://www.example.com/ 200 0 0 15', recognised: '`auto`: the W3C directives (`#Software:`, `#Version:`, `#Date:`, `#Fields:`, ...) and records starting `yyyy-mm-dd hh:mm:ss` whose first two words are no syslog tag, each file\'s `#Fields:` followed as by `iis` (a line that fits neither IIS nor syslog gets the syslog reason); or configure `iis` on the input' },
  kernel_audit: { example: 'Dec  4 10:00:00 web-1 kernel: [12345.678901] audit: type=1400 audit(1796378400.123:42): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0', recognised: `${AUTO_SYSLOG} for the program kernel when the body is an audit record` },
  snare: { example: '<14>Dec  4 10:00:00 WS01 MSWinEventLog\t1\tSecurity\t1042\tFri Dec 04 10:00:00 2026\t4625\tMicrosoft-Windows-Security-Auditing\tN/A\tN/A\tFailure Audit\tWS01.example.com\tLogon\t\tAn account failed to log on.  Account For Which Logon Failed:  Security ID:  S-1-0-0  Account Name:  mallory  Account Domain:  EXAMPLE  Network Information:  Source Network Address:  203.0.113.9  Source Port:  51234\t-1', recognised: `${AUTO_SYSLOG} for the tag MSWinEventLog` },
};

const NOW = new Date('2026-12-04T12:00:00.000Z');

/** Dotted leaf paths and values, arrays kept whole; `event.original` and `event.ingested` left out (the line itself, the clock). */
function leaves(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value).sort()) leaves((value as Record<string, unknown>)[key], prefix === '' ? key : `${prefix}.${key}`, out);
    return;
  }
  if (prefix === 'event.original' || prefix === 'event.ingested') return;
  out.push([prefix, value]);
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\t/g, '\\t').replace(/\n/g, ' ');

/** The whole catalog page as Markdown. */
export function renderParserCatalog(): string {
  const lines = [
    '# Parser catalog',
    '',
    'Generated by `npm run docs` from the parser registry (`libs/parsers/src/catalog.ts`): each example line is run through its parser, so the fields below are what the code gives today. A test fails when this page is not current. Field meanings and options: `libs/parsers/README.md`; differences from Elastic\'s integrations: `docs/parsers-vs-elastic.md`.',
    '',
  ];
  for (const type of parserRegistry.types) {
    const entry = PARSER_CATALOG[type];
    if (entry === undefined) throw new Error(`Parser type "${type}" has no catalog entry; add one to libs/parsers/src/catalog.ts.`);
    const parser = parserRegistry.create(type, { now: () => NOW, ...(entry.options === undefined ? {} : { options: entry.options }) });
    const record: RawRecord = { payload: Buffer.from(entry.example), receivedAt: NOW.toISOString(), sourceAddress: '192.0.2.1', input: 'syslog_udp' };
    const result = parser.parse(record);
    lines.push(`## \`${type}\``, '', parserRegistry.get(type)?.description ?? '', '', `Recognised: ${entry.recognised}.`, '');
    if (entry.options !== undefined) lines.push(`Options: \`${JSON.stringify(entry.options)}\``, '');
    lines.push('```text', entry.example.replace(/\t/g, '\\t'), '```', '');
    if (!result.ok) throw new Error(`The catalog example of "${type}" does not parse: ${result.error.code} ${result.error.message}`);
    const fields: [string, unknown][] = [];
    leaves(result.event, '', fields);
    lines.push('| field | value |', '| --- | --- |');
    for (const [name, value] of fields) lines.push(`| \`${name}\` | ${cell(JSON.stringify(value))} |`);
    lines.push('');
  }
  return lines.join('\n');
}
