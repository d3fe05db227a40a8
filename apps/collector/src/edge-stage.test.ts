import { EdgePipelines, parseEdgeConfig } from '@siem/edge';
import type { RawRecord } from '@siem/schema';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { describe, expect, it } from 'vitest';
import { createEdgeStage } from './edge-stage';

const observer = { name: 'c1', hostname: 'h', type: 'collector' };
const line = (i: number, input = 'syslog_udp'): RawRecord => ({ payload: Buffer.from(`<13>1 2026-12-04T10:00:00Z host-${i % 3} app - - - line ${i}`), receivedAt: '2026-12-04T10:00:00.000Z', input });
const logger = createLogger('test', 'silent');

function recording() {
  const shipped: RawRecord[] = [];
  return { shipped, accept: async (records: readonly RawRecord[]) => void shipped.push(...records) };
}

describe('collector edge stage', () => {
  it('edge stage – without pipelines every record goes on unchanged', async () => {
    const { shipped, accept } = recording();
    const stage = createEdgeStage(undefined, accept, logger, new MetricsRegistry());
    await stage.accept([line(1), line(2)]);
    expect(shipped).toHaveLength(2);
    expect(stage.version).toBe('none');
    await stage.stop();
    expect(shipped).toHaveLength(2);
  });

  it('edge stage – samples, counts outcomes in its metric, and ships the counts summary at stop', async () => {
    const { shipped, accept } = recording();
    const metrics = new MetricsRegistry();
    const pipelines = new EdgePipelines(parseEdgeConfig({ version: 'v2', inputs: { syslog_udp: { stages: [{ type: 'sample', rate: 10 }] } } }), observer);
    const stage = createEdgeStage(pipelines, accept, logger, metrics);
    await stage.accept(Array.from({ length: 100 }, (_, i) => line(i)));
    expect(shipped).toHaveLength(10);
    expect(stage.version).toBe('v2');
    await stage.stop();
    const summary = JSON.parse(shipped.at(-1)!.payload.toString()) as { edge: Record<string, unknown> };
    expect(summary.edge).toMatchObject({ input: 'syslog_udp', received: 100, passed: 10, sampled_out: 90 });
    const text = metrics.render();
    expect(text).toContain('siem_collector_edge_records_total{input="syslog_udp",outcome="sampled_out"} 90');
    expect(text).toContain('siem_collector_edge_records_total{input="syslog_udp",outcome="passed"} 10');
  });

  it('edge stage – replace ships the old pipelines\' open aggregates, then applies the new ones', async () => {
    const { shipped, accept } = recording();
    const stage = createEdgeStage(new EdgePipelines(parseEdgeConfig({ inputs: { syslog_udp: { stages: [{ type: 'aggregate', by: ['host.name'], intervalS: 3600 }] } } }), observer), accept, logger, new MetricsRegistry());
    await stage.accept(Array.from({ length: 9 }, (_, i) => line(i)));
    expect(shipped).toHaveLength(0);
    stage.replace(new EdgePipelines(parseEdgeConfig({ version: 'v3', inputs: {} }), observer));
    await new Promise((resolve) => setImmediate(resolve));
    const aggregates = shipped.map((record) => JSON.parse(record.payload.toString()) as { event: { action: string }; edge: { count?: number } }).filter((doc) => doc.event.action === 'aggregate');
    expect(aggregates.map((doc) => doc.edge.count)).toEqual([3, 3, 3]);
    const before = shipped.length;
    await stage.accept([line(1)]);
    expect(shipped).toHaveLength(before + 1);
    expect(stage.version).toBe('v3');
  });
});
