import { describe, expect, it } from 'vitest';
import { validateRule, type Rule } from '@siem/rules';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import type { StoredAlert } from '@siem/store';
import { createDetector } from './detector';
import { compileTenantRules } from './tenant-rules';

/** Rule ids are UUIDs; the tests name them. */
const RULE_IDS: Record<string, string> = {
  'acme-rule': '00000000-0000-4000-8000-00000000000a',
  'globex-rule': '00000000-0000-4000-8000-00000000000b',
  'global-rule': '00000000-0000-4000-8000-00000000000c',
  'legacy-rule': '00000000-0000-4000-8000-00000000000d',
};
const nameOf = new Map(Object.entries(RULE_IDS).map(([name, id]) => [id, name]));

const sshRule = (name: string, tenant?: string): Rule => ({
  ...validateRule({
    id: RULE_IDS[name]!,
    title: `SSH corrupted MAC ${name}`,
    level: 'medium',
    logsource: { product: 'linux', service: 'sshd' },
    detection: { keywords: ['*Corrupted MAC on input*'], condition: 'keywords' },
  }),
  ...(tenant === undefined ? {} : { tenant }),
});

/** A sshd line as linux_auth parses it, in a tenant (message text from OpenSSH's packet.c). */
const event = (tenant?: string) => ({
  '@timestamp': '2026-06-02T08:00:00.000Z',
  message: 'Corrupted MAC on input. [preauth]',
  event: { dataset: 'linux_auth', category: ['authentication'] },
  host: { name: 'bastion' },
  process: { name: 'sshd', pid: 812 },
  ...(tenant === undefined ? {} : { organization: { id: tenant } }),
});

describe('rules per tenant', () => {
  const rules = compileTenantRules([sshRule('acme-rule', 'acme'), sshRule('globex-rule', 'globex'), sshRule('global-rule', '*'), sshRule('legacy-rule')]);
  const matched = (tenant?: string) => rules.match(event(tenant)).map((match) => nameOf.get(match.rule.id)).sort();

  it('runs a tenant\'s rules only on its events, global rules on every tenant\'s, and a rule without tenant as default\'s (an event without one too)', () => {
    expect(matched('acme')).toEqual(['acme-rule', 'global-rule']);
    expect(matched('globex')).toEqual(['global-rule', 'globex-rule']);
    expect(matched('default')).toEqual(['global-rule', 'legacy-rule']);
    expect(matched('initech')).toEqual(['global-rule']);
    expect(matched(undefined)).toEqual(['global-rule', 'legacy-rule']);
    expect(rules.size).toBe(4);
    expect([...rules.stats().keys()].map((id) => nameOf.get(id)).sort()).toEqual(['acme-rule', 'global-rule', 'globex-rule', 'legacy-rule']);
  });

  it('gives the alert of a global rule the tenant of the event it matched', async () => {
    const written: StoredAlert[] = [];
    const detector = createDetector({
      rules: () => compileTenantRules([sshRule('global-rule', '*')]),
      store: { writeAlerts: async (alerts) => (written.push(...alerts), { rejected: [] }), mergeAlerts: async (alerts) => (written.push(...alerts), { rejected: [] }) },
      logger: createLogger('test', 'silent'),
      metrics: new MetricsRegistry(),
    });
    const batch = detector.begin();
    batch.inspect(event('acme'), 'e-acme');
    batch.inspect(event('globex'), 'e-globex');
    await batch.flush();
    expect(written.map((alert) => [alert.alert.event.id, alert.alert.organization])).toEqual([
      ['e-acme', { id: 'acme' }],
      ['e-globex', { id: 'globex' }],
    ]);
  });
});
