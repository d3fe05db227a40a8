import { decodeHeartbeat } from '@siem/fleet';
import type { BusRecord } from '@siem/bus';
import { createLogger } from '@siem/telemetry';
import { describe, expect, it } from 'vitest';
import { createHeartbeatSender } from './heartbeat-sender';

function sender(options: { fail?: () => boolean; spooled?: number } = {}) {
  const sent: { topic: string; records: readonly BusRecord[] }[] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (topic: string, records: readonly BusRecord[]) => {
      if (options.fail?.()) throw new Error('broker down');
      sent.push({ topic, records });
    },
  };
  const now = Date.parse('2026-12-04T10:00:10.000Z');
  const heartbeat = createHeartbeatSender({
    producer,
    topic: 'siem.agents',
    identity: { id: 'gw-1', hostname: 'plant-7', role: 'agent' },
    tenant: 'default',
    intervalS: 10,
    spool: { stats: () => ({ records: options.spooled ?? 0, messages: 0, bytes: (options.spooled ?? 0) * 100, byLabel: new Map(), ...(options.spooled ? { oldestAppendedAt: now - 4_000 } : {}) }) },
    spoolMaxBytes: 1 << 20,
    inputs: () => ['file:/var/log/app/*.log'],
    configVersion: () => 'v4',
    logger: createLogger('test', 'silent'),
    now: () => now,
  });
  return { heartbeat, sent };
}

describe('collector heartbeat', () => {
  it('heartbeat – sends id, role, host, inputs, spool, lag and configuration version, keyed by id, to the agents topic', async () => {
    const { heartbeat, sent } = sender({ spooled: 12 });
    await heartbeat.beat();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('siem.agents');
    expect(sent[0]!.records[0]!.key).toBe('gw-1');
    expect(decodeHeartbeat(sent[0]!.records[0]!.value)).toMatchObject({
      id: 'gw-1',
      role: 'agent',
      host: 'plant-7',
      inputs: ['file:/var/log/app/*.log'],
      spool: { records: 12, bytes: 1200, maxBytes: 1 << 20 },
      lagSeconds: 4,
      configVersion: 'v4',
      intervalS: 10,
      lastError: 'The bus is unreachable or slow: 12 records wait in the disk spool.',
    });
  });

  it('heartbeat – a failed send never rejects and becomes the next heartbeat\'s last error, cleared once one gets through', async () => {
    let failing = true;
    const { heartbeat, sent } = sender({ fail: () => failing });
    await expect(heartbeat.beat()).resolves.toBeUndefined();
    failing = false;
    await heartbeat.beat();
    expect(decodeHeartbeat(sent[0]!.records[0]!.value)?.lastError).toBe('A heartbeat could not be sent: broker down');
    await heartbeat.beat();
    expect(decodeHeartbeat(sent[1]!.records[0]!.value)?.lastError).toBeUndefined();
  });
});
