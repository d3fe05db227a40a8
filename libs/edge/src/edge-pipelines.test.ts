import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from './edge-config';
import { EDGE_SUMMARY_INPUT, EdgePipelines } from './edge-pipelines';

const observer = { name: 'agent-1', hostname: 'plant-7', type: 'agent' };
const syslog = (host: string, text: string, input = 'syslog_udp'): RawRecord => ({
  payload: Buffer.from(`<134>1 2026-12-04T10:00:00Z ${host} app - - - ${text}`),
  receivedAt: '2026-12-04T10:00:00.000Z',
  input,
});
const documentsOf = (records: readonly RawRecord[]) => records.map((record) => JSON.parse(record.payload.toString()) as Record<string, any>);

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('edge pipelines', () => {
  it('edge – drop by a query on a parsed field removes only the matching records, and counts them', () => {
    const edge = new EdgePipelines(parseEdgeConfig({ inputs: { syslog_udp: { stages: [{ type: 'drop', query: 'host.name:noisy-* OR debug' }] } } }), observer);
    const kept = edge.process([syslog('noisy-1', 'hello'), syslog('web-1', 'a debug line'), syslog('web-1', 'login ok'), syslog('x', 'y', 'http_ndjson')]);
    expect(kept.map((record) => record.payload.toString())).toEqual([syslog('web-1', 'login ok').payload.toString(), syslog('x', 'y', 'http_ndjson').payload.toString()]);
    expect(edge.counts().syslog_udp).toEqual({ received: 3, passed: 1, dropped: 2, sampledOut: 0, aggregated: 0 });
  });

  it('edge – 1-in-10 sampling keeps exactly a tenth, by key keeps or drops whole keys', () => {
    const edge = new EdgePipelines(parseEdgeConfig({ inputs: { '*': { stages: [{ type: 'sample', rate: 10 }] }, by_key: { stages: [{ type: 'sample', rate: 4, key: ['host.name'] }] } } }), observer);
    expect(edge.process(Array.from({ length: 1000 }, (_, i) => syslog('h', `line ${i}`))).length).toBe(100);
    const hosts = Array.from({ length: 40 }, (_, i) => `host-${i}`);
    const kept = edge.process(hosts.flatMap((host) => Array.from({ length: 5 }, () => syslog(host, 'x', 'by_key'))));
    const keptHosts = new Set(kept.map((record) => record.payload.toString().split(' ')[2]));
    // Each kept host kept all five of its records; some hosts, not all, were kept.
    expect(kept.length).toBe(keptHosts.size * 5);
    expect(keptHosts.size).toBeGreaterThan(0);
    expect(keptHosts.size).toBeLessThan(40);
  });

  it('edge – count-by-host aggregation replaces records with one summary per host and closed interval', () => {
    const time = clock(Date.parse('2026-12-04T10:00:00Z'));
    const edge = new EdgePipelines(parseEdgeConfig({ version: 'v7', summaryIntervalS: 60, inputs: { syslog_udp: { stages: [{ type: 'aggregate', by: ['host.name'], intervalS: 10 }] } } }), observer, time.now);
    const records = [...Array.from({ length: 30 }, () => syslog('web-1', 'x')), ...Array.from({ length: 12 }, () => syslog('web-2', 'y'))];
    expect(edge.process(records)).toEqual([]);
    expect(edge.drain()).toEqual([]);
    time.advance(10_000);
    const summaries = documentsOf(edge.drain());
    expect(summaries.map((doc) => [doc.host.name, doc.edge.count]).sort()).toEqual([
      ['web-1', 30],
      ['web-2', 12],
    ]);
    expect(summaries[0]).toMatchObject({ event: { kind: 'metric', module: 'siem_edge', action: 'aggregate' }, observer: { name: 'agent-1', type: 'agent' }, labels: { edge_config_version: 'v7' } });
    expect(edge.drain()).toEqual([]);
  });

  it('edge – the counts summary leaves once per interval, with what was dropped, sampled out and aggregated, and starts again from zero', () => {
    const time = clock(Date.parse('2026-12-04T10:00:00Z'));
    const edge = new EdgePipelines(
      parseEdgeConfig({ summaryIntervalS: 30, inputs: { syslog_udp: { stages: [{ type: 'drop', query: 'noise' }, { type: 'aggregate', by: ['host.name'], query: 'heartbeat' }, { type: 'sample', rate: 2 }] } } }),
      observer,
      time.now,
    );
    edge.process([syslog('a', 'noise'), syslog('a', 'heartbeat'), syslog('a', 'one'), syslog('a', 'two'), syslog('a', 'three')]);
    time.advance(30_000);
    const out = documentsOf(edge.drain()).filter((doc) => doc.event.action === 'summary');
    expect(out).toHaveLength(1);
    expect(out[0]!.edge).toEqual({ input: 'syslog_udp', received: 5, passed: 2, dropped: 1, sampled_out: 1, aggregated: 1 });
    expect(edge.counts().syslog_udp!.received).toBe(0);
  });

  it('edge – a final drain closes open windows; records the edge made itself, unparseable lines and inputs without stages pass untouched', () => {
    const edge = new EdgePipelines(parseEdgeConfig({ inputs: { '*': { stages: [{ type: 'aggregate', by: ['host.name'], intervalS: 3600 }] } } }), observer);
    const own: RawRecord = { payload: Buffer.from('{"event":{"module":"siem_edge"}}'), receivedAt: '2026-12-04T10:00:00.000Z', input: EDGE_SUMMARY_INPUT };
    expect(edge.process([own])).toEqual([own]);
    const garbage: RawRecord = { payload: Buffer.from([0xff, 0xfe, 0x00]), receivedAt: '2026-12-04T10:00:00.000Z', input: 'file' };
    expect(edge.process([garbage])).toEqual([]);
    const final = documentsOf(edge.drain(true));
    expect(final.find((doc) => doc.event.action === 'aggregate')).toMatchObject({ host: { name: null }, edge: { count: 1, input: 'file' } });
    expect(final.find((doc) => doc.event.action === 'summary')?.edge).toMatchObject({ received: 1, aggregated: 1 });
  });

  it('edge – past maxKeys, further keys are counted under (other)', () => {
    const edge = new EdgePipelines(parseEdgeConfig({ inputs: { syslog_udp: { stages: [{ type: 'aggregate', by: ['host.name'], maxKeys: 2 }] } } }), observer);
    edge.process(['a', 'b', 'c', 'd', 'c'].map((host) => syslog(host, 'x')));
    const counts = documentsOf(edge.drain(true))
      .filter((doc) => doc.event.action === 'aggregate')
      .map((doc) => [doc.host.name, doc.edge.count]);
    expect(counts.sort()).toEqual([
      ['(other)', 3],
      ['a', 1],
      ['b', 1],
    ]);
  });
});
