import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { SuppressionSchema, suppressionKey } from './suppression';

const rule = 'c0ffee00-0000-4000-8000-000000000001';
const hour = { fields: ['host.name', 'user.name'], window: '1h' };
const at = (iso: string) => Date.parse(iso);

describe('suppressionKey', () => {
  it('gives one id to matches of one rule with the same values in one window', () => {
    const event = { host: { name: 'web-1' }, user: { name: 'alice' } };
    const first = suppressionKey(rule, hour, event, at('2026-05-01T10:05:00Z'));
    const second = suppressionKey(rule, hour, { ...event, message: 'other' }, at('2026-05-01T10:59:59.999Z'));
    expect(second.id).toBe(first.id);
    expect(first.values).toEqual({ 'host.name': 'web-1', 'user.name': 'alice' });
    expect(first.windowStart).toBe('2026-05-01T10:00:00.000Z');
    expect(first.windowEnd).toBe('2026-05-01T11:00:00.000Z');
  });

  it('gives another id for another window, value, rule, or a missing field', () => {
    const event = { host: { name: 'web-1' }, user: { name: 'alice' } };
    const base = suppressionKey(rule, hour, event, at('2026-05-01T10:05:00Z')).id;
    expect(suppressionKey(rule, hour, event, at('2026-05-01T11:00:00Z')).id).not.toBe(base);
    expect(suppressionKey(rule, hour, { ...event, user: { name: 'bob' } }, at('2026-05-01T10:05:00Z')).id).not.toBe(base);
    expect(suppressionKey('c0ffee00-0000-4000-8000-000000000002', hour, event, at('2026-05-01T10:05:00Z')).id).not.toBe(base);
    const missing = suppressionKey(rule, hour, { host: { name: 'web-1' } }, at('2026-05-01T10:05:00Z'));
    expect(missing.values['user.name']).toBeNull();
    expect(missing.id).not.toBe(suppressionKey(rule, hour, { host: { name: 'web-1' }, user: { name: '' } }, at('2026-05-01T10:05:00Z')).id);
  });

  it("keeps two tenants' matches apart even when their values are the same", () => {
    const acme = suppressionKey(rule, hour, { organization: { id: 'acme' }, host: { name: 'web-1' } }, 0);
    const globex = suppressionKey(rule, hour, { organization: { id: 'globex' }, host: { name: 'web-1' } }, 0);
    expect(acme.id).not.toBe(globex.id);
  });

  it('reads flat dotted keys as well as nested objects', () => {
    const nested = suppressionKey(rule, { fields: ['host.name'], window: '5m' }, { host: { name: 'a' } }, 0);
    const flat = suppressionKey(rule, { fields: ['host.name'], window: '5m' }, { 'host.name': 'a' }, 0);
    expect(flat.id).toBe(nested.id);
  });

  it('refuses a window without a unit and an empty field list', () => {
    expect(Value.Check(SuppressionSchema, { fields: ['host.name'], window: '10' })).toBe(false);
    expect(Value.Check(SuppressionSchema, { fields: [], window: '10m' })).toBe(false);
    expect(Value.Check(SuppressionSchema, hour)).toBe(true);
  });
});
