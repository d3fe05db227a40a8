/** Sample lines per format for the parser benchmark: realistic shapes, varied per index. */
export interface BenchFormat {
  readonly name: string;
  /** Parser type to create. */
  readonly parser: string;
  readonly options?: Record<string, unknown>;
  readonly line: (i: number) => string;
  /** The dataset the events must come out with (checks that a chain really ran). */
  readonly expectDataset?: string;
  /** The target for this format, if it names one. */
  readonly targetPerSecond?: number;
}

const ip = (i: number) => `203.0.${(i >> 8) & 255}.${i & 255}`;
const user = (i: number) => `user${i % 997}`;

export const BENCH_FORMATS: readonly BenchFormat[] = [
  {
    name: 'syslog RFC 5424',
    parser: 'syslog',
    line: (i) => `<38>1 2026-11-23T10:${String(i % 60).padStart(2, '0')}:05.123Z web-${i % 50} nginx ${1000 + i} ACCESS [meta sequenceId="${i}"] GET /index.html 200 from ${ip(i)}`,
    expectDataset: 'syslog_rfc5424',
    targetPerSecond: 200_000,
  },
  {
    name: 'syslog RFC 3164',
    parser: 'syslog',
    line: (i) => `<86>Nov 23 10:${String(i % 60).padStart(2, '0')}:05 web-${i % 50} cron[${1000 + i}]: (root) CMD (run-parts /etc/cron.hourly ${i})`,
    expectDataset: 'syslog_rfc3164',
    targetPerSecond: 200_000,
  },
  {
    name: 'JSON (ECS, nested)',
    parser: 'json',
    line: (i) =>
      JSON.stringify({
        '@timestamp': `2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
        message: `login attempt ${i}`,
        host: { name: `web-${i % 50}` },
        user: { name: user(i) },
        source: { ip: ip(i), port: 1024 + i },
        event: { category: ['authentication'], outcome: i % 3 ? 'failure' : 'success' },
      }),
    expectDataset: 'json',
    targetPerSecond: 100_000,
  },
  {
    name: 'sshd in syslog (chained)',
    parser: 'syslog',
    line: (i) => `<38>Nov 23 10:${String(i % 60).padStart(2, '0')}:05 bastion-${i % 20} sshd[${1000 + i}]: Failed password for invalid user ${user(i)} from ${ip(i)} port ${1024 + (i % 60000)} ssh2`,
    expectDataset: 'linux_auth',
  },
  {
    name: 'iptables in syslog (chained)',
    parser: 'syslog',
    // Several gateways, peers, prefixes and seconds, so that no per-line cache sees only one value.
    line: (i) =>
      `<4>Nov 23 10:${String((i >> 6) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} gw-${i % 4} kernel: [UFW ${['BLOCK', 'ALLOW', 'AUDIT'][i % 3]}] IN=eth${i % 2} OUT= MAC=00:16:3e:00:00:0${i % 4}:00:16:3e:00:${String(i % 97).padStart(2, '0')}:02:08:00 SRC=${ip(i)} DST=10.0.0.${2 + (i % 7)} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=${i % 65535} DF PROTO=TCP SPT=${1024 + (i % 60000)} DPT=${[22, 443, 3389][i % 3]} WINDOW=29200 RES=0x00 SYN URGP=0`,
    expectDataset: 'iptables',
  },
  {
    name: 'CEF',
    parser: 'cef',
    line: (i) => `CEF:0|Check Point|VPN-1 & FireWall-1|R81|${i % 500}|Drop|5|rt=1700000000${String(i % 1000).padStart(3, '0')} src=${ip(i)} dst=10.0.0.${i % 250} spt=${1024 + (i % 60000)} dpt=443 proto=TCP act=drop suser=${user(i)} cs1Label=Rule Name cs1=Block bad hosts request=https://example.com/a?b=${i}`,
    expectDataset: 'cef',
    targetPerSecond: 100_000,
  },
  {
    name: 'LEEF 2.0',
    parser: 'leef',
    line: (i) => `LEEF:2.0|Lancope|StealthWatch|1.0|${i % 100}|^|src=${ip(i)}^dst=10.0.0.${i % 250}^srcPort=${1024 + (i % 60000)}^dstPort=443^proto=TCP^usrName=${user(i)}^sev=5^devTime=Nov 23 2026 10:00:05`,
    expectDataset: 'leef',
    targetPerSecond: 100_000,
  },
  {
    name: 'key=value',
    parser: 'kv',
    line: (i) => `time=2026-11-23T10:00:05Z user=${user(i)} action=login src=${ip(i)} status="failed attempt" count=${i % 10}`,
    expectDataset: 'kv',
  },
  {
    name: 'nginx access (combined)',
    parser: 'nginx_access',
    line: (i) => `${ip(i)} - ${user(i)} [23/Nov/2026:10:00:05 +0000] "GET /api/items/${i}?page=${i % 9} HTTP/1.1" ${i % 7 ? 200 : 404} ${512 + i} "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"`,
    expectDataset: 'nginx_access',
  },
  {
    name: 'auditd',
    parser: 'auditd',
    line: (i) => `type=SYSCALL msg=audit(1700000000.${String(i % 1000).padStart(3, '0')}:${i}): arch=c000003e syscall=59 success=yes exit=0 a0=55d1 a1=55d2 a2=55d3 a3=0 items=2 ppid=${1000 + i} pid=${2000 + i} auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="bash" exe="/usr/bin/bash" key="exec"`,
    expectDataset: 'auditd',
  },
  {
    name: 'Windows 4624 (Winlogbeat JSON)',
    parser: 'json',
    line: (i) =>
      JSON.stringify({
        '@timestamp': `2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.123Z`,
        winlog: {
          event_id: 4624,
          channel: 'Security',
          provider_name: 'Microsoft-Windows-Security-Auditing',
          computer_name: `dc-${i % 5}.corp`,
          record_id: i,
          keywords: ['Audit Success'],
          event_data: { TargetUserName: user(i), TargetDomainName: 'CORP', IpAddress: ip(i), IpPort: String(40000 + (i % 20000)), LogonType: '3', ProcessId: '0x1b8' },
        },
      }),
    expectDataset: 'windows',
  },
  {
    name: 'CloudTrail record',
    parser: 'json',
    line: (i) =>
      JSON.stringify({
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', principalId: `AIDA${i}`, arn: `arn:aws:iam::123456789012:user/${user(i)}`, accountId: '123456789012', userName: user(i) },
        eventTime: `2026-11-23T10:00:${String(i % 60).padStart(2, '0')}Z`,
        eventSource: 's3.amazonaws.com',
        eventName: i % 9 ? 'GetObject' : 'PutObject',
        awsRegion: 'eu-west-1',
        sourceIPAddress: ip(i),
        userAgent: 'aws-cli/2.13.5',
        requestParameters: { bucketName: 'logs', key: `k/${i}` },
        responseElements: null,
        requestID: `req-${i}`,
        eventID: `evt-${i}`,
        eventType: 'AwsApiCall',
        recipientAccountId: '123456789012',
      }),
    expectDataset: 'cloudtrail',
  },
  {
    name: 'grok (ES docs example)',
    parser: 'grok',
    options: { patterns: ['%{IP:source.ip} %{WORD:http.request.method} %{URIPATHPARAM:url.original} %{NUMBER:http.response.bytes:int} %{NUMBER:event.duration:float}'] },
    line: (i) => `${ip(i)} ${i % 3 ? 'GET' : 'POST'} /index/${i}.html?x=${i % 7} ${15000 + i} 0.0${i % 90}`,
    expectDataset: 'grok',
  },
  {
    name: 'auth.log line without PRI (auto)',
    parser: 'auto',
    line: (i) => `Nov 23 10:${String(i % 60).padStart(2, '0')}:05 bastion-${i % 20} sshd[${1000 + i}]: Failed password for invalid user ${user(i)} from ${ip(i)} port ${1024 + (i % 60000)} ssh2`,
    expectDataset: 'linux_auth',
  },
  {
    name: 'Cisco ASA in syslog (auto)',
    parser: 'auto',
    line: (i) => ASA_LINES[i % ASA_LINES.length]!(i),
    expectDataset: 'cisco_asa',
    targetPerSecond: 100_000,
  },
  {
    name: 'FortiGate traffic in syslog (auto)',
    parser: 'auto',
    line: (i) =>
      `<189>date=2026-11-23 time=10:00:${String(i % 60).padStart(2, '0')} devname="FGT-${i % 4}" devid="FG100F000000000${i % 4}" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" eventtime=${1795428000000000000 + i * 1000} srcip=10.0.${(i >> 8) & 255}.${i & 255} srcport=${1024 + (i % 60000)} srcintf="port2" dstip=${ip(i)} dstport=443 dstintf="wan1" sessionid=${i} proto=6 action="${i % 5 ? 'close' : 'deny'}" policyid=${i % 20} policytype="policy" service="HTTPS" trandisp="snat" transip=198.51.100.2 transport=${40000 + (i % 20000)} app="HTTPS.BROWSER" duration=${i % 300} sentbyte=${i * 3} rcvdbyte=${i * 5} sentpkt=${i % 50} rcvdpkt=${i % 70}`,
    expectDataset: 'fortigate',
    targetPerSecond: 100_000,
  },
  {
    name: 'PAN-OS TRAFFIC in syslog (auto)',
    parser: 'auto',
    line: (i) =>
      `<14>Nov 23 10:00:${String(i % 60).padStart(2, '0')} PA-${i % 3} 1,2026/11/23 10:00:00,01280109651${i % 4},TRAFFIC,end,2561,2026/11/23 10:00:00,10.0.${(i >> 8) & 255}.${i & 255},${ip(i)},198.51.100.2,${ip(i)},LAN-out,corp\\${user(i)},,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2026/11/23 10:00:00,${i},1,${1024 + (i % 60000)},443,${40000 + (i % 20000)},443,0x40441a,tcp,${i % 5 ? 'allow' : 'deny'},${i * 8},${i * 3},${i * 5},${i % 90},2026/11/23 09:59:44,${i % 300},business-and-economy,,${i},0x8000000000000000,10.0.0.0-10.255.255.255,United States,,12,10,tcp-fin`,
    expectDataset: 'panos',
    targetPerSecond: 100_000,
  },
  {
    name: 'pfSense filterlog in syslog (auto)',
    parser: 'auto',
    line: (i) => `<134>Nov 23 10:00:${String(i % 60).padStart(2, '0')} filterlog[4021]: 5,,,100000010${i % 9},igb${i % 2},match,${i % 3 ? 'block' : 'pass'},in,4,0x0,,64,${i % 65535},0,DF,6,tcp,60,${ip(i)},10.0.0.${i % 250},${1024 + (i % 60000)},${[22, 443, 3389][i % 3]},0,S,${i},,64240,,mss;sackOK;TS;nop;wscale`,
    expectDataset: 'pfsense',
    targetPerSecond: 100_000,
  },
  {
    name: 'Check Point in syslog (auto)',
    parser: 'auto',
    line: (i) => `<134>1 2026-11-23T10:00:${String(i % 60).padStart(2, '0')}Z gw-${i % 3} CheckPoint ${2000 + (i % 100)} - [action:"${i % 3 ? 'Drop' : 'Accept'}"; flags:"411908"; ifdir:"inbound"; ifname:"eth${i % 2}"; loguid:"{0x${i.toString(16)},0x0,0x3f0a0b0c,0xc0000000}"; origin:"192.0.2.10"; sequencenum:"${i}"; time:"${1763892000 + i}"; version:"5"; src:"${ip(i)}"; dst:"10.0.0.${i % 250}"; proto:"6"; s_port:"${1024 + (i % 60000)}"; service:"${[22, 443, 3389][i % 3]}"; product:"VPN-1 & FireWall-1"; rule_name:"rule-${i % 40}"; layer_name:"Network"]`,
    expectDataset: 'checkpoint',
    targetPerSecond: 100_000,
  },
  {
    name: 'Cisco IOS ACL in syslog (auto)',
    parser: 'auto',
    line: (i) => `<190>${i}: *Nov 23 10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')} UTC: %SEC-6-IPACCESSLOGP: list ${100 + (i % 20)} ${i % 3 ? 'denied' : 'permitted'} tcp ${ip(i)}(${1024 + (i % 60000)}) -> 10.0.0.${i % 250}(${[22, 443, 3389][i % 3]}), ${1 + (i % 5)} packets`,
    expectDataset: 'cisco_ios',
    targetPerSecond: 100_000,
  },
  {
    name: 'SonicWall in syslog (auto)',
    parser: 'auto',
    line: (i) => `<134>id=firewall sn=0040100A1B2C time="2026-11-23 10:00:${String(i % 60).padStart(2, '0')} UTC" fw=203.0.113.1 pri=6 c=1024 m=537 msg="Connection Closed" n=${i} src=10.0.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)}:X0 dst=${ip(i)}:443:X1 srcZone=LAN dstZone=WAN proto=tcp/https sent=${i % 9000} rcvd=${i % 7000} rule="22 (LAN->WAN)"`,
    expectDataset: 'sonicwall',
    targetPerSecond: 100_000,
  },
  {
    name: 'Sophos XG in syslog (auto)',
    parser: 'auto',
    line: (i) => `<30>device="SFW" date=2026-11-23 time=10:00:${String(i % 60).padStart(2, '0')} timezone="UTC" device_name="XG230" device_id=C01001K234RXPA1 log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="${i % 3 ? 'Denied' : 'Allowed'}" status="${i % 3 ? 'Deny' : 'Allow'}" priority=Information duration=${i % 100} fw_rule_id=${i % 40} user_name="${user(i)}" src_ip=${ip(i)} dst_ip=10.0.0.${i % 250} protocol="TCP" src_port=${1024 + (i % 60000)} dst_port=443 sent_bytes=${i % 9000} recv_bytes=${i % 7000} srczone="WAN" dstzone="LAN"`,
    expectDataset: 'sophos_xg',
    targetPerSecond: 100_000,
  },
  {
    name: 'postfix in syslog (auto)',
    parser: 'auto',
    line: (i) => `Nov 23 10:00:${String(i % 60).padStart(2, '0')} mx${i % 3} postfix/smtp[${2000 + (i % 500)}]: ${(0x4f3a91c2d3 + i).toString(16).toUpperCase()}: to=<${user(i)}@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1.${i % 10}, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=${i % 5 ? 'sent' : 'deferred'} (250 2.0.0 Ok)`,
    expectDataset: 'postfix',
    targetPerSecond: 100_000,
  },
  {
    name: 'dovecot in syslog (auto)',
    parser: 'auto',
    line: (i) => `Nov 23 10:00:${String(i % 60).padStart(2, '0')} mail${i % 3} dovecot: imap-login: ${i % 4 ? 'Login' : 'Disconnected (auth failed, 1 attempts in 2 secs)'}: user=<${user(i)}>, method=PLAIN, rip=${ip(i)}, lip=192.0.2.5, mpid=${4000 + (i % 999)}, TLS, session=<k3Jd8f${i}>`,
    expectDataset: 'dovecot',
    targetPerSecond: 100_000,
  },
  {
    name: 'BIND query log in syslog (auto)',
    parser: 'auto',
    line: (i) => `Nov 23 10:00:${String(i % 60).padStart(2, '0')} ns${i % 2} named[812]: client @0x7f2a1c0d${(i % 65536).toString(16)} ${ip(i)}#${1024 + (i % 60000)} (host${i % 500}.example.com): query: host${i % 500}.example.com IN ${['A', 'AAAA', 'MX'][i % 3]} +E(0)K (192.0.2.53)`,
    expectDataset: 'bind',
    targetPerSecond: 100_000,
  },
  {
    name: 'vsftpd in syslog (auto)',
    parser: 'auto',
    line: (i) => `Nov 23 10:00:${String(i % 60).padStart(2, '0')} ftp${i % 2} vsftpd[${4000 + (i % 999)}]: [${user(i)}] ${i % 4 ? 'OK' : 'FAIL'} UPLOAD: Client "${ip(i)}", "/home/${user(i)}/file${i}.txt", ${i % 100000} bytes, ${(i % 1000) / 10}Kbyte/sec`,
    expectDataset: 'vsftpd',
    targetPerSecond: 100_000,
  },
  {
    name: 'ProFTPD in syslog (auto)',
    parser: 'auto',
    line: (i) => `Nov 23 10:00:${String(i % 60).padStart(2, '0')} ftp${i % 2} proftpd[${4000 + (i % 999)}]: ftp.example.com (${ip(i)}[${ip(i)}]) - USER ${user(i)}${i % 4 ? ': Login successful.' : ' (Login failed): Incorrect password'}`,
    expectDataset: 'proftpd',
    targetPerSecond: 100_000,
  },
  {
    name: 'squid access.log',
    parser: 'squid',
    line: (i) => `${1763892000 + (i >> 4)}.${String(i % 1000).padStart(3, '0')} ${String(i % 5000).padStart(6, ' ')} ${ip(i)} ${['TCP_MISS/200', 'TCP_HIT/200', 'TCP_DENIED/403', 'TCP_TUNNEL/200'][i % 4]} ${i % 50000} GET http://www${i % 50}.example.com/page/${i} ${i % 3 ? '-' : user(i)} HIER_DIRECT/192.0.2.${i % 250} text/html`,
    expectDataset: 'squid',
    targetPerSecond: 100_000,
  },
  {
    name: 'IIS W3C (default fields)',
    parser: 'iis',
    line: (i) => `2026-11-23 10:00:${String(i % 60).padStart(2, '0')} 192.0.2.80 ${i % 4 ? 'GET' : 'POST'} /app/page${i % 300}.aspx id=${i} 443 ${i % 3 ? '-' : user(i)} ${ip(i)} Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://www.example.com/ ${[200, 302, 404, 500][i % 4]} 0 0 ${i % 900}`,
    expectDataset: 'iis',
    targetPerSecond: 100_000,
  },
  {
    name: 'squid access.log (auto)',
    parser: 'auto',
    line: (i) => BENCH_FORMATS.find((format) => format.name === 'squid access.log')!.line(i),
    expectDataset: 'squid',
    targetPerSecond: 100_000,
  },
  {
    name: 'IIS W3C (auto)',
    parser: 'auto',
    line: (i) => BENCH_FORMATS.find((format) => format.name === 'IIS W3C (default fields)')!.line(i),
    expectDataset: 'iis',
    targetPerSecond: 100_000,
  },
  {
    name: 'AppArmor/SELinux kernel audit (auto)',
    parser: 'auto',
    line: (i) =>
      i % 2
        ? `Nov 23 10:00:${String(i % 60).padStart(2, '0')} web-${i % 5} kernel: [${12345 + i}.678901] audit: type=1400 audit(${1763892000 + i}.123:${i}): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/file${i % 100}" pid=${1000 + (i % 5000)} comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`
        : `Nov 23 10:00:${String(i % 60).padStart(2, '0')} web-${i % 5} kernel: audit: type=1400 audit(${1763892000 + i}.000:${i}): avc:  denied  { read } for  pid=${1000 + (i % 5000)} comm="httpd" name="file${i % 100}" dev="dm-0" ino=${i} scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0`,
    expectDataset: 'kernel_audit',
    targetPerSecond: 100_000,
  },
  {
    name: 'Windows 4625 as Snare text (auto)',
    parser: 'auto',
    line: (i) =>
      ['<14>Nov 23 10:00:00 WS01 MSWinEventLog', '1', 'Security', String(i), 'Sun Nov 23 10:00:00 2026', '4625', 'Microsoft-Windows-Security-Auditing', 'N/A', 'N/A', 'Failure Audit', `WS${i % 50}.example.com`, 'Logon', '', `An account failed to log on.  Subject:  Security ID:  S-1-0-0  Account Name:  -  Account Domain:  -  Logon ID:  0x0  Logon Type:  3  Account For Which Logon Failed:  Security ID:  S-1-0-0  Account Name:  ${user(i)}  Account Domain:  EXAMPLE  Failure Information:  Failure Reason:  Unknown user name or bad password.  Status:  0xC000006D  Sub Status:  0xC0000064  Network Information:  Workstation Name:  WS02  Source Network Address:  ${ip(i)}  Source Port:  ${1024 + (i % 60000)}`, '-1'].join('\t'),
    expectDataset: 'snare',
    targetPerSecond: 100_000,
  },
  {
    name: 'mixed real traffic (auto)',
    parser: 'auto',
    line: (i) => MIXED[i % MIXED.length]!(i),
    targetPerSecond: 100_000,
  },
];

const ASA_LINES: readonly ((i: number) => string)[] = [
  (i) => `<166>Nov 23 2026 10:00:${String(i % 60).padStart(2, '0')} asa-${i % 3} : %ASA-6-302013: Built outbound TCP connection ${i} for outside:${ip(i)}/443 (${ip(i)}/443) to inside:10.0.${(i >> 8) & 255}.${i & 255}/${1024 + (i % 60000)} (198.51.100.2/${40000 + (i % 20000)})`,
  (i) => `<166>Nov 23 2026 10:00:${String(i % 60).padStart(2, '0')} asa-${i % 3} : %ASA-6-302014: Teardown TCP connection ${i} for outside:${ip(i)}/443 to inside:10.0.${(i >> 8) & 255}.${i & 255}/${1024 + (i % 60000)} duration 0:0${i % 10}:12 bytes ${i * 7} TCP FINs`,
  (i) => `<164>Nov 23 2026 10:00:${String(i % 60).padStart(2, '0')} asa-${i % 3} : %ASA-4-106023: Deny tcp src outside:${ip(i)}/${1024 + (i % 60000)} dst inside:10.0.0.${i % 250}/22 by access-group "OUTSIDE_IN" [0x8ed66b60, 0xf8852875]`,
];

/** Roughly what a SIEM receives: network devices, then hosts' syslog and auth, then JSON shippers. */
const MIXED: readonly ((i: number) => string)[] = [
  ...ASA_LINES,
  (i) => BENCH_FORMATS.find((format) => format.name === 'FortiGate traffic in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'PAN-OS TRAFFIC in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'pfSense filterlog in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'iptables in syslog (chained)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'sshd in syslog (chained)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'auth.log line without PRI (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'syslog RFC 3164')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'syslog RFC 5424')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'JSON (ECS, nested)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'Check Point in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'Cisco IOS ACL in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'postfix in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'BIND query log in syslog (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'AppArmor/SELinux kernel audit (auto)')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'squid access.log')!.line(i),
  (i) => BENCH_FORMATS.find((format) => format.name === 'IIS W3C (default fields)')!.line(i),
];
