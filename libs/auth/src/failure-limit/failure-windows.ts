import { isIPv6 } from 'node:net';

/*
 * The failed-authentication limit every server that checks keys shares (the API, the
 * collector's HTTP input): an unknown key costs a store read, and a wrong secret of a real key
 * id a scrypt (about 50 ms of a thread-pool thread), so a source that keeps failing is refused
 * before its next credential is looked at.
 */

const FAILURE_WINDOW_MS = 60_000;
/** Addresses tracked at once; past it the oldest window is forgotten, so a flood of addresses cannot exhaust memory. */
const MAX_ADDRESSES = 100_000;

/**
 * What failed authentications are counted against: an IPv4 address (an IPv4-mapped IPv6 one
 * included) as it is, an IPv6 address by its /64, the block one host or one customer line
 * usually gets whole, so cycling through its 2^64 addresses does not reset the count.
 */
export function failureSource(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Failed authentications per source (`failureSource`) in fixed one-minute windows. */
export class FailureWindows {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it may now. */
  blockedFor(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.perMinute) return 0;
    return window.start + FAILURE_WINDOW_MS - this.now();
  }

  fail(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures++;
      return;
    }
    if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(address, { start: this.now(), failures: 1 });
  }

  get size(): number {
    return this.windows.size;
  }

  private current(address: string): { start: number; failures: number } | undefined {
    const window = this.windows.get(address);
    if (window && this.now() - window.start >= FAILURE_WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
