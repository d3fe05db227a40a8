/**
 * Lines written from the AppArmor wiki ("AppArmor Failures": the fields of
 * DENIED, ALLOWED, AUDIT and STATUS messages), the kernel's audit record
 * format, and Red Hat's SELinux guide (raw AVC messages, MAC_STATUS,
 * MAC_POLICY_LOAD). Documentation paths and names.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const kernelAudit = createParser('kernel_audit', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file' };
}

function parse(body: string) {
  const result = auto.parse(record(`Dec  4 10:00:01 web-1 kernel: [12345.678901] audit: ${body}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('kernel_audit');
  return result.event as Record<string, any>;
}

describe('kernel_audit – AppArmor', () => {
  it('kernel_audit – a denied file open', () => {
    const event = parse('type=1400 audit(1796378400.123:42): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.123Z');
    expect(event.event).toMatchObject({ action: 'violated-apparmor-policy', outcome: 'failure', category: ['process'], type: ['denied'] });
    expect(event.process).toEqual({ pid: 1234, name: 'cupsd' });
    expect(event.file).toEqual({ path: '/etc/shadow' });
    expect(event.user).toEqual({ id: '0' });
    expect(event.apparmor).toEqual({ status: 'DENIED', operation: 'open', profile: '/usr/sbin/cupsd', requested_mask: 'r', denied_mask: 'r' });
    expect(event.kernel_audit).toEqual({ type: '1400', sequence: 42 });
  });

  it('kernel_audit – exec, network, capability, signal and ptrace denials', () => {
    expect(parse('type=1400 audit(1796378400.200:43): apparmor="DENIED" operation="exec" profile="/usr/bin/evince" name="/usr/bin/bash" pid=2001 comm="evince" requested_mask="x" denied_mask="x" fsuid=1000 ouid=0').apparmor.operation).toBe('exec');
    const network = parse('type=1400 audit(1796378400.300:44): apparmor="DENIED" operation="create" profile="/usr/sbin/ntpd" pid=2002 comm="ntpd" family="inet6" sock_type="dgram" protocol=17 requested_mask="create" denied_mask="create"');
    expect(network.apparmor).toMatchObject({ family: 'inet6', sock_type: 'dgram', protocol: '17' });
    expect(parse('type=1400 audit(1796378400.400:45): apparmor="DENIED" operation="capable" profile="/usr/sbin/tcpdump" pid=2003 comm="tcpdump" capability=13 capname="net_raw"').apparmor.capname).toBe('net_raw');
    expect(parse('type=1400 audit(1796378400.500:46): apparmor="DENIED" operation="signal" profile="snap.firefox.firefox" pid=2004 comm="firefox" requested_mask="receive" denied_mask="receive" signal=term peer="unconfined"').apparmor).toMatchObject({ signal: 'term', peer: 'unconfined' });
    expect(parse('type=1400 audit(1796378400.600:47): apparmor="DENIED" operation="ptrace" profile="/usr/sbin/mysqld" pid=2005 comm="gdb" requested_mask="read" denied_mask="read" peer="/usr/sbin/mysqld"').event.outcome).toBe('failure');
  });

  it('kernel_audit – allowed in complain mode, and profile status changes', () => {
    expect(parse('type=1400 audit(1796378400.700:48): apparmor="ALLOWED" operation="open" profile="/usr/sbin/nginx" name="/srv/www/secret.txt" pid=2006 comm="nginx" requested_mask="r" denied_mask="r" fsuid=33 ouid=0').event).toMatchObject({ outcome: 'success', type: ['allowed'] });
    const status = parse('type=1400 audit(1796378400.800:49): apparmor="STATUS" operation="profile_load" profile="unconfined" name="/usr/sbin/cupsd" pid=2007 comm="apparmor_parser"');
    expect(status.event).toMatchObject({ action: 'apparmor-status', category: ['configuration'], type: ['change'] });
    expect(status.event.outcome).toBeUndefined();
  });
});

describe('kernel_audit – SELinux', () => {
  it('kernel_audit – an AVC denial of a file read', () => {
    const event = parse('type=1400 audit(1796378401.000:50): avc:  denied  { read } for  pid=1234 comm="httpd" name="shadow" dev="dm-0" ino=5678 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0');
    expect(event.event).toMatchObject({ action: 'violated-selinux-policy', outcome: 'failure', type: ['denied'] });
    expect(event.selinux).toEqual({ verdict: 'denied', permissions: ['read'], scontext: 'system_u:system_r:httpd_t:s0', tcontext: 'system_u:object_r:shadow_t:s0', tclass: 'file', dev: 'dm-0', ino: '5678', permissive: false });
    expect(event.file).toEqual({ name: 'shadow' });
    expect(event.process).toEqual({ pid: 1234, name: 'httpd' });
  });

  it('kernel_audit – a permissive denial is allowed, a socket check names the port', () => {
    const permissive = parse('type=1400 audit(1796378401.100:51): avc:  denied  { write open } for  pid=2100 comm="nginx" path="/var/log/app/app.log" dev="sda1" ino=99 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:var_log_t:s0 tclass=file permissive=1');
    expect(permissive.event).toMatchObject({ outcome: 'success', type: ['allowed'] });
    expect(permissive.selinux.permissions).toEqual(['write', 'open']);
    expect(permissive.file).toEqual({ path: '/var/log/app/app.log' });
    const socket = parse('type=1400 audit(1796378401.200:52): avc:  denied  { name_connect } for  pid=2101 comm="httpd" dest=5432 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:postgresql_port_t:s0 tclass=tcp_socket permissive=0');
    expect(socket.destination).toEqual({ port: 5432 });
  });

  it('kernel_audit – a granted setenforce, an enforcement change and a policy load', () => {
    expect(parse('type=1400 audit(1796378401.300:53): avc:  granted  { setenforce } for  pid=2200 comm="setenforce" scontext=unconfined_u:unconfined_r:unconfined_t:s0 tcontext=system_u:object_r:security_t:s0 tclass=security').event.outcome).toBe('success');
    const change = parse('type=1404 audit(1796378401.400:54): enforcing=0 old_enforcing=1 auid=1000 ses=3 enabled=1 old-enabled=1 lsm=selinux res=1');
    expect(change.event.action).toBe('changed-selinux-enforcement');
    expect(change.selinux).toEqual({ enforcing: false, old_enforcing: true });
    expect(change.user).toEqual({ audit: { id: '1000' } });
    expect(parse('type=1403 audit(1796378401.500:55): auid=4294967295 ses=4294967295 lsm=selinux res=1 policy loaded').event.action).toBe('loaded-selinux-policy');
  });

  it('kernel_audit – a whole audit.log AVC record, without a syslog header', () => {
    const result = kernelAudit.parse(record('type=AVC msg=audit(1796378401.600:56): avc:  denied  { getattr } for  pid=2300 comm="sshd" path="/home/alice/.ssh/authorized_keys" dev="sda2" ino=77 scontext=system_u:system_r:sshd_t:s0-s0:c0.c1023 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0'));
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.event as Record<string, any>).file).toEqual({ path: '/home/alice/.ssh/authorized_keys' });
  });
});

describe('kernel_audit – bad input and neighbours', () => {
  it('kernel_audit – a record cut inside a quoted value goes to the dead letters with the reason', () => {
    const result = kernelAudit.parse(record('Dec  4 10:00:01 web-1 kernel: audit: type=1400 audit(1796378400.123:42): apparmor="DENIED" operation="open" profile="/usr/sbin/cup'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/unterminated/);
    }
  });

  it('kernel_audit – netfilter lines from the kernel still go to iptables', () => {
    const result = auto.parse(record('Dec  4 10:00:01 gw-1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=203.0.113.9 DST=10.0.0.5 LEN=60 TTL=52 ID=1 DF PROTO=TCP SPT=4431 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0'));
    expect(result.ok && result.event.event.dataset).toBe('iptables');
  });
});
