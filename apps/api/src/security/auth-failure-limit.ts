import { isIPv6 } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '@siem/telemetry';
import { ApiErrorCodes, errorBody } from '../errors';
import { unauditedRequests } from './audit-trail';

const WINDOW_MS = 60_000;
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
    return window.start + WINDOW_MS - this.now();
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
    if (window && this.now() - window.start >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}

/**
 * Refuses, with 429 and Retry-After, every request from an address that caused more than
 * `perMinute` failed authentications this minute, before the auth hook looks at its
 * credential: guessing keys then costs the API one map lookup per guess, and callers from
 * other addresses are not slowed. The signal is the answer itself: any 401 the auth hook
 * gives (no, malformed, unknown, revoked or expired credential) counts as one failure, so the
 * hook needs no call into this limiter. Register it before the auth hook, whose onRequest
 * must run after this one.
 */
export function registerAuthFailureLimit(app: FastifyInstance, options: { readonly perMinute: number; readonly metrics: MetricsRegistry; readonly now?: () => number }): FailureWindows {
  const windows = new FailureWindows(options.perMinute, options.now);
  const blocked = options.metrics.counter('siem_api_auth_failures_blocked_total', 'Requests refused (429) because their source address caused too many failed authentications this minute.').bind({});
  const failures = options.metrics.counter('siem_api_auth_failures_total', 'Requests refused 401: no, malformed, unknown, revoked or expired credential.').bind({});

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.permission === 'public') return;
    const source = failureSource(request.ip);
    const waitMs = windows.blockedFor(source);
    if (waitMs <= 0) return;
    blocked.inc();
    unauditedRequests.add(request);
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    // Answered here rather than thrown: no error object or stack per refusal, so a flood costs as little as an answer can.
    return reply
      .code(429)
      .header('retry-after', String(seconds))
      .send(errorBody(ApiErrorCodes.rateLimited, `Too many failed authentications from ${source}; retry in ${seconds} s with a valid key.`, { retryAfterSeconds: seconds }));
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 401) return;
    failures.inc();
    windows.fail(failureSource(request.ip));
  });
  return windows;
}
