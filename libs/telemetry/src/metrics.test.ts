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

  it('returns the same counter for the same name', () => {
    const registry = new MetricsRegistry();
    registry.counter('a_total', 'a').inc();
    registry.counter('a_total', 'a').inc();
    expect(registry.counter('a_total', 'a').get()).toBe(2);
  });
});
