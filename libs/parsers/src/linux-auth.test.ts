import { describe, expect, it } from 'vitest';
import { compileBodyParser } from './body-format';
import { createParserContext } from './context';
import { linuxAuthBodyParser, linuxAuthParser } from './linux-auth';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const parseBody = compileBodyParser(linuxAuthBodyParser, createParserContext({ now: () => NOW })).parseBody;

function body(text: string): Record<string, unknown> {
  const fields = parseBody(text);
  if (fields === undefined || 'code' in fields) throw new Error(`expected fields for ${text}`);
  return fields;
}

function line(text: string, timezone = 'UTC') {
  const result = linuxAuthParser.create({ now: () => NOW, timezone }).parse({ payload: Buffer.from(text), receivedAt: NOW.toISOString(), sourceAddress: '192.0.2.7', input: 'file' });
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}`);
  return result.event;
}

describe('linux_auth – sshd', () => {
  it('linux_auth – reads "Accepted publickey" with the key signature (Filebeat system/auth test.log)', () => {
    expect(body('Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84')).toEqual({
      event: { kind: 'event', category: ['authentication', 'session'], type: ['start'], action: 'ssh_login', outcome: 'success' },
      source: { ip: '10.0.2.2', address: '10.0.2.2', port: 63673 },
      user: { name: 'vagrant' },
      system: { auth: { ssh: { event: 'Accepted', method: 'publickey', signature: 'RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84' } } },
    });
  });

  it('linux_auth – reads "Accepted password" with an SHA256 key-less line and an IPv6 source', () => {
    expect(body('Accepted password for vagrant from 2001:db8::7 port 58803 ssh2')).toMatchObject({
      event: { action: 'ssh_login', outcome: 'success' },
      source: { ip: '2001:db8::7', port: 58803 },
      system: { auth: { ssh: { event: 'Accepted', method: 'password' } } },
    });
  });

  it('linux_auth – reads "Failed password" and "Failed password for invalid user"', () => {
    expect(body('Failed password for root from 216.160.83.57 port 29160 ssh2')).toEqual({
      event: { kind: 'event', category: ['authentication'], type: ['start'], action: 'ssh_login', outcome: 'failure' },
      source: { ip: '216.160.83.57', address: '216.160.83.57', port: 29160 },
      user: { name: 'root' },
      system: { auth: { ssh: { event: 'Failed', method: 'password' } } },
    });
    expect(body('Failed password for invalid user admin from 203.0.113.9 port 52311 ssh2')).toEqual({
      event: { kind: 'event', category: ['authentication'], type: ['start'], action: 'ssh_login', outcome: 'failure' },
      source: { ip: '203.0.113.9', address: '203.0.113.9', port: 52311 },
      user: { name: 'admin' },
      system: { auth: { ssh: { event: 'Failed', method: 'password', invalid_user: true } } },
    });
  });

  it('linux_auth – reads "Failed publickey" with its SHA256 fingerprint, and a user name containing " from "', () => {
    expect(body('Failed publickey for git from 198.51.100.4 port 40022 ssh2: ED25519 SHA256:u8Lm3Hq0d9kGx2mHkq5YdKX7b3T0zWqz3f7Kf5mJ1c4')).toMatchObject({
      user: { name: 'git' },
      system: { auth: { ssh: { method: 'publickey', signature: 'ED25519 SHA256:u8Lm3Hq0d9kGx2mHkq5YdKX7b3T0zWqz3f7Kf5mJ1c4' } } },
    });
    expect(body('Failed password for invalid user a from b from 10.0.0.1 port 22 ssh2')).toMatchObject({ user: { name: 'a from b' }, source: { ip: '10.0.0.1' } });
  });

  it('linux_auth – reads "Invalid user" with and without a port, and with an empty user', () => {
    expect(body('Invalid user test from 10.0.2.2')).toEqual({
      event: { kind: 'event', category: ['authentication'], type: ['start'], action: 'ssh_login', outcome: 'failure' },
      source: { ip: '10.0.2.2', address: '10.0.2.2' },
      user: { name: 'test' },
      system: { auth: { ssh: { event: 'Invalid', invalid_user: true } } },
    });
    expect(body('Invalid user oracle from 192.0.2.55 port 41234')).toMatchObject({ user: { name: 'oracle' }, source: { ip: '192.0.2.55', port: 41234 } });
    expect(body('Invalid user  from 192.0.2.55 port 41234')).not.toHaveProperty('user');
  });

  it('linux_auth – reads the disconnect and close lines of OpenSSH 8+, failing the ones still authenticating', () => {
    expect(body('Disconnected from authenticating user root 203.0.113.9 port 52311 [preauth]')).toEqual({
      event: { kind: 'event', category: ['authentication'], type: ['end'], action: 'ssh_disconnect', outcome: 'failure' },
      source: { ip: '203.0.113.9', address: '203.0.113.9', port: 52311 },
      user: { name: 'root' },
      system: { auth: { ssh: { event: 'Disconnected' } } },
    });
    expect(body('Connection closed by invalid user admin 203.0.113.9 port 40000 [preauth]')).toMatchObject({
      event: { outcome: 'failure' },
      user: { name: 'admin' },
      system: { auth: { ssh: { event: 'Closed', invalid_user: true } } },
    });
    const normal = body('Disconnected from user alice 10.0.0.8 port 50122');
    expect(normal.event).not.toHaveProperty('outcome');
    expect(normal).toMatchObject({ user: { name: 'alice' }, source: { ip: '10.0.0.8', port: 50122 } });
    expect(body('Connection closed by 10.0.0.9 port 41000 [preauth]')).toMatchObject({ event: { outcome: 'failure' }, source: { ip: '10.0.0.9', port: 41000 } });
  });

  it('linux_auth – reads "maximum authentication attempts exceeded" and "Did not receive identification string"', () => {
    expect(body('error: maximum authentication attempts exceeded for invalid user pi from 198.51.100.2 port 5022 ssh2 [preauth]')).toMatchObject({
      event: { action: 'ssh_login', outcome: 'failure' },
      user: { name: 'pi' },
      source: { ip: '198.51.100.2', port: 5022 },
      system: { auth: { ssh: { event: 'MaxAuthTries', invalid_user: true } } },
    });
    expect(body('Did not receive identification string from 2.125.160.217')).toMatchObject({
      event: { action: 'ssh_dropped', category: ['network'], outcome: 'failure' },
      source: { ip: '2.125.160.217' },
    });
  });

  it('linux_auth – returns undefined for sshd messages it does not know and for truncated logins', () => {
    expect(parseBody('Server listening on 0.0.0.0 port 22.')).toBeUndefined();
    expect(parseBody('Accepted password for vagrant from 10.0.2.2 po')).toBeUndefined();
    expect(parseBody('Failed password for root from 10.0.0.1 port x ssh2')).toBeUndefined();
    expect(parseBody('Accepted ')).toBeUndefined();
    expect(parseBody('Connection closed by')).toBeUndefined();
  });
});

describe('linux_auth – sudo and su', () => {
  it('linux_auth – reads a sudo command with TTY, PWD, USER and a COMMAND holding " ; "', () => {
    expect(body('alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/sh -c echo a ; echo b')).toEqual({
      event: { kind: 'event', category: ['authentication', 'process'], type: ['start'], action: 'sudo', outcome: 'success' },
      user: { name: 'alice', effective: { name: 'root' } },
      process: { command_line: '/bin/sh -c echo a ; echo b', working_directory: '/home/alice' },
      system: { auth: { sudo: { tty: 'pts/0', pwd: '/home/alice', user: 'root', command: '/bin/sh -c echo a ; echo b' } } },
    });
  });

  it('linux_auth – reads sudo failures: NOT in sudoers (indented, as sudo writes it) and incorrect password attempts', () => {
    expect(body('     tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls')).toMatchObject({
      event: { action: 'sudo', outcome: 'failure' },
      user: { name: 'tsg', effective: { name: 'root' } },
      system: { auth: { sudo: { error: 'user NOT in sudoers', command: '/bin/ls' } } },
    });
    expect(body('alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id')).toMatchObject({
      event: { outcome: 'failure' },
      system: { auth: { sudo: { error: '3 incorrect password attempts' } } },
    });
  });

  it('linux_auth – returns undefined for text with " : " that is not sudo', () => {
    expect(parseBody('note : nothing to see here')).toBeUndefined();
    expect(parseBody('a b : TTY=pts/0')).toBeUndefined();
  });

  it('linux_auth – reads util-linux su success and failure', () => {
    expect(body('(to root) alice on pts/0')).toEqual({
      event: { kind: 'event', category: ['authentication'], type: ['start'], action: 'su', outcome: 'success' },
      user: { name: 'alice', effective: { name: 'root' } },
      system: { auth: { su: { tty: 'pts/0' } } },
    });
    expect(body('FAILED SU (to root) alice on pts/0')).toMatchObject({ event: { action: 'su', outcome: 'failure' }, user: { name: 'alice', effective: { name: 'root' } } });
    expect(body('Successful su for postgres by root')).toMatchObject({ event: { outcome: 'success' }, user: { name: 'root', effective: { name: 'postgres' } } });
    expect(body('FAILED su for root by mallory')).toMatchObject({ event: { outcome: 'failure' }, user: { name: 'mallory', effective: { name: 'root' } } });
  });
});

describe('linux_auth – pam_unix', () => {
  it('linux_auth – reads a pam_unix authentication failure with rhost and user (RHEL 7 secure log)', () => {
    expect(body('pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=202.109.143.106  user=root')).toEqual({
      event: { kind: 'event', category: ['authentication'], type: ['info'], action: 'authentication_failure', outcome: 'failure' },
      user: { name: 'root' },
      source: { ip: '202.109.143.106', address: '202.109.143.106' },
      system: { auth: { pam: { module: 'pam_unix', service: 'sshd', type: 'auth', uid: '0', tty: 'ssh' } } },
    });
    expect(body('pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root')).toMatchObject({
      user: { name: 'root' },
      system: { auth: { pam: { service: 'su', tty: '/dev/pts/0' } } },
    });
    expect(body('PAM 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=202.109.143.106  user=root')).toMatchObject({
      event: { outcome: 'failure' },
      system: { auth: { pam: { failures: 4 } } },
    });
  });

  it('linux_auth – reads session opened and closed', () => {
    expect(body('pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)')).toEqual({
      event: { kind: 'event', category: ['authentication', 'session'], type: ['start'], action: 'session_opened', outcome: 'success' },
      user: { name: 'root' },
      system: { auth: { pam: { module: 'pam_unix', service: 'sudo', type: 'session', by: 'alice' } } },
    });
    expect(body('pam_unix(sshd:session): session opened for user drewr by (uid=0)')).toMatchObject({ user: { name: 'drewr' } });
    expect(body('pam_unix(sshd:session): session closed for user drewr')).toMatchObject({ event: { action: 'session_closed', type: ['end'] }, user: { name: 'drewr' } });
  });

  it('linux_auth – returns undefined for other PAM messages', () => {
    expect(parseBody('pam_succeed_if(sshd:auth): requirement "uid >= 1000" not met by user "root"')).toBeUndefined();
    expect(parseBody('pam_unix(')).toBeUndefined();
  });
});

describe('linux_auth – account tools', () => {
  it('linux_auth – reads useradd "new user" with all its fields (Filebeat test.log)', () => {
    expect(body('new user: name=apache, UID=48, GID=48, home=/usr/share/httpd, shell=/sbin/nologin, from=/dev/pts/0')).toEqual({
      event: { kind: 'event', category: ['iam'], type: ['user', 'creation'], action: 'user_created', outcome: 'success' },
      user: { name: 'apache', id: '48', group: { id: '48' } },
      system: { auth: { useradd: { home: '/usr/share/httpd', shell: '/sbin/nologin', from: '/dev/pts/0' } } },
    });
  });

  it('linux_auth – reads groupadd, userdel, group membership and passwd', () => {
    expect(body('new group: name=apache, GID=48')).toEqual({
      event: { kind: 'event', category: ['iam'], type: ['group', 'creation'], action: 'group_created', outcome: 'success' },
      group: { name: 'apache', id: '48' },
    });
    expect(body('group added to /etc/gshadow: name=bob')).toMatchObject({ group: { name: 'bob' } });
    expect(body("delete user 'bob'")).toMatchObject({ event: { action: 'user_deleted', type: ['user', 'deletion'] }, user: { name: 'bob' } });
    expect(body("removed group 'bob' owned by 'bob'")).toMatchObject({ event: { action: 'group_deleted' }, group: { name: 'bob' } });
    expect(body("group 'staff' removed")).toMatchObject({ event: { action: 'group_deleted' }, group: { name: 'staff' } });
    expect(body("add 'bob' to group 'sudo'")).toMatchObject({ event: { action: 'user_added_to_group' }, user: { name: 'bob' }, group: { name: 'sudo' } });
    expect(body("delete 'bob' from shadow group 'sudo'")).toMatchObject({ event: { action: 'user_removed_from_group' } });
    expect(body("password for 'bob' changed by 'root'")).toMatchObject({ event: { action: 'password_changed' }, user: { name: 'bob', changes: { name: 'root' } } });
    expect(body('pam_unix(passwd:chauthtok): password changed for bob')).toMatchObject({ event: { action: 'password_changed', category: ['iam'] }, user: { name: 'bob' } });
  });

  it('linux_auth – returns undefined for cut account lines', () => {
    expect(parseBody('new user: ')).toBeUndefined();
    expect(parseBody("delete user 'bo")).toBeUndefined();
    expect(parseBody("group 'x' is here")).toBeUndefined();
  });
});

describe('linux_auth – whole auth.log lines', () => {
  it('linux_auth – reads the syslog file prefix: time in the configured zone, host, program and pid', () => {
    const event = line('Feb 21 21:54:44 localhost sshd[3402]: Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9', 'Europe/Berlin');
    expect(event['@timestamp']).toBe('2026-02-21T20:54:44.000Z');
    expect(event.host).toEqual({ name: 'localhost', hostname: 'localhost' });
    expect(event.process).toEqual({ name: 'sshd', pid: 3402 });
    expect(event.message).toBe('Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9');
    expect(event.user).toEqual({ name: 'vagrant' });
    expect(event.event).toMatchObject({ dataset: 'linux_auth', action: 'ssh_login', outcome: 'success' });
    expect(event.log).toEqual({ source: { address: '192.0.2.7' } });
  });

  it('linux_auth – reads sudo without a pid, and the ISO 8601 prefix of rsyslog and syslog-ng high-precision files', () => {
    const sudo = line('Feb 24 00:13:02 precise32 sudo:      tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls');
    expect(sudo.process).toEqual({ name: 'sudo', command_line: '/bin/ls', working_directory: '/home/vagrant' });
    expect(sudo.event).toMatchObject({ outcome: 'failure' });
    const iso = line('2026-03-03T10:01:02.123456+01:00 web-1 useradd[6995]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash');
    expect(iso['@timestamp']).toBe('2026-03-03T09:01:02.123Z');
    expect(iso.process).toEqual({ name: 'useradd', pid: 6995 });
    expect(iso.user).toEqual({ name: 'bob', id: '1001', group: { id: '1001' } });
  });

  it('linux_auth – keeps an auth.log line it does not recognise with its prefix fields and no category', () => {
    const event = line('Feb 22 16:45:26 slave22 sshd[2738]: fatal: Read from socket failed: Connection reset by peer [preauth]');
    expect(event.message).toBe('fatal: Read from socket failed: Connection reset by peer [preauth]');
    expect(event.process).toEqual({ name: 'sshd', pid: 2738 });
    expect(event.event).not.toHaveProperty('category');
  });

  it('linux_auth – answers NO_MATCH for a line that is neither an auth message nor an auth.log line', () => {
    const parser = linuxAuthParser.create({ now: () => NOW });
    for (const text of ['hello world', 'Feb 31 10:00:00 host sshd[1]: Accepted password for a from 1.2.3.4 port 1 ssh2', 'Feb 21 21:54:44 localhost', '\u0000\u0001\u0002 : \u0003']) {
      expect(parser.parse({ payload: Buffer.from(text), receivedAt: NOW.toISOString(), input: 'file' })).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    }
  });

  it('linux_auth – handles a 1 MiB body and prototype-named users without polluting objects', () => {
    const long = `Failed password for ${'x'.repeat(1024 * 1024)} from 10.0.0.1 port 22 ssh2`;
    expect((body(long).user as { name: string }).name.length).toBe(1024 * 1024);
    expect(body('Accepted password for __proto__ from 10.0.0.1 port 22 ssh2')).toMatchObject({ user: { name: '__proto__' } });
    expect(body('__proto__ : TTY=pts/0 ; USER=constructor ; COMMAND=/bin/true')).toMatchObject({ user: { name: '__proto__', effective: { name: 'constructor' } } });
    expect(({} as Record<string, unknown>).name).toBeUndefined();
  });
});
