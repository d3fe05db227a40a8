import { describe, expect, it } from 'vitest';
import { buildDeadLetter } from './dead-letter';

const message = { topic: 'siem.raw', partition: 1, offset: '9', value: Buffer.alloc(0), headers: { 'siem.input': 'syslog_udp' } };
const reason = { code: 'SIEM_PARSE_BAD_PRIORITY', message: 'bad', stage: 'syslog_rfc5424' };

describe('buildDeadLetter', () => {
  it('keeps a UTF-8 payload as text with its origin and reason', () => {
    const letter = buildDeadLetter(message, { payload: Buffer.from('<999>x'), receivedAt: 'r', input: 'syslog_udp', sourceAddress: '10.0.0.1' }, reason);
    const body = JSON.parse(letter.value.toString());
    expect(body.raw).toBe('<999>x');
    expect(body.raw_base64).toBeUndefined();
    expect(body.origin).toEqual({ topic: 'siem.raw', partition: 1, offset: '9' });
    expect(body.error.code).toBe('SIEM_PARSE_BAD_PRIORITY');
    expect(body.error.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(letter.key).toBe('10.0.0.1');
  });

  it('keeps invalid UTF-8 as base64 so the bytes survive', () => {
    const payload = Buffer.from([0x3c, 0xff, 0xfe]);
    const body = JSON.parse(buildDeadLetter(message, { payload, receivedAt: 'r', input: 'x' }, reason).value.toString());
    expect(Buffer.from(body.raw_base64, 'base64')).toEqual(payload);
    expect(body.raw).toBeUndefined();
  });
});
