import { describe, expect, it } from 'vitest';
import { MAX_ROUTED_DAYS, dailyIndexName, indicesForRange } from './index-names';

describe('dailyIndexName', () => {
  it('names the index after the UTC day of the event', () => {
    expect(dailyIndexName('siem-events-', '2026-11-23T23:59:59.999Z')).toBe('siem-events-2026.11.23');
  });

  it('falls back to today for a timestamp that is not ISO 8601', () => {
    expect(dailyIndexName('p-', 'garbage')).toMatch(/^p-\d{4}\.\d{2}\.\d{2}$/);
  });
});

describe('indicesForRange', () => {
  it('names the days of the range and one on each side', () => {
    expect(indicesForRange('p-', '2026-11-02T06:00:00.000Z', '2026-11-03T05:59:59.999Z')).toBe('p-2026.11.01,p-2026.11.02,p-2026.11.03,p-2026.11.04');
  });

  it('reads every day when a bound is open, relative or not a time', () => {
    expect(indicesForRange('p-', undefined, '2026-11-03T00:00:00Z')).toBe('p-*');
    expect(indicesForRange('p-', '2026-11-03T00:00:00Z', undefined)).toBe('p-*');
    expect(indicesForRange('p-', 'now-24h', 'now')).toBe('p-*');
    expect(indicesForRange('p-', 'garbage', '2026-11-03T00:00:00Z')).toBe('p-*');
  });

  it('reads every day when the range is longer than MAX_ROUTED_DAYS', () => {
    expect(indicesForRange('p-', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')).toBe('p-*');
    expect(indicesForRange('p-', '2026-11-01T00:00:00Z', new Date(Date.UTC(2026, 10, 1) + (MAX_ROUTED_DAYS - 3) * 86_400_000).toISOString()).split(',')).toHaveLength(MAX_ROUTED_DAYS);
  });

  it('reads one day for a range that ends before it starts (it matches nothing)', () => {
    expect(indicesForRange('p-', '2026-11-03T00:00:00Z', '2026-11-02T00:00:00Z')).toBe('p-2026.11.03');
  });
});
