import { describe, expect, it } from 'vitest';
import { auditdBodyParser, auditdParser, decodeAuditHex } from './auditd';
import { compileBodyParser } from './body-format';
import { createParserContext } from './context';

const parseBody = compileBodyParser(auditdBodyParser, createParserContext()).parseBody;

function fields(text: string): Record<string, unknown> {
  const result = parseBody(text);
  if (result === undefined || 'code' in result) throw new Error(`expected fields, got ${JSON.stringify(result)}`);
  return result;
}

function parse(text: string) {
  return auditdParser.create().parse({ payload: Buffer.from(text), receivedAt: '2026-11-23T12:00:00.000Z', input: 'file' });
}

// Red Hat Enterprise Linux Security Guide, "Understanding Audit Log Files".
const RHEL_SYSCALL =
  'type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2 success=no exit=-13 a0=7fffd19c5592 a1=0 a2=7fffd19c4b50 a3=a items=1 ppid=2686 pid=3538 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="cat" exe="/bin/cat" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key="sshd_config"';

describe('auditd – kernel records', () => {
  it('auditd – parses the SYSCALL example of the RHEL Security Guide field by field', () => {
    const result = fields(RHEL_SYSCALL);
    expect(result['@timestamp']).toBe(1_364_481_363_243);
    expect(result.event).toEqual({ kind: 'event', action: 'syscall', category: ['process'], outcome: 'failure' });
    expect(result.process).toEqual({ pid: 3538, parent: { pid: 2686 }, executable: '/bin/cat', name: 'cat' });
    expect(result.user).toEqual({ id: '1000', effective: { id: '1000' }, audit: { id: '1000' } });
    expect(result.auditd).toEqual({
      message_type: 'SYSCALL',
      sequence: 24287,
      log: {
        arch: 'c000003e', syscall: '2', success: 'no', exit: '-13', a0: '7fffd19c5592', a1: '0', a2: '7fffd19c4b50', a3: 'a',
        items: '1', ppid: '2686', pid: '3538', auid: '1000', uid: '1000', gid: '1000', euid: '1000', suid: '1000', fsuid: '1000',
        egid: '1000', sgid: '1000', fsgid: '1000', tty: 'pts0', ses: '1', comm: 'cat', exe: '/bin/cat',
        subj: 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023', key: 'sshd_config',
      },
    });
  });

  it('auditd – decodes hex-encoded PROCTITLE (NULs as spaces), EXECVE arguments and PATH names', () => {
    const proctitle = fields('type=PROCTITLE msg=audit(1364481363.243:24287): proctitle=636174002F6574632F7373682F737368645F636F6E666967');
    expect(proctitle.auditd).toMatchObject({ log: { proctitle: 'cat /etc/ssh/sshd_config' } });
    expect(proctitle.process).toEqual({ title: 'cat /etc/ssh/sshd_config' });
    const execve = fields('type=EXECVE msg=audit(1364481363.243:24288): argc=3 a0="ls" a1="-l" a2=2F746D702F6D7920646972');
    expect(execve.auditd).toMatchObject({ log: { argc: '3', a0: 'ls', a1: '-l', a2: '/tmp/my dir' } });
    const path = fields('type=PATH msg=audit(1364481363.243:24287): item=0 name=2F746D702F612062 inode=409248 nametype=NORMAL');
    expect(path.auditd).toMatchObject({ log: { name: '/tmp/a b', inode: '409248' } });
    expect(path.event).toMatchObject({ category: ['file'] });
  });

  it('auditd – leaves SYSCALL arguments and odd-length or non-hex values as written', () => {
    const result = fields('type=SYSCALL msg=audit(1.5:1): a0=2F62 comm=ABC key=(null) proctitle=2F6');
    expect(result.auditd).toMatchObject({ log: { a0: '2F62', comm: 'ABC', key: '(null)', proctitle: '2F6' } });
    expect(result['@timestamp']).toBe(1500);
  });

  it('auditd – accepts the node= prefix and the " : " that ausearch -i writes after the stamp', () => {
    const result = fields('node=web-1 type=CWD msg=audit(1364481363.243:24287) :  cwd="/home/shadowman"');
    expect(result.auditd).toEqual({ message_type: 'CWD', sequence: 24287, node: 'web-1', log: { cwd: '/home/shadowman' } });
    expect(result.process).toEqual({ working_directory: '/home/shadowman' });
  });
});

describe('auditd – user-space records', () => {
  it('auditd – parses the inner msg of USER_LOGIN and maps account, address and result', () => {
    const result = fields(
      "type=USER_LOGIN msg=audit(1364481363.243:24290): pid=3540 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.9 terminal=ssh res=failed'",
    );
    expect(result.event).toEqual({ kind: 'event', action: 'user_login', category: ['authentication'], outcome: 'failure' });
    expect(result.user).toEqual({ id: '0', name: 'root' });
    expect(result.source).toEqual({ ip: '203.0.113.9', address: '203.0.113.9' });
    expect(result.process).toEqual({ pid: 3540, executable: '/usr/sbin/sshd' });
    expect(result.auditd).toMatchObject({
      message_type: 'USER_LOGIN',
      log: { op: 'login', acct: 'root', hostname: '?', addr: '203.0.113.9', terminal: 'ssh', res: 'failed', auid: '4294967295' },
    });
  });

  it('auditd – reads the interpreted fields of the ENRICHED format after 0x1D', () => {
    const result = fields(
      "type=USER_AUTH msg=audit(1700000000.123:456): pid=1234 uid=0 auid=1000 ses=3 msg='op=PAM:authentication grantors=pam_unix acct=\"alice\" exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/0 res=success'\u001dUID=\"root\" AUID=\"alice\"",
    );
    expect(result.auditd).toMatchObject({ enriched: { uid: 'root', auid: 'alice' }, log: { op: 'PAM:authentication', res: 'success' } });
    expect(result.user).toEqual({ id: '0', name: 'root', audit: { id: '1000', name: 'alice' } });
    expect(result.event).toMatchObject({ outcome: 'success', category: ['authentication'] });
    expect(result).not.toHaveProperty('source');
    const syscall = fields(`${RHEL_SYSCALL}\u001dARCH=x86_64 SYSCALL=open AUID="bob" UID="bob" EUID="bob"`);
    expect(syscall.auditd).toMatchObject({ enriched: { arch: 'x86_64', syscall: 'open', auid: 'bob' } });
    expect(syscall.user).toEqual({ id: '1000', name: 'bob', effective: { id: '1000', name: 'bob' }, audit: { id: '1000', name: 'bob' } });
  });

  it('auditd – maps account management records to iam', () => {
    const result = fields("type=ADD_USER msg=audit(1700000000.000:9): pid=1 uid=0 auid=1000 ses=2 msg='op=adding user id=1001 exe=\"/usr/sbin/useradd\" hostname=? addr=? terminal=pts/0 res=success'");
    expect(result.event).toMatchObject({ action: 'add_user', category: ['iam'], outcome: 'success' });
  });
});

describe('auditd – bad input', () => {
  it('auditd – answers SIEM_PARSE_AUDIT_BAD_HEADER for a record without a valid audit stamp', () => {
    for (const text of ['type=SYSCALL msg=audit(1364481363.243:', 'type=SYSCALL arch=c000003e', 'type=SYSCALL', 'type=SYSCALL msg=audit(abc:1): x=1', 'type=SYSCALL msg=audit(1.2:x): x=1']) {
      expect(parse(text)).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_AUDIT_BAD_HEADER', parser: 'auditd', retryable: false } });
    }
  });

  it('auditd – answers NO_MATCH for lines that are not audit records', () => {
    expect(parse('Accepted password for root from 1.2.3.4 port 22 ssh2')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(parseBody('node=x')).toBeUndefined();
  });

  it('auditd – reads an unterminated quote to the end and drops prototype keys', () => {
    const result = fields('type=SYSCALL msg=audit(1.000:2): __proto__=x constructor="y" = comm="cat exe=/bin/cat');
    expect(result.auditd).toMatchObject({ log: { comm: 'cat exe=/bin/cat' } });
    expect(Object.keys((result.auditd as { log: object }).log)).toEqual(['comm']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('auditd – decodes a 1 MiB hex proctitle and survives binary junk after the stamp', () => {
    const hex = Buffer.from('a'.repeat(512 * 1024)).toString('hex');
    const result = fields(`type=PROCTITLE msg=audit(1.000:2): proctitle=${hex}`);
    expect((result.process as { title: string }).title.length).toBe(512 * 1024);
    expect(fields('type=SYSCALL msg=audit(1.000:2): \u0001\u0002=\u0003 "x" \'y').auditd).toMatchObject({ message_type: 'SYSCALL' });
  });

  it('auditd – decodeAuditHex refuses odd lengths and non-hex text', () => {
    expect(decodeAuditHex('2F62696E2F7368')).toBe('/bin/sh');
    expect(decodeAuditHex('2F6')).toBeUndefined();
    expect(decodeAuditHex('zz')).toBeUndefined();
    expect(decodeAuditHex('')).toBeUndefined();
  });

  it('auditd – as a standalone parser stamps the event with the audit time', () => {
    const result = parse(RHEL_SYSCALL);
    expect(result.ok && result.event['@timestamp']).toBe('2013-03-28T14:36:03.243Z');
    expect(result.ok && result.event.event.dataset).toBe('auditd');
  });
});
