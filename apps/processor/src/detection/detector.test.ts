import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BusProducer, BusRecord } from '@siem/bus';
import { alertId, compileRules, decodeSignal, signalRouting, validateCorrelationRule, validateRule, type CompiledRuleSet } from '@siem/rules';
import { EmbeddedDetectionStore, type StoredAlert } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { createDetector } from './detector';
import { watchRules } from './rule-watcher';
import { createWorkerDetection } from './worker-detection';

const logger = createLogger('test', 'silent');

/** A sshd line as linux_auth parses it (message text from OpenSSH's packet.c). */
function sshdEvent(message: string) {
  return {
    '@timestamp': '2026-06-02T08:00:00.000Z',
    message,
    event: { dataset: 'linux_auth', category: ['authentication'] },
    host: { name: 'bastion' },
    process: { name: 'sshd', pid: 812 },
    source: { ip: '203.0.113.9' },
  };
}

const corruptedMacRule = validateRule({
  id: '7c1c2b3d-0000-4000-8000-000000000001',
  title: 'SSH corrupted MAC',
  level: 'medium',
  tags: ['attack.initial-access', 'attack.t1190'],
  logsource: { product: 'linux', service: 'sshd' },
  detection: { keywords: ['*Corrupted MAC on input*'], condition: 'keywords' },
});

class CollectingProducer implements BusProducer {
  readonly sent: { topic: string; records: readonly BusRecord[] }[] = [];
  async connect() {}
  async send(topic: string, records: readonly BusRecord[]) {
    this.sent.push({ topic, records });
  }
  async disconnect() {}
}

describe('createDetector', () => {
  it('turns each match into an alert with the rule, ATT&CK ids, pivot fields and a deterministic id, written at flush', async () => {
    const written: StoredAlert[][] = [];
    const producer = new CollectingProducer();
    const rules = compileRules([corruptedMacRule]);
    const detector = createDetector({
      rules: () => rules,
      store: { writeAlerts: async (alerts) => (written.push([...alerts]), { rejected: [] }), mergeAlerts: async () => ({ rejected: [] }) },
      alertsTopic: { producer, topic: 'siem.alerts' },
      logger,
      metrics: new MetricsRegistry(),
    });
    const chunk = detector.begin();
    chunk.inspect(sshdEvent('Corrupted MAC on input. [preauth]'), 'event-1');
    chunk.inspect(sshdEvent('Accepted publickey for alice'), 'event-2');
    expect(written).toEqual([]);
    await chunk.flush();
    expect(written).toHaveLength(1);
    const [alert] = written[0]!;
    expect(alert!.id).toBe(alertId(corruptedMacRule.id, 'event-1'));
    expect(alert!.alert).toMatchObject({
      '@timestamp': '2026-06-02T08:00:00.000Z',
      message: 'SSH corrupted MAC',
      rule: { id: corruptedMacRule.id, title: 'SSH corrupted MAC', level: 'medium', tags: ['attack.initial-access', 'attack.t1190'] },
      threat: { technique: { id: ['T1190'] }, tactic: { name: ['initial-access'] } },
      alert: { status: 'open' },
      event: { id: 'event-1', dataset: 'linux_auth', category: ['authentication'] },
      host: { name: 'bastion' },
      source: { ip: '203.0.113.9' },
      process: { name: 'sshd', pid: 812 },
    });
    expect(Date.parse(alert!.alert.alert.detected_at)).not.toBeNaN();
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]!.topic).toBe('siem.alerts');
    expect(producer.sent[0]!.records[0]!.key).toBe(alert!.id);
    expect(JSON.parse(producer.sent[0]!.records[0]!.value.toString())).toMatchObject({ id: alert!.id, rule: { id: corruptedMacRule.id } });
  });

  it('sends the matches of a rule a correlation names as signals with the fields it groups by, and no alert of its own unless generate: true', async () => {
    const correlation = validateCorrelationRule({
      id: '7c1c2b3d-0000-4000-8000-0000000000c1',
      title: 'Corrupted MAC storm',
      correlation: { type: 'event_count', rules: [corruptedMacRule.id], 'group-by': ['source.ip'], timespan: '5m', condition: { gte: 3 } },
    });
    for (const generate of [false, true]) {
      const written: StoredAlert[] = [];
      const producer = new CollectingProducer();
      const rules = compileRules([corruptedMacRule]);
      const routing = signalRouting([corruptedMacRule], [{ ...correlation, correlation: { ...correlation.correlation, generate } }]);
      const detector = createDetector({
        rules: () => rules,
        routing: () => routing,
        store: { writeAlerts: async (alerts) => (written.push(...alerts), { rejected: [] }), mergeAlerts: async () => ({ rejected: [] }) },
        signalsTopic: { producer, topic: 'siem.signals' },
        logger,
        metrics: new MetricsRegistry(),
      });
      const chunk = detector.begin();
      chunk.inspect(sshdEvent('Corrupted MAC on input. [preauth]'), 'event-1');
      await chunk.flush();
      expect(written).toHaveLength(generate ? 1 : 0);
      expect(producer.sent.map((batch) => batch.topic)).toEqual(['siem.signals']);
      const signal = decodeSignal(producer.sent[0]!.records[0]!.value);
      expect(signal).toMatchObject({ ruleId: corruptedMacRule.id, eventId: 'event-1', timestamp: Date.parse('2026-06-02T08:00:00.000Z'), fields: { 'source.ip': '203.0.113.9', 'host.name': 'bastion' } });
    }
  });

  it('counts a rule set that throws and goes on without alerts for that event', async () => {
    const metrics = new MetricsRegistry();
    const throwing = { ...compileRules([]), match: () => { throw new Error('boom'); } } as CompiledRuleSet;
    const detector = createDetector({ rules: () => throwing, store: { writeAlerts: async () => ({ rejected: [] }), mergeAlerts: async () => ({ rejected: [] }) }, logger, metrics });
    const chunk = detector.begin();
    chunk.inspect(sshdEvent('x'), 'event-1');
    await chunk.flush();
    expect(metrics.render()).toContain('siem_processor_detection_errors_total 1');
  });
});

describe('rule changes reach a running worker', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-rule-watcher-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('compiles the enabled rules at start and picks up a new, a disabled and a deleted rule at the next poll', async () => {
    const api = new EmbeddedDetectionStore({ dataDir: directory });
    const worker = new EmbeddedDetectionStore({ dataDir: directory });
    await api.saveRules([{ ...corruptedMacRule }]);
    const watcher = watchRules({ store: worker, pollMs: 50, logger });
    await watcher.start();
    try {
      expect(watcher.current().size).toBe(1);
      const second = { ...corruptedMacRule, id: '7c1c2b3d-0000-4000-8000-000000000002', title: 'Second' };
      await api.saveRules([second]);
      await expect.poll(() => watcher.current().size, { timeout: 2000 }).toBe(2);
      await api.saveRules([{ ...second, enabled: false }]);
      await expect.poll(() => watcher.current().size, { timeout: 2000 }).toBe(1);
      await api.deleteRule(corruptedMacRule.id);
      await expect.poll(() => watcher.current().size, { timeout: 2000 }).toBe(0);
    } finally {
      watcher.stop();
      await Promise.all([api.close(), worker.close()]);
    }
  });

  it('leaves stored correlations out of the compiled set and routes the matches of the rules they name', async () => {
    const store = new EmbeddedDetectionStore({ dataDir: fs.mkdtempSync(path.join(directory, 'correlations-')) });
    const correlation = validateCorrelationRule({
      id: '7c1c2b3d-0000-4000-8000-0000000000c2',
      title: 'Corrupted MAC storm',
      correlation: { type: 'event_count', rules: [corruptedMacRule.id], 'group-by': ['host.name'], timespan: '5m', condition: { gte: 3 } },
    });
    await store.saveRules([{ ...corruptedMacRule }, correlation as never]);
    const watcher = watchRules({ store, pollMs: 50, logger });
    await watcher.start();
    try {
      expect(watcher.current().size).toBe(1);
      expect(watcher.routing().feeds.get(corruptedMacRule.id)).toContain('host.name');
      expect([...watcher.routing().muted]).toEqual([corruptedMacRule.id]);
    } finally {
      watcher.stop();
      await store.close();
    }
  });

  it('counts evaluations and matches per rule in the worker metrics, across recompiles', async () => {
    const store = new EmbeddedDetectionStore({ dataDir: fs.mkdtempSync(path.join(directory, 'metrics-')) });
    await store.saveRules([{ ...corruptedMacRule }]);
    const metrics = new MetricsRegistry();
    const detection = createWorkerDetection({ store, pollMs: 50, logger, metrics });
    await detection.start();
    try {
      const chunk = detection.detector.begin();
      chunk.inspect(sshdEvent('Corrupted MAC on input.'), 'a');
      chunk.inspect(sshdEvent('Corrupted MAC on input again'), 'b');
      await chunk.flush();
      expect((await store.searchAlerts({ size: 10 })).total).toBe(2);
      expect(metrics.render()).toContain(`siem_rule_matched_total{rule_id="${corruptedMacRule.id}"} 2`);
      await store.saveRules([{ ...corruptedMacRule, level: 'high' }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const next = detection.detector.begin();
      next.inspect(sshdEvent('Corrupted MAC on input, third'), 'c');
      await next.flush();
      expect(metrics.render()).toContain(`siem_rule_matched_total{rule_id="${corruptedMacRule.id}"} 3`);
      expect(metrics.render()).toMatch(new RegExp(`siem_rule_seconds_total\\{rule_id="${corruptedMacRule.id}"\\} [0-9.e-]+`));
    } finally {
      await detection.stop();
    }
  });
});

describe('suppression and notifications in the worker', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-suppression-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('merges the matches of a suppressed rule into one alert per host and window, across chunks and redelivery, and notifies once per alert', async () => {
    const store = new EmbeddedDetectionStore({ dataDir: directory });
    const suppressedRule = validateRule({
      ...corruptedMacRule,
      id: '7c1c2b3d-0000-4000-8000-0000000000d1',
      suppression: { fields: ['host.name'], window: '1h' },
      actions: [{ id: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/never' }],
    });
    const plainRule = validateRule({ ...corruptedMacRule, id: '7c1c2b3d-0000-4000-8000-0000000000d2', title: 'Plain', actions: [{ id: 'bus', type: 'kafka', topic: 'soc' }] });
    const rules = compileRules([suppressedRule, plainRule]);
    const dispatched: { id: string; rule: string }[] = [];
    const detector = createDetector({
      rules: () => rules,
      store,
      actions: { dispatch: (alert, rule) => void dispatched.push({ id: alert.id, rule: rule.id }) },
      logger,
      metrics: new MetricsRegistry(),
    });
    const run = async (events: [string, string][]) => {
      const chunk = detector.begin();
      for (const [eventId, host] of events) chunk.inspect({ ...sshdEvent('Corrupted MAC on input.'), host: { name: host } }, eventId);
      await chunk.flush();
    };
    await run([
      ['m1', 'bastion'],
      ['m2', 'bastion'],
      ['m3', 'jump'],
    ]);
    await run([['m4', 'bastion']]);
    // A redelivered chunk: neither counted nor notified again.
    await run([['m1', 'bastion']]);
    const suppressed = (await store.searchAlerts({ ruleId: suppressedRule.id, size: 10 })).alerts;
    expect(suppressed.map((found) => [found.alert.host, found.alert.alert.count, found.alert.alert.event_ids])).toEqual(
      expect.arrayContaining([
        [{ name: 'bastion' }, 3, ['m1', 'm2', 'm4']],
        [{ name: 'jump' }, 1, ['m3']],
      ]),
    );
    expect(suppressed).toHaveLength(2);
    expect((await store.searchAlerts({ ruleId: plainRule.id, size: 10 })).total).toBe(4);
    expect(dispatched.filter((entry) => entry.rule === suppressedRule.id).map((entry) => entry.id).sort()).toEqual(suppressed.map((found) => found.id).sort());
    expect(dispatched.filter((entry) => entry.rule === plainRule.id)).toHaveLength(4);
    await store.close();
  });
});
