/**
 * Lines written from Postfix's own documentation of what its daemons log
 * (smtpd(8), qmgr(8), cleanup(8), smtp(8), postscreen(8), SASL_README,
 * DEBUG_README), with documentation addresses and domains.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const postfix = createParser('postfix', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file' };
}

function parse(program: string, body: string) {
  const result = auto.parse(record(`Dec  4 10:00:00 mx1 postfix/${program}[2101]: ${body}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('postfix');
  expect(result.event.process).toEqual({ name: `postfix/${program}`, pid: 2101 });
  return result.event as Record<string, any>;
}

describe('postfix – message flow', () => {
  it('postfix – smtpd connect from a client', () => {
    const event = parse('smtpd', 'connect from mail.example.org[198.51.100.7]');
    expect(event.event).toMatchObject({ action: 'connect', category: ['email', 'network'], type: ['connection', 'start'] });
    expect(event.source).toEqual({ ip: '198.51.100.7', domain: 'mail.example.org' });
    expect(event.related.ip).toEqual(['198.51.100.7']);
  });

  it('postfix – smtpd client line with a SASL login names the user', () => {
    const event = parse('smtpd', '4F3A91C2D3: client=mail.example.org[198.51.100.7], sasl_method=PLAIN, sasl_username=alice@example.com');
    expect(event.email).toEqual({ local_id: '4F3A91C2D3' });
    expect(event.user).toEqual({ name: 'alice@example.com' });
    expect(event.event).toMatchObject({ action: 'client', outcome: 'success', category: ['email', 'authentication'] });
    expect(event.postfix).toEqual({ queue_id: '4F3A91C2D3', sasl_method: 'PLAIN' });
  });

  it('postfix – cleanup message-id', () => {
    const event = parse('cleanup', '4F3A91C2D3: message-id=<20261204100000.4F3A91C2D3@mx1.example.com>');
    expect(event.email).toEqual({ local_id: '4F3A91C2D3', message_id: '20261204100000.4F3A91C2D3@mx1.example.com' });
    expect(event.event.action).toBe('message_id');
  });

  it('postfix – qmgr queues a message with its sender, size and recipient count', () => {
    const event = parse('qmgr', '4F3A91C2D3: from=<alice@example.com>, size=4321, nrcpt=2 (queue active)');
    expect(event.email.from).toEqual({ address: ['alice@example.com'] });
    expect(event.postfix).toMatchObject({ size: 4321, nrcpt: 2 });
    expect(event.event.action).toBe('queued');
  });

  it('postfix – smtp delivery sent to a relay, with delay and dsn', () => {
    const event = parse('smtp', '4F3A91C2D3: to=<bob@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1.2, delays=0.1/0.01/0.5/0.59, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 8B1C2D3E4F, id=7)');
    expect(event.email.to).toEqual({ address: ['bob@example.net'] });
    expect(event.destination).toEqual({ ip: '192.0.2.25', port: 25, domain: 'mx.example.net' });
    expect(event.event).toMatchObject({ action: 'sent', outcome: 'success', duration: 1.2e9, reason: '250 2.0.0 Ok: queued as 8B1C2D3E4F, id=7' });
    expect(event.postfix).toMatchObject({ status: 'sent', dsn: '2.0.0', relay: 'mx.example.net[192.0.2.25]:25', delays: '0.1/0.01/0.5/0.59' });
  });

  it('postfix – a bounced delivery is a failure, deferred is unknown', () => {
    const bounced = parse('smtp', '5A6B7C8D9E: to=<nobody@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=0.4, delays=0.1/0/0.2/0.1, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.25] said: 550 5.1.1 User unknown (in reply to RCPT TO command))');
    expect(bounced.event).toMatchObject({ action: 'bounced', outcome: 'failure' });
    const deferred = parse('smtp', '5A6B7C8D9E: to=<carol@example.net>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.25]:25: Connection timed out)');
    expect(deferred.event).toMatchObject({ action: 'deferred', outcome: 'unknown' });
    expect(deferred.destination).toBeUndefined();
  });

  it('postfix – local delivery keeps orig_to', () => {
    const event = parse('local', '5A6B7C8D9E: to=<root@mx1.example.com>, orig_to=<postmaster>, relay=local, delay=0.02, delays=0.01/0/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)');
    expect(event.postfix.orig_to).toBe('postmaster');
    expect(event.event.outcome).toBe('success');
  });

  it('postfix – qmgr removed, pickup and bounce notification', () => {
    expect(parse('qmgr', '4F3A91C2D3: removed').event).toMatchObject({ action: 'removed', type: ['deletion'] });
    const pickup = parse('pickup', '6C7D8E9F0A: uid=0 from=<root>');
    expect(pickup.email.from).toEqual({ address: ['root'] });
    expect(pickup.user).toEqual({ id: '0' });
    expect(parse('bounce', '5A6B7C8D9E: sender non-delivery notification: 7B8C9D0E1F').postfix.bounce_queue_id).toBe('7B8C9D0E1F');
  });

  it('postfix – NOQUEUE reject of a relay attempt', () => {
    const event = parse('smtpd', 'NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 <victim@example.net>: Relay access denied; from=<spam@example.org> to=<victim@example.net> proto=ESMTP helo=<example.org>');
    expect(event.event).toMatchObject({ action: 'reject', outcome: 'failure', type: ['info', 'denied'], reason: '554 5.7.1 <victim@example.net>: Relay access denied' });
    expect(event.source).toEqual({ ip: '203.0.113.9' });
    expect(event.email).toEqual({ from: { address: ['spam@example.org'] }, to: { address: ['victim@example.net'] } });
    expect(event.postfix).toMatchObject({ smtp_stage: 'RCPT', status_code: 554, dsn: '5.7.1', proto: 'ESMTP', helo: 'example.org' });
  });

  it('postfix – SASL authentication failure warning', () => {
    const event = parse('smtpd', 'warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6');
    expect(event.event).toMatchObject({ action: 'sasl_auth_failed', outcome: 'failure', category: ['email', 'authentication'] });
    expect(event.source).toEqual({ ip: '203.0.113.9' });
    expect(event.log.level).toBe('warning');
  });

  it('postfix – postscreen verdicts and lost connections', () => {
    const dnsbl = parse('postscreen', 'DNSBL rank 3 for [203.0.113.9]:50123');
    expect(dnsbl.event).toMatchObject({ action: 'postscreen_dnsbl', outcome: 'failure' });
    expect(dnsbl.source).toEqual({ ip: '203.0.113.9', port: 50123 });
    expect(parse('postscreen', 'PASS NEW [198.51.100.7]:41234').event.action).toBe('postscreen_pass');
    const lost = parse('smtpd', 'lost connection after AUTH from unknown[203.0.113.9]');
    expect(lost.event.action).toBe('lost_connection');
    expect(lost.postfix.smtp_stage).toBe('AUTH');
    expect(parse('smtpd', 'disconnect from mail.example.org[198.51.100.7] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5').postfix.commands).toBe('ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5');
  });
});

describe('postfix – bad input', () => {
  it('postfix – a delivery line cut before its status goes to the dead letters with the reason', () => {
    const result = postfix.parse(record('Dec  4 10:00:00 mx1 postfix/smtp[2101]: 4F3A91C2D3: to=<bob@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1.2'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/status=/);
    }
  });

  it('postfix – chained under auto, the cut line is kept and tagged', () => {
    const result = auto.parse(record('Dec  4 10:00:00 mx1 postfix/smtp[2101]: 4F3A91C2D3: to=<bob@example.net>, delay=1.2'));
    expect(result.ok && result.event.tags).toEqual(['postfix_parse_failure']);
  });

  it('postfix – a line that is not postfix is refused by the postfix parser', () => {
    const result = postfix.parse(record('hello world'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('SIEM_PARSE_NO_MATCH');
  });
});
