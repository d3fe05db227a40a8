/**
 * Lines written from Dovecot's documentation of its log lines (the Logging
 * page, login_log_format_elements, mail_log_events, passdb debugging), with
 * documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const dovecot = createParser('dovecot', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file' };
}

function parse(body: string) {
  const result = auto.parse(record(`Dec  4 10:00:00 mail1 dovecot: ${body}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('dovecot');
  return result.event as Record<string, any>;
}

describe('dovecot – logins', () => {
  it('dovecot – an IMAP login with user, method, addresses, TLS and session', () => {
    const event = parse('imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.5, mpid=4242, TLS, session=<k3Jd8f0AAAAA>');
    expect(event.event).toMatchObject({ action: 'logged-in', outcome: 'success', category: ['authentication'], type: ['start'] });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.source).toEqual({ ip: '198.51.100.7' });
    expect(event.destination).toEqual({ ip: '192.0.2.5' });
    expect(event.network).toEqual({ protocol: 'imap' });
    expect(event.dovecot).toEqual({ auth_method: 'PLAIN', session_id: 'k3Jd8f0AAAAA', mail_pid: 4242, secured: true });
    expect(event.related).toMatchObject({ user: ['alice'], ip: ['198.51.100.7', '192.0.2.5'] });
  });

  it('dovecot – leaves out a mangled mpid instead of writing NaN (found by the fuzz test)', () => {
    const event = parse('imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.5, mpid=[4242, TLS, session=<k3Jd8f0AAAAA>');
    expect(event.dovecot).toEqual({ auth_method: 'PLAIN', session_id: 'k3Jd8f0AAAAA', secured: true });
  });

  it('dovecot – a POP3 login that failed authentication', () => {
    const event = parse('pop3-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, method=PLAIN, rip=203.0.113.9, lip=192.0.2.5, TLS, session=<aB3dE5fG7hI>');
    expect(event.event).toMatchObject({ action: 'login-failed', outcome: 'failure', reason: 'auth failed, 1 attempts in 2 secs' });
    expect(event.network.protocol).toBe('pop3');
    expect(event.user.name).toBe('bob');
  });

  it('dovecot – an aborted login with no user', () => {
    const event = parse('imap-login: Disconnected (no auth attempts in 10 secs): user=<>, rip=203.0.113.9, lip=192.0.2.5, session=<zZ9yY8xX7wW>');
    expect(event.event).toMatchObject({ action: 'login-aborted', outcome: 'failure' });
    expect(event.user).toBeUndefined();
  });

  it('dovecot – submission and managesieve logins', () => {
    expect(parse('submission-login: Login: user=<carol>, method=LOGIN, rip=198.51.100.8, lip=192.0.2.5, mpid=5000, TLS').network.protocol).toBe('submission');
    expect(parse('managesieve-login: Login: user=<carol>, method=PLAIN, rip=198.51.100.8, lip=192.0.2.5, mpid=5001, TLS').event.outcome).toBe('success');
  });

  it('dovecot – passdb lookups: unknown user and password mismatch', () => {
    const unknown = parse('auth: passwd-file(mallory,203.0.113.9): unknown user');
    expect(unknown.event).toMatchObject({ action: 'passdb-lookup', outcome: 'failure', reason: 'unknown user' });
    expect(unknown.user.name).toBe('mallory');
    expect(unknown.source).toEqual({ ip: '203.0.113.9' });
    const mismatch = parse('auth-worker(3100): pam(alice,203.0.113.9,<k3Jd8f0AAAAA>): pam_authenticate() failed: Authentication failure (Password mismatch?)');
    expect(mismatch.dovecot.passdb).toBe('pam');
    expect(mismatch.event.outcome).toBe('failure');
  });
});

describe('dovecot – sessions and deliveries', () => {
  it('dovecot – an IMAP session logged out with its counters', () => {
    const event = parse('imap(alice)<4242><k3Jd8f0AAAAA>: Logged out in=112 out=804 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0');
    expect(event.event).toMatchObject({ action: 'logged-out', category: ['session'], type: ['end'] });
    expect(event.dovecot.session).toMatchObject({ in: 112, out: 804, deleted: 0 });
    expect(event.user.name).toBe('alice');
  });

  it('dovecot – a session disconnected for inactivity', () => {
    const event = parse('imap(alice): Disconnected for inactivity in=5 out=300');
    expect(event.event.action).toBe('logged-out');
  });

  it('dovecot – LMTP and LDA deliveries', () => {
    const lmtp = parse('lmtp(alice)<4243><Xy7aBc>: msgid=<20261204.1@example.org>: saved mail to INBOX');
    expect(lmtp.event).toMatchObject({ action: 'delivered', outcome: 'success' });
    expect(lmtp.email).toEqual({ message_id: '20261204.1@example.org' });
    expect(lmtp.dovecot.mailbox).toBe('INBOX');
    const lda = parse("lda(bob): sieve: msgid=<20261204.2@example.org>: stored mail into mailbox 'Junk'");
    expect(lda.dovecot.mailbox).toBe('Junk');
  });

  it('dovecot – errors of a mail process keep their level', () => {
    const event = parse('imap(alice): Error: Mailbox INBOX: Broken file /var/mail/alice');
    expect(event.log.level).toBe('error');
  });

  it('dovecot – the master process starting up', () => {
    const event = parse('master: Dovecot v2.3.21 (47349e2482) starting up for imap, pop3, lmtp');
    expect(event.event).toMatchObject({ action: 'started', category: ['process'] });
    expect(event.service.version).toBe('2.3.21');
    expect(event.dovecot.protocols).toEqual(['imap', 'pop3', 'lmtp']);
  });
});

describe('dovecot – bad input', () => {
  it('dovecot – a login line cut inside a value goes to the dead letters with the reason', () => {
    const result = dovecot.parse(record('Dec  4 10:00:00 mail1 dovecot: imap-login: Login: user=<alice, method=PLAIN, rip=198.51.100.7, session=<abc'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/closing/);
    }
  });

  it('dovecot – an unknown dovecot message under auto keeps its syslog fields', () => {
    const result = auto.parse(record('Dec  4 10:00:00 mail1 dovecot: config: Warning: something new'));
    expect(result.ok && result.event.event.dataset).toBe('syslog_rfc3164');
  });
});
