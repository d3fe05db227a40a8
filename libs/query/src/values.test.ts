import { describe, expect, it } from 'vitest';
import { dateSpan, ipKey, ipSpan, numberOf } from './values';

const ms = (iso: string) => Date.parse(iso);

describe('numberOf', () => {
  it('reads integers, decimals and exponents, and nothing else', () => {
    expect([numberOf('22'), numberOf('-1.5'), numberOf('+.5'), numberOf('1e3')]).toEqual([22, -1.5, 0.5, 1000]);
    expect([numberOf('0x10'), numberOf('1e999'), numberOf(''), numberOf('22a'), numberOf('Infinity')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('dateSpan', () => {
  const now = ms('2026-12-04T10:17:23.456Z');

  it('gives an ISO date the span of its precision, zone included', () => {
    expect(dateSpan('2026', now)).toEqual([ms('2026-01-01T00:00:00Z'), ms('2027-01-01T00:00:00Z') - 1]);
    expect(dateSpan('2026-02', now)).toEqual([ms('2026-02-01T00:00:00Z'), ms('2026-03-01T00:00:00Z') - 1]);
    expect(dateSpan('2026-12-04', now)).toEqual([ms('2026-12-04T00:00:00Z'), ms('2026-12-05T00:00:00Z') - 1]);
    expect(dateSpan('2026-12-04T10', now)).toEqual([ms('2026-12-04T10:00:00Z'), ms('2026-12-04T11:00:00Z') - 1]);
    expect(dateSpan('2026-12-04T10:00+02:00', now)).toEqual([ms('2026-12-04T08:00:00Z'), ms('2026-12-04T08:01:00Z') - 1]);
    expect(dateSpan('2026-12-04T10:00:00Z', now)).toEqual([ms('2026-12-04T10:00:00Z'), ms('2026-12-04T10:00:01Z') - 1]);
    expect(dateSpan('2026-12-04T10:00:00.5-0130', now)).toEqual([ms('2026-12-04T11:30:00.500Z'), ms('2026-12-04T11:30:00.500Z')]);
  });

  it('refuses dates that do not exist and text that is no date', () => {
    for (const value of ['2026-02-29', '2026-13-01', '2026-12-04T24:00', '2026-12-04Z', '0099', 'yesterday', '2026-12-04 10:00']) expect(dateSpan(value, now), value).toBeUndefined();
  });

  it('computes date math from now, rounding to the unit it names', () => {
    expect(dateSpan('now', now)).toEqual([now, now]);
    expect(dateSpan('now-15m', now)).toEqual([now - 900_000, now - 900_000]);
    expect(dateSpan('now+1h-30s', now)).toEqual([now + 3_600_000 - 30_000, now + 3_600_000 - 30_000]);
    expect(dateSpan('now/d', now)).toEqual([ms('2026-12-04T00:00:00Z'), ms('2026-12-05T00:00:00Z') - 1]);
    expect(dateSpan('now-1M/M', now)).toEqual([ms('2026-11-01T00:00:00Z'), ms('2026-12-01T00:00:00Z') - 1]);
    expect(dateSpan('now/w', now)).toEqual([ms('2026-11-30T00:00:00Z'), ms('2026-12-07T00:00:00Z') - 1]);
    expect(dateSpan('now-1y/y', now)).toEqual([ms('2025-01-01T00:00:00Z'), ms('2026-01-01T00:00:00Z') - 1]);
    expect(dateSpan('now-999999999y', now)).toBeUndefined();
    expect(dateSpan('now-15x', now)).toBeUndefined();
  });
});

describe('ipKey and ipSpan', () => {
  it('gives equal keys to equal addresses, IPv4 mapped into IPv6', () => {
    expect(ipKey('10.0.0.1')).toBe('00000000000000000000ffff0a000001');
    expect(ipKey('::ffff:10.0.0.1')).toBe(ipKey('10.0.0.1'));
    expect(ipKey('2001:db8::5')).toBe(ipKey('2001:0db8:0:0:0:0:0:0005'));
    expect(ipKey('::')).toBe('0'.repeat(32));
    expect(ipKey('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('f'.repeat(32));
  });

  it('refuses what is not an address', () => {
    for (const value of ['10.0.0.256', '10.0.0', '1:2:3:4:5:6:7:8:9', '1::2::3', '1:2:3:4:5:6:7::8', 'g::1', 'web-1', '', ':::']) expect(ipKey(value), value).toBeUndefined();
  });

  it('spans CIDR blocks, masking host bits, for IPv4 and IPv6', () => {
    expect(ipSpan('10.0.0.0/8')).toEqual([ipKey('10.0.0.0'), ipKey('10.255.255.255')]);
    expect(ipSpan('10.1.2.3/16')).toEqual([ipKey('10.1.0.0'), ipKey('10.1.255.255')]);
    expect(ipSpan('2001:db8::/32')).toEqual([ipKey('2001:db8::'), ipKey('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')]);
    expect(ipSpan('::/0')).toEqual(['0'.repeat(32), 'f'.repeat(32)]);
    expect(ipSpan('10.0.0.1')).toEqual([ipKey('10.0.0.1'), ipKey('10.0.0.1')]);
    for (const value of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/x']) expect(ipSpan(value), value).toBeUndefined();
  });
});
