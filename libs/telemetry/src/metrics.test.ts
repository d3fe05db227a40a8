import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics';

describe('MetricsRegistry', () => {
  it('renders counters in the Prometheus text format with sorted, escaped labels', () => {
    const registry = new MetricsRegistry();
    const dropped = registry.counter('siem_events_dropped_total', 'Events dropped, by reason.');
    dropped.inc({ reason: 'SIEM_PARSE_EMPTY', stage: 'parse' });
    dropped.inc({ stage: 'parse', reason: 'SIEM_PARSE_EMPTY' }, 2);
    dropped.inc({ reason: 'say "hi"' });
    expect(dropped.get({ reason: 'SIEM_PARSE_EMPTY', stage: 'parse' })).toBe(3);
    expect(registry.render()).toBe(
      [
        '# HELP siem_events_dropped_total Events dropped, by reason.',
        '# TYPE siem_events_dropped_total counter',
        'siem_events_dropped_total{reason="SIEM_PARSE_EMPTY",stage="parse"} 3',
        'siem_events_dropped_total{reason="say \\"hi\\""} 1',
        '',
      ].join('\n'),
    );
  });

  it('adds to the same series through a bound counter as through inc with the same labels', () => {
    const registry = new MetricsRegistry();
    const received = registry.counter('siem_received_total', 'Records received.');
    const tcp = received.bind({ input: 'syslog_tcp' });
    tcp.inc();
    tcp.inc(4);
    received.inc({ input: 'syslog_tcp' });
    expect(received.get({ input: 'syslog_tcp' })).toBe(6);
    expect(received.get({ input: 'syslog_udp' })).toBe(0);
  });

  it('renders gauges set by a collect hook at each render, without the series the hook no longer sets', () => {
    const registry = new MetricsRegistry();
    const pending = registry.gauge('siem_pending_records', 'Records waiting, by input.');
    let state: Record<string, number> = { syslog_tcp: 3, http_ndjson: 1 };
    registry.onCollect(() => {
      pending.reset();
      for (const [input, value] of Object.entries(state)) pending.set({ input }, value);
    });
    expect(registry.render()).toContain('# TYPE siem_pending_records gauge\nsiem_pending_records{input="syslog_tcp"} 3\nsiem_pending_records{input="http_ndjson"} 1\n');
    state = { http_ndjson: 0 };
    expect(registry.render()).toBe('# HELP siem_pending_records Records waiting, by input.\n# TYPE siem_pending_records gauge\nsiem_pending_records{input="http_ndjson"} 0\n');
  });

  it('refuses a name registered as another metric type', () => {
    const registry = new MetricsRegistry();
    registry.counter('a_total', 'a');
    expect(() => registry.gauge('a_total', 'a')).toThrow('already registered as another type');
  });

  it('returns the same counter for the same name', () => {
    const registry = new MetricsRegistry();
    registry.counter('a_total', 'a').inc();
    registry.counter('a_total', 'a').inc();
    expect(registry.counter('a_total', 'a').get()).toBe(2);
  });
});

describe('Histogram', () => {
  it('renders cumulative buckets, +Inf, sum and count per label set', () => {
    const registry = new MetricsRegistry();
    const duration = registry.histogram('siem_request_seconds', 'Request durations.', [0.1, 1]);
    duration.observe({ route: '/a' }, 0.05);
    duration.observe({ route: '/a' }, 0.5);
    duration.observe({ route: '/a' }, 3);
    expect(duration.count({ route: '/a' })).toBe(3);
    expect(registry.render()).toBe(
      [
        '# HELP siem_request_seconds Request durations.',
        '# TYPE siem_request_seconds histogram',
        'siem_request_seconds_bucket{le="0.1",route="/a"} 1',
        'siem_request_seconds_bucket{le="1",route="/a"} 2',
        'siem_request_seconds_bucket{le="+Inf",route="/a"} 3',
        'siem_request_seconds_sum{route="/a"} 3.55',
        'siem_request_seconds_count{route="/a"} 3',
        '',
      ].join('\n'),
    );
  });
});
