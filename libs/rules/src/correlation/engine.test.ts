import { describe, expect, it } from 'vitest';
import { CorrelationEngine, CorrelationStateError, type CorrelationAlert, type Signal } from './engine';
import type { CorrelationRule } from './schema';
import { validateCorrelationRule } from './validate';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');

const FAILED = { id: '11111111-1111-4111-8111-111111111111', name: 'ssh_failed_password' };
const ACCEPTED = { id: '22222222-2222-4222-8222-222222222222', name: 'ssh_accepted_password' };
const USER_CREATED = { id: '33333333-3333-4333-8333-333333333333', name: 'user_created' };
const LOGON = { id: '44444444-4444-4444-8444-444444444444', name: 'logon' };
const LOG_CLEARED = { id: '55555555-5555-4555-8555-555555555555', name: 'log_cleared' };
const BASE = [FAILED, ACCEPTED, USER_CREATED, LOGON, LOG_CLEARED];

let ids = 0;
function correlation(title: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}): CorrelationRule {
  ids += 1;
  return validateCorrelationRule({ id: `aaaaaaaa-0000-4000-8000-${String(ids).padStart(12, '0')}`, title, level: 'high', correlation: body, ...extra });
}

let events = 0;
function signal(rule: { id: string; name: string }, at: number, fields: Record<string, unknown>): Signal {
  events += 1;
  return { ruleId: rule.id, ruleName: rule.name, eventId: `event-${String(events).padStart(6, '0')}`, timestamp: at, fields };
}

/** Pushes the signals, then advances the fake clock well past the last one; returns every alert raised. */
function run(engine: CorrelationEngine, signals: readonly Signal[], clock = Math.max(...signals.map((s) => s.timestamp)) + 60 * MIN): CorrelationAlert[] {
  for (const s of signals) engine.push(s);
  return engine.advance(clock);
}

function bruteForceRules(): CorrelationRule[] {
  const failures = correlation('Five failed SSH passwords', {
    type: 'event_count',
    rules: [FAILED.name],
    'group-by': ['user.name', 'source.ip'],
    timespan: '10m',
    condition: { gte: 5 },
  }, { name: 'ssh_password_guessing' });
  const success = correlation('SSH password guessed', {
    type: 'temporal_ordered',
    rules: ['ssh_password_guessing', ACCEPTED.name],
    'group-by': ['user.name', 'source.ip'],
    timespan: '10m',
  });
  return [success, failures];
}

function attempts(user: string, ip: string, failures: number, start = T0, step = 30_000): Signal[] {
  const list: Signal[] = [];
  for (let i = 0; i < failures; i += 1) list.push(signal(FAILED, start + i * step, { 'user.name': user, 'source.ip': ip }));
  list.push(signal(ACCEPTED, start + failures * step, { user: { name: user }, source: { ip: ip } }));
  return list;
}

describe('correlation engine – brute force then success (event_count chained into temporal_ordered)', () => {
  it('5 failures then a success for one user from one address within 10 min raise exactly one alert', () => {
    const engine = new CorrelationEngine(bruteForceRules(), { singleEventRules: BASE });
    const alerts = run(engine, attempts('alice', '203.0.113.5', 5));
    const guessed = alerts.filter((a) => a.title === 'SSH password guessed');
    expect(guessed).toHaveLength(1);
    expect(guessed[0]?.group).toEqual({ 'user.name': 'alice', 'source.ip': '203.0.113.5' });
    expect(guessed[0]?.level).toBe('high');
    expect(alerts.filter((a) => a.title === 'Five failed SSH passwords')).toHaveLength(1);
    expect(engine.advance(T0 + 120 * MIN)).toEqual([]);
  });

  it('4 failures then a success raise nothing', () => {
    const engine = new CorrelationEngine(bruteForceRules(), { singleEventRules: BASE });
    expect(run(engine, attempts('alice', '203.0.113.5', 4))).toEqual([]);
  });

  it('the same pattern for two users raises two alerts, one per user', () => {
    const engine = new CorrelationEngine(bruteForceRules(), { singleEventRules: BASE });
    const alerts = run(engine, [...attempts('alice', '203.0.113.5', 5), ...attempts('bob', '203.0.113.5', 6, T0 + 1000)]).filter((a) => a.title === 'SSH password guessed');
    expect(alerts.map((a) => a.group['user.name']).sort()).toEqual(['alice', 'bob']);
  });

  it('a success before the failures, or failures spread over more than 10 min, raise nothing', () => {
    const engine = new CorrelationEngine(bruteForceRules(), { singleEventRules: BASE });
    const successFirst = [signal(ACCEPTED, T0, { 'user.name': 'carol', 'source.ip': '198.51.100.7' }), ...attempts('carol', '198.51.100.7', 5, T0 + 1000).slice(0, 5)];
    const slow = attempts('dave', '198.51.100.8', 5, T0, 3 * MIN);
    expect(run(engine, [...successFirst, ...slow]).filter((a) => a.title === 'SSH password guessed')).toEqual([]);
  });

  it('lines sent in one burst share a timestamp: their order in the message decides, so the sixth line succeeding after five failures raises the alert', () => {
    const burst = ['203.0.113.9', '203.0.113.9', '203.0.113.9', '203.0.113.9', '203.0.113.9'].map((ip, i) => ({
      ...signal(FAILED, T0, { 'user.name': 'emil', 'source.ip': ip }),
      eventId: `burstmessage.${i + 6}`,
    }));
    const success = { ...signal(ACCEPTED, T0, { 'user.name': 'emil', 'source.ip': '203.0.113.9' }), eventId: 'burstmessage.11' };
    for (const order of [[...burst, success], [success, ...burst.reverse()]]) {
      const alerts = run(new CorrelationEngine(bruteForceRules(), { singleEventRules: BASE }), order).filter((a) => a.title === 'SSH password guessed');
      expect(alerts.map((a) => a.group['user.name'])).toEqual(['emil']);
    }
    const successFirst = { ...success, eventId: 'burstmessage.5' };
    expect(run(new CorrelationEngine(bruteForceRules(), { singleEventRules: BASE }), [...burst, successFirst]).filter((a) => a.title === 'SSH password guessed')).toEqual([]);
  });

  it('signals arriving in any order within the lateness bound give the same alerts as in order', () => {
    const ordered = attempts('alice', '203.0.113.5', 7);
    const shuffled = [...ordered].reverse();
    const rules = bruteForceRules();
    const inOrder = run(new CorrelationEngine(rules, { singleEventRules: BASE }), ordered);
    const outOfOrder = run(new CorrelationEngine(rules, { singleEventRules: BASE }), shuffled);
    expect(inOrder).toHaveLength(2);
    expect(outOfOrder).toEqual(inOrder);
  });
});

describe('correlation engine – password spraying (value_count of user.name per source.ip)', () => {
  const spraying = () =>
    correlation('Password spraying', { type: 'value_count', rules: [FAILED.id], 'group-by': ['source.ip'], timespan: '5m', condition: { field: 'user.name', gte: 20 } });
  const spray = (users: number, gapMs: number, ip = '192.0.2.10', start = T0) =>
    Array.from({ length: users }, (_, i) => signal(FAILED, start + i * gapMs, { 'source.ip': ip, 'user.name': `user${i}` }));

  it('20 distinct users from one address in 5 min raise one alert; 30 still one', () => {
    const twenty = run(new CorrelationEngine([spraying()]), spray(20, 10_000));
    expect(twenty).toHaveLength(1);
    expect(twenty[0]?.value).toBe(20);
    expect(twenty[0]?.eventIds).toHaveLength(20);
    expect(run(new CorrelationEngine([spraying()]), spray(30, 5_000))).toHaveLength(1);
  });

  it('19 distinct users, or 20 tries of one user, raise nothing', () => {
    expect(run(new CorrelationEngine([spraying()]), spray(19, 10_000))).toEqual([]);
    const oneUser = Array.from({ length: 40 }, (_, i) => signal(FAILED, T0 + i * 1000, { 'source.ip': '192.0.2.10', 'user.name': 'root' }));
    expect(run(new CorrelationEngine([spraying()]), oneUser)).toEqual([]);
  });

  it('does not pull in an event just outside the window: the 20th user 5 min + 1 ms after the first does not fire, at exactly 5 min it does', () => {
    const outside = spray(19, 1000);
    outside.push(signal(FAILED, T0 + 5 * MIN + 1, { 'source.ip': '192.0.2.10', 'user.name': 'user19' }));
    expect(run(new CorrelationEngine([spraying()]), outside)).toEqual([]);
    const edge = spray(19, 1000);
    edge.push(signal(FAILED, T0 + 5 * MIN, { 'source.ip': '192.0.2.10', 'user.name': 'user19' }));
    expect(run(new CorrelationEngine([spraying()]), edge)).toHaveLength(1);
  });

  it('counts each address on its own', () => {
    const mixed = [...spray(10, 1000, '192.0.2.10'), ...spray(10, 1000, '192.0.2.11', T0 + 500)];
    expect(run(new CorrelationEngine([spraying()]), mixed)).toEqual([]);
  });

  it('signals without the counted field or a group-by field are skipped and counted', () => {
    const engine = new CorrelationEngine([spraying()]);
    run(engine, [signal(FAILED, T0, { 'source.ip': '192.0.2.10' }), signal(FAILED, T0, { 'user.name': 'x' })]);
    expect(engine.stats().rules[0]?.skipped).toBe(2);
  });
});

describe('correlation engine – temporal_ordered chain (user created → logon → log cleared, one host)', () => {
  const chain = () =>
    correlation('New account used then logs cleared', { type: 'temporal_ordered', rules: [USER_CREATED.name, LOGON.name, LOG_CLEARED.name], 'group-by': ['host.name'], timespan: '1h' });
  const host = (name: string) => ({ 'host.name': name });

  it('fires once when the three steps come in order on one host within the hour', () => {
    const alerts = run(new CorrelationEngine([chain()]), [signal(USER_CREATED, T0, host('web1')), signal(LOGON, T0 + 5 * MIN, host('web1')), signal(LOG_CLEARED, T0 + 20 * MIN, host('web1'))]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.value).toBe(3);
    expect(alerts[0]?.eventIds).toHaveLength(3);
    expect(alerts[0]?.firstTimestamp).toBe(T0);
  });

  it('does not fire when the order is wrong', () => {
    expect(run(new CorrelationEngine([chain()]), [signal(LOGON, T0, host('web1')), signal(USER_CREATED, T0 + MIN, host('web1')), signal(LOG_CLEARED, T0 + 2 * MIN, host('web1'))])).toEqual([]);
  });

  it('checks every step, not only the first: created → cleared without a logon, or with the logon last, does not fire', () => {
    expect(run(new CorrelationEngine([chain()]), [signal(USER_CREATED, T0, host('web1')), signal(LOG_CLEARED, T0 + MIN, host('web1'))])).toEqual([]);
    expect(run(new CorrelationEngine([chain()]), [signal(USER_CREATED, T0, host('web1')), signal(LOG_CLEARED, T0 + MIN, host('web1')), signal(LOGON, T0 + 2 * MIN, host('web1'))])).toEqual([]);
  });

  it('does not fire across hosts or beyond the hour', () => {
    expect(run(new CorrelationEngine([chain()]), [signal(USER_CREATED, T0, host('web1')), signal(LOGON, T0 + MIN, host('web2')), signal(LOG_CLEARED, T0 + 2 * MIN, host('web1'))])).toEqual([]);
    expect(run(new CorrelationEngine([chain()]), [signal(USER_CREATED, T0, host('web1')), signal(LOGON, T0 + MIN, host('web1')), signal(LOG_CLEARED, T0 + 61 * MIN, host('web1'))])).toEqual([]);
  });

  it('a later start keeps the chain alive: an old creation, then a fresh one, logon and clearing within the hour fire once', () => {
    const alerts = run(new CorrelationEngine([chain()]), [
      signal(USER_CREATED, T0, host('web1')),
      signal(USER_CREATED, T0 + 50 * MIN, host('web1')),
      signal(LOGON, T0 + 55 * MIN, host('web1')),
      signal(LOG_CLEARED, T0 + 70 * MIN, host('web1')),
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.firstTimestamp).toBe(T0 + 50 * MIN);
  });
});

describe('correlation engine – temporal honours group-by', () => {
  const temporal = () => correlation('Account created and logon on one host', { type: 'temporal', rules: [USER_CREATED.name, LOGON.name], 'group-by': ['host.name'], timespan: '10m' });

  it('events of the two rules on two hosts do not fire; on one host, in any order, they fire once', () => {
    expect(run(new CorrelationEngine([temporal()]), [signal(LOGON, T0, { 'host.name': 'a' }), signal(USER_CREATED, T0 + MIN, { 'host.name': 'b' })])).toEqual([]);
    const alerts = run(new CorrelationEngine([temporal()]), [signal(LOGON, T0, { 'host.name': 'a' }), signal(USER_CREATED, T0 + MIN, { 'host.name': 'a' }), signal(LOGON, T0 + 2 * MIN, { 'host.name': 'a' })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.group).toEqual({ 'host.name': 'a' });
  });

  it('aliases group events by different fields of each rule', () => {
    const rule = correlation('Error then connection back', {
      type: 'temporal',
      rules: [LOGON.name, LOG_CLEARED.name],
      'group-by': ['peer'],
      timespan: '1m',
      aliases: { peer: { [LOGON.name]: 'source.ip', [LOG_CLEARED.name]: 'destination.ip' } },
    });
    expect(run(new CorrelationEngine([rule]), [signal(LOGON, T0, { 'source.ip': '10.0.0.1' }), signal(LOG_CLEARED, T0 + 1000, { 'destination.ip': '10.0.0.1' })])).toHaveLength(1);
    expect(run(new CorrelationEngine([rule]), [signal(LOGON, T0, { 'source.ip': '10.0.0.1' }), signal(LOG_CLEARED, T0 + 1000, { 'source.ip': '10.0.0.1' })])).toEqual([]);
  });
});

describe('correlation engine – value_sum, value_avg, value_percentile and conditions decided at window close', () => {
  it('value_sum of bytes per address fires when the sum reaches the bound', () => {
    const rule = correlation('Large upload', { type: 'value_sum', rules: [LOGON.id], 'group-by': ['source.ip'], timespan: '1m', condition: { field: 'bytes', gte: 1000 } });
    const alerts = run(new CorrelationEngine([rule]), [400, 'x', 500, 100].map((bytes, i) => signal(LOGON, T0 + i * 1000, { 'source.ip': 'a', bytes })));
    expect(alerts.map((a) => a.value)).toEqual([1000]);
  });

  it('value_avg and value_percentile (nearest rank) measure the window', () => {
    const avg = correlation('Slow answers', { type: 'value_avg', rules: [LOGON.id], timespan: '1m', condition: { field: 'ms', gt: 150 } });
    expect(run(new CorrelationEngine([avg]), [100, 150, 200].map((ms, i) => signal(LOGON, T0 + i, { ms }))).map((a) => a.value)).toEqual([]);
    expect(run(new CorrelationEngine([avg]), [100, 150, 260].map((ms, i) => signal(LOGON, T0 + i, { ms }))).map((a) => Math.round(a.value))).toEqual([170]);
    const p90 = correlation('Tail latency', { type: 'value_percentile', rules: [LOGON.id], timespan: '1m', condition: { field: 'ms', percentile: 90, gte: 900 } });
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 900, 100];
    expect(run(new CorrelationEngine([p90]), values.map((ms, i) => signal(LOGON, T0 + i, { ms }))).map((a) => a.value)).toEqual([900]);
  });

  it('lte is decided when the window closes: 2 logons in 10 min fire once the window ended, 3 do not', () => {
    const rule = correlation('Rare logons', { type: 'event_count', rules: [LOGON.id], 'group-by': ['host.name'], timespan: '10m', condition: { gte: 1, lte: 2 } });
    const engine = new CorrelationEngine([rule], { allowedLatenessMs: 0 });
    engine.push(signal(LOGON, T0, { 'host.name': 'h' }));
    engine.push(signal(LOGON, T0 + MIN, { 'host.name': 'h' }));
    expect(engine.advance(T0 + 5 * MIN)).toEqual([]);
    const alerts = engine.advance(T0 + 10 * MIN);
    expect(alerts.map((a) => a.value)).toEqual([2]);
    const busy = new CorrelationEngine([rule], { allowedLatenessMs: 0 });
    // The window anchored at the first logon holds 3 and does not fire; the one anchored at the second holds 2 and does.
    const fired = run(busy, [0, 1, 2].map((m) => signal(LOGON, T0 + m * MIN, { 'host.name': 'h' })));
    expect(fired.map((a) => a.value)).toEqual([2]);
    expect(fired[0]?.firstTimestamp).toBe(T0 + MIN);
  });
});

describe('correlation engine – time, state and bounds', () => {
  const counting = () => correlation('Three logons', { type: 'event_count', rules: [LOGON.id], 'group-by': ['user.name'], timespan: '10m', condition: { gte: 3 } });

  it('raises each alert once however often time advances, with an id fixed by rule, group and first event', () => {
    const signals = [0, 1, 2, 3, 4, 5].map((m) => signal(LOGON, T0 + m * MIN, { 'user.name': 'u' }));
    const rule = counting();
    const engine = new CorrelationEngine([rule]);
    for (const s of signals) engine.push(s);
    const alerts = [engine.advance(T0 + 2 * MIN + 5000), engine.advance(T0 + 2 * MIN + 5000), engine.advance(T0 + 30 * MIN), engine.advance(T0 + 60 * MIN)].flat();
    expect(alerts.map((a) => a.eventIds[0])).toEqual([signals[0]?.eventId, signals[3]?.eventId]);
    const again = run(new CorrelationEngine([rule]), signals);
    expect(again.map((a) => a.id)).toEqual(alerts.map((a) => a.id));
    expect(new Set(alerts.map((a) => a.id)).size).toBe(2);
  });

  it('drops and counts late, repeated and malformed signals without throwing', () => {
    const engine = new CorrelationEngine([counting()], { allowedLatenessMs: 1000 });
    const first = signal(LOGON, T0, { 'user.name': 'u' });
    engine.push(first);
    engine.push(first);
    engine.advance(T0 + 10_000);
    engine.push(signal(LOGON, T0 + 8999, { 'user.name': 'u' }));
    engine.push({ ruleId: LOGON.id, eventId: 'x', timestamp: Number.NaN, fields: {} });
    engine.push(null as unknown as Signal);
    expect(engine.stats()).toMatchObject({ late: 1, duplicates: 1, invalid: 2 });
  });

  it('keeps at most maxGroupsPerRule groups, evicting the stalest first and counting it', () => {
    const engine = new CorrelationEngine([counting()], { maxGroupsPerRule: 3 });
    const users = ['a', 'b', 'c', 'd', 'e'];
    const signals = users.flatMap((user, i) => [signal(LOGON, T0 + i * 1000, { 'user.name': user }), signal(LOGON, T0 + i * 1000 + 1, { 'user.name': user })]);
    expect(run(engine, signals, T0 + 10_000)).toEqual([]);
    expect(engine.stats().rules[0]).toMatchObject({ groups: 3, evicted: 2 });
    // a and b lost their first two logons with their groups; c, d and e kept theirs.
    const third = run(engine, ['c', 'd', 'e', 'a'].map((user, i) => signal(LOGON, T0 + 20_000 + i, { 'user.name': user })), T0 + 40_000);
    expect(third.map((a) => a.group['user.name'])).toEqual(['c', 'd', 'e']);
    expect(engine.stats().rules[0]?.evicted).toBe(3);
  });

  it('forgets groups whose events all left the window', () => {
    const engine = new CorrelationEngine([counting()]);
    run(engine, [signal(LOGON, T0, { 'user.name': 'a' })], T0 + MIN);
    expect(engine.stats().rules[0]?.groups).toBe(1);
    engine.advance(T0 + 11 * MIN);
    expect(engine.stats().rules[0]?.groups).toBe(0);
  });

  it('a snapshot restored into a new engine continues exactly as the engine that wrote it', () => {
    const rules = bruteForceRules();
    const signals = [...attempts('alice', '203.0.113.5', 6), ...attempts('bob', '203.0.113.9', 5, T0 + 2000)].sort((a, b) => a.timestamp - b.timestamp);
    const whole = run(new CorrelationEngine(rules, { singleEventRules: BASE }), signals);
    const before = new CorrelationEngine(rules, { singleEventRules: BASE });
    for (const s of signals.slice(0, 7)) before.push(s);
    const firstPart = before.advance(signals[5]?.timestamp as number);
    const saved = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    const after = new CorrelationEngine(rules, { singleEventRules: BASE });
    after.restore(saved);
    const rest = run(after, signals.slice(7), (signals.at(-1)?.timestamp as number) + 60 * MIN);
    expect([...firstPart, ...rest]).toEqual(whole);
    expect(whole.filter((a) => a.title === 'SSH password guessed')).toHaveLength(2);
  });

  it('snapshotJson holds only the events still in a sliding window, and its text resumes exactly as the engine that wrote it', () => {
    const rules = bruteForceRules();
    // Failures 4 minutes apart: at most 3 share a 10-minute window, so older ones leave it and none fires.
    const slow = Array.from({ length: 8 }, (_, i) => signal(FAILED, T0 + i * 4 * MIN, { 'user.name': 'carol', 'source.ip': '198.51.100.7' }));
    const burst = attempts('carol', '198.51.100.7', 5, T0 + 40 * MIN);
    const whole = run(new CorrelationEngine(rules, { singleEventRules: BASE }), [...slow, ...burst]);
    const writer = new CorrelationEngine(rules, { singleEventRules: BASE });
    const firstPart = run(writer, slow, T0 + 30 * MIN);
    const text = writer.snapshotJson();
    const copy = writer.snapshot();
    expect(JSON.parse(text)).toEqual(copy);
    const windows = copy.rules.flatMap((rule) => rule.groups.map(([, group]) => group.data)).filter((data) => 'entries' in data);
    expect(windows.flatMap((data) => ('entries' in data ? data.entries.map((entry) => entry.t) : []))).toEqual([T0 + 20 * MIN, T0 + 24 * MIN, T0 + 28 * MIN]);
    writer.push(burst[0] as Signal);
    writer.advance(T0 + 41 * MIN);
    expect(writer.snapshot()).not.toEqual(copy);
    expect(JSON.parse(text)).toEqual(copy);
    const reader = new CorrelationEngine(rules, { singleEventRules: BASE });
    reader.restore(JSON.parse(text));
    const rest = run(reader, burst);
    expect(firstPart).toEqual([]);
    expect(rest).toEqual(whole);
    expect(rest.map((alert) => alert.title)).toEqual(['Five failed SSH passwords', 'SSH password guessed']);
  });

  it('snapshotJson after every step, keeping the text of untouched groups, equals the text of an engine that serializes it all once', () => {
    const rules = [
      ...bruteForceRules(),
      correlation('Spraying', { type: 'value_count', rules: [FAILED.id], 'group-by': ['source.ip'], timespan: '5m', condition: { field: 'user.name', gte: 3 } }),
      correlation('Created and logon', { type: 'temporal', rules: [USER_CREATED.name, LOGON.name], 'group-by': ['host.name'], timespan: '10m' }),
      correlation('Created, logon, cleared', { type: 'temporal_ordered', rules: [USER_CREATED.name, LOGON.name, LOG_CLEARED.name], 'group-by': ['host.name'], timespan: '10m' }),
      correlation('Rare logons', { type: 'event_count', rules: [LOGON.id], 'group-by': ['host.name'], timespan: '10m', condition: { gte: 1, lte: 2 } }),
    ];
    const options = { singleEventRules: BASE, maxGroupsPerRule: 6 };
    // A fixed sequence of users, hosts, rules and gaps: windows fill, fire, close at their end, expire, and groups are evicted at the cap.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * n);
    };
    const kinds = [FAILED, FAILED, ACCEPTED, USER_CREATED, LOGON, LOGON, LOG_CLEARED];
    let at = T0;
    const stream = Array.from({ length: 300 }, () => {
      at += next(4) * 30_000;
      const user = `u${next(6)}`;
      return signal(kinds[next(kinds.length)]!, at, { 'user.name': user, 'source.ip': `192.0.2.${next(3)}`, 'host.name': `h${next(5)}` });
    });
    const feed = (engine: CorrelationEngine, signals: readonly Signal[], each?: () => void): void => {
      signals.forEach((s, i) => {
        engine.push(s);
        if (i % 10 === 9) engine.advance(s.timestamp);
        each?.();
      });
    };
    const cached = new CorrelationEngine(rules, options);
    let compared = 0;
    for (let end = 10; end <= stream.length; end += 10) {
      feed(cached, stream.slice(end - 10, end), () => cached.snapshotJson());
      const fresh = new CorrelationEngine(rules, options);
      feed(fresh, stream.slice(0, end));
      expect(cached.snapshotJson()).toBe(fresh.snapshotJson());
      compared += 1;
    }
    expect(compared).toBe(30);
    const stats = cached.stats();
    expect(stats.rules.reduce((sum, rule) => sum + rule.alerts, 0)).toBeGreaterThan(0);
    expect(stats.rules.reduce((sum, rule) => sum + rule.evicted, 0)).toBeGreaterThan(0);
  });

  it('refuses a snapshot it did not write, and drops the state of a rule that changed', () => {
    const engine = new CorrelationEngine([counting()]);
    expect(() => engine.restore({ version: 9 })).toThrow(CorrelationStateError);
    expect(() => engine.restore({ version: 1, watermark: 0, pending: [], counters: {}, rules: [{ id: 'x', groups: [[1, {}]] }] })).toThrow(/malformed/);
    const rule = counting();
    const writer = new CorrelationEngine([rule]);
    run(writer, [signal(LOGON, T0, { 'user.name': 'a' })], T0 + MIN);
    const changed = new CorrelationEngine([{ ...rule, correlation: { ...rule.correlation, timespan: '20m' } }]);
    changed.restore(writer.snapshot());
    expect(changed.stats().rules[0]?.groups).toBe(0);
  });
});
