import { describe, expect, it } from 'vitest';
import { dailyIndexName } from './index-names';

describe('dailyIndexName', () => {
  it('names the index after the UTC day of the event', () => {
    expect(dailyIndexName('siem-events-', '2026-11-23T23:59:59.999Z')).toBe('siem-events-2026.11.23');
  });

  it('falls back to today for a timestamp that is not ISO 8601', () => {
    expect(dailyIndexName('p-', 'garbage')).toMatch(/^p-\d{4}\.\d{2}\.\d{2}$/);
  });
});
