import { describe, expect, it } from 'vitest';
import { FailureWindows, failureSource } from './failure-windows';

describe('failed-authentication limit – sources', () => {
  it('counts IPv4 by address (mapped into IPv6 too) and IPv6 by its /64', () => {
    expect(failureSource('203.0.113.7')).toBe('203.0.113.7');
    expect(failureSource('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(failureSource('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(failureSource('2001:0db8:0000:0001:ffff:eeee:dddd:cccc')).toBe('2001:db8:0:1::/64');
    expect(failureSource('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(failureSource('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(failureSource('::1')).toBe('0:0:0:0::/64');
  });

  it('a guesser cycling through the addresses of its IPv6 /64 is blocked like one address; the next /64 is not', () => {
    let now = 0;
    const windows = new FailureWindows(20, () => now);
    for (let i = 1; i <= 20; i++) windows.fail(failureSource(`2001:db8:0:1::${i.toString(16)}`));
    expect(windows.blockedFor(failureSource('2001:db8:0:1:abcd::99'))).toBe(60_000);
    expect(windows.blockedFor(failureSource('2001:db8:0:2::1'))).toBe(0);
    now = 60_000;
    expect(windows.blockedFor(failureSource('2001:db8:0:1::1'))).toBe(0);
  });
});
