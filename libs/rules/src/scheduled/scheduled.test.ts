import { describe, expect, it } from 'vitest';
import { cronMatches, parseCron } from './cron';
import { GroupCounter, groupValues, passesThreshold, scheduledAlertId } from './evaluate';
import { runsBetween } from './schedule';
import { isScheduledRule, validateScheduledRule } from './validate';

const base = { id: '3c2b1a00-0000-4000-8000-000000000001', title: 'Many failed logins from one address', level: 'medium' };
const thresholdRule = validateScheduledRule({ ...base, scheduled: { type: 'query', query: 'event.outcome:failure', interval: '1m', lookback: '5m', threshold: { by: ['source.ip'], gt: 100 } } });
const at = (iso: string) => Date.parse(iso);

describe('validateScheduledRule', () => {
  it('takes a threshold query rule and a new_terms rule, with defaults written out', () => {
    expect(thresholdRule).toMatchObject({ enabled: true, scheduled: { type: 'query', interval: '1m', threshold: { by: ['source.ip'], gt: 100 } } });
    expect(isScheduledRule(thresholdRule)).toBe(true);
    const newTerms = validateScheduledRule(
      JSON.stringify({ ...base, scheduled: { type: 'new_terms', query: 'event.category:authentication AND event.outcome:success', cron: '*/5 * * * *', lookback: '5m', fields: ['user.name', 'source.geo.country_iso_code'], history: '30d' } }),
    );
    expect(newTerms.scheduled.fields).toHaveLength(2);
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['no schedule', { type: 'query', lookback: '5m' }, '/scheduled'],
    ['two schedules', { type: 'query', lookback: '5m', interval: '1m', cron: '* * * * *' }, '/scheduled'],
    ['a bad cron field', { type: 'query', lookback: '5m', cron: '61 * * * *' }, '/scheduled/cron'],
    ['a query the language cannot read', { type: 'query', lookback: '5m', interval: '1m', query: 'user.name:(alice' }, '/scheduled/query'],
    ['new_terms without fields', { type: 'new_terms', lookback: '5m', interval: '1m', history: '30d' }, '/scheduled/fields'],
    ['new_terms with four fields', { type: 'new_terms', lookback: '5m', interval: '1m', history: '30d', fields: ['a', 'b', 'c', 'd'] }, '/scheduled/fields'],
    ['a threshold with both gt and gte', { type: 'query', lookback: '5m', interval: '1m', threshold: { gt: 1, gte: 2 } }, '/scheduled/threshold'],
    ['a lookback in weeks', { type: 'query', lookback: '1w', interval: '1m' }, '/scheduled/lookback'],
  ];
  for (const [name, scheduled, pointer] of refused) {
    it(`refuses ${name} with the pointer of its fault`, () => {
      expect(() => validateScheduledRule({ ...base, scheduled })).toThrow(expect.objectContaining({ pointer }));
    });
  }
});

describe('schedules', () => {
  it('reads cron fields with ranges, lists and steps, and either day field when both are restricted', () => {
    const everyFive = parseCron('*/5 * * * *');
    expect(cronMatches(everyFive, new Date('2026-12-04T10:05:00Z'))).toBe(true);
    expect(cronMatches(everyFive, new Date('2026-12-04T10:06:00Z'))).toBe(false);
    const officeHours = parseCron('0 8-17/3 * * 1-5');
    expect(cronMatches(officeHours, new Date('2026-12-04T14:00:00Z'))).toBe(true);
    expect(cronMatches(officeHours, new Date('2026-12-05T14:00:00Z'))).toBe(false);
    const firstOrSunday = parseCron('0 0 1 * 7');
    expect(cronMatches(firstOrSunday, new Date('2026-12-06T00:00:00Z'))).toBe(true);
    expect(cronMatches(firstOrSunday, new Date('2026-12-01T00:00:00Z'))).toBe(true);
    expect(() => parseCron('* * * *')).toThrow(/5/);
  });

  it('lists the runs missed between two times, the newest up to a limit, and how many were skipped', () => {
    expect(runsBetween(thresholdRule, at('2026-12-04T10:00:30Z'), at('2026-12-04T10:03:00Z'), 10)).toEqual({
      runs: [at('2026-12-04T10:01:00Z'), at('2026-12-04T10:02:00Z'), at('2026-12-04T10:03:00Z')],
      skipped: 0,
    });
    expect(runsBetween(thresholdRule, at('2026-12-04T10:00:00Z'), at('2026-12-04T10:10:00Z'), 2)).toEqual({ runs: [at('2026-12-04T10:09:00Z'), at('2026-12-04T10:10:00Z')], skipped: 8 });
    const cron = validateScheduledRule({ ...base, scheduled: { type: 'query', cron: '*/5 * * * *', lookback: '5m' } });
    expect(runsBetween(cron, at('2026-12-04T10:00:00Z'), at('2026-12-04T10:30:00Z'), 3)).toEqual({ runs: [at('2026-12-04T10:20:00Z'), at('2026-12-04T10:25:00Z'), at('2026-12-04T10:30:00Z')], skipped: 3 });
  });
});

describe('evaluation', () => {
  it('groups events by up to three fields, leaves out events missing one, and caps the groups', () => {
    const counter = new GroupCounter(['user.name', 'source.ip'], 2);
    counter.add('e1', { user: { name: 'alice' }, source: { ip: '203.0.113.7' } });
    counter.add('e2', { 'user.name': 'alice', 'source.ip': '203.0.113.7' });
    counter.add('e3', { user: { name: 'bob' } });
    counter.add('e4', { user: { name: 'bob' }, source: { ip: '203.0.113.8' } });
    counter.add('e5', { user: { name: 'carol' }, source: { ip: '203.0.113.9' } });
    expect(counter.result()).toEqual([
      { values: ['alice', '203.0.113.7'], count: 2, eventIds: ['e1', 'e2'] },
      { values: ['bob', '203.0.113.8'], count: 1, eventIds: ['e4'] },
    ]);
    expect(counter.dropped).toBe(1);
    expect(groupValues({ user: { name: { first: 'x' } } }, ['user.name'])).toBeUndefined();
  });

  it('compares counts with gt or gte, alerts on any event without a threshold, and names alerts deterministically', () => {
    expect(passesThreshold(thresholdRule, 100)).toBe(false);
    expect(passesThreshold(thresholdRule, 101)).toBe(true);
    const plain = validateScheduledRule({ ...base, scheduled: { type: 'query', interval: '1m', lookback: '1m' } });
    expect(passesThreshold(plain, 0)).toBe(false);
    expect(passesThreshold(plain, 1)).toBe(true);
    expect(scheduledAlertId('r', 1, ['a'])).toBe(scheduledAlertId('r', 1, ['a']));
    expect(scheduledAlertId('r', 1, ['a'])).not.toBe(scheduledAlertId('r', 2, ['a']));
  });
});
