import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '@siem/config';
import { parseQuery } from '@siem/query';
import { createStore } from '@siem/store';
import { startApp } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-edge-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HTTP_LINES = 1000;
const TCP_LINES = 600;
const TCP_HOSTS = 6;

describe('edge pipelines, collector to store (embedded)', () => {
  it('edge – a 1-in-10 sample and a count-by-host aggregation cut what reaches the store, and the counts of what was cut are there too', async () => {
    const edgeFile = path.join(scratch, 'edge.json');
    writeFileSync(
      edgeFile,
      JSON.stringify({
        version: 'edge-test-1',
        summaryIntervalS: 1,
        inputs: {
          http_ndjson: { stages: [{ type: 'sample', rate: 10 }] },
          syslog_tcp: { stages: [{ type: 'aggregate', by: ['host.name'], intervalS: 1 }] },
        },
      }),
    );
    const setup = await deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, 'data') }, { SIEM_EDGE_PIPELINES_FILE: edgeFile, SIEM_AGENT_ID: 'site-7-collector', SIEM_PROCESSOR_WORKERS: '1' });
    onTestFinished(() => setup.cleanup());
    const collector = startApp('collector', setup.env);
    const processor = startApp('processor', setup.env);
    const store = createStore(loadConfig(setup.env));
    try {
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      const body = Array.from({ length: HTTP_LINES }, (_, i) => JSON.stringify({ message: `order ${i} placed`, service: { name: 'edge-test' } })).join('\n');
      expect((await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })).status).toBe(200);
      const socket = net.connect({ host: '127.0.0.1', port: setup.syslogPort });
      await new Promise((resolve) => socket.once('connect', resolve));
      const lines = Array.from({ length: TCP_LINES }, (_, i) => `<134>1 2026-12-04T10:00:00Z tcp-host-${i % TCP_HOSTS} app - - - heartbeat ${i}\n`).join('');
      await new Promise<void>((resolve) => socket.end(lines, resolve));

      const count = (query: string) => store.count({ query: parseQuery(query) });
      const edgeDocs = async (action: string) => (await store.search({ query: parseQuery(`event.module:siem_edge AND event.action:${action}`), size: 1000 })).hits.map((hit) => hit.event as { host?: { name?: string }; observer?: { name?: string }; json?: { edge?: Record<string, number | string> } });
      const sum = (docs: Awaited<ReturnType<typeof edgeDocs>>, input: string, field: string) => docs.filter((doc) => doc.json?.edge?.input === input).reduce((total, doc) => total + Number(doc.json?.edge?.[field] ?? 0), 0);

      await waitFor(
        'the edge summaries to account for every line',
        async () => {
          const summaries = await edgeDocs('summary');
          return sum(summaries, 'http_ndjson', 'received') === HTTP_LINES && sum(summaries, 'syslog_tcp', 'received') === TCP_LINES;
        },
        90_000,
        500,
      );
      const summaries = await edgeDocs('summary');
      expect(await count('service.name:edge-test')).toBe(HTTP_LINES / 10);
      expect(sum(summaries, 'http_ndjson', 'passed')).toBe(HTTP_LINES / 10);
      expect(sum(summaries, 'http_ndjson', 'sampled_out')).toBe(HTTP_LINES - HTTP_LINES / 10);
      expect(sum(summaries, 'syslog_tcp', 'aggregated')).toBe(TCP_LINES);
      expect(summaries.every((doc) => doc.observer?.name === 'site-7-collector')).toBe(true);

      await waitFor('the aggregates to add up to every syslog line', async () => sum(await edgeDocs('aggregate'), 'syslog_tcp', 'count') === TCP_LINES, 30_000, 500);
      const aggregates = await edgeDocs('aggregate');
      expect(new Set(aggregates.map((doc) => doc.host?.name))).toEqual(new Set(Array.from({ length: TCP_HOSTS }, (_, i) => `tcp-host-${i}`)));
      // No syslog line itself reached the store: one record per host and second instead of 600.
      expect(await count('heartbeat')).toBe(0);
      expect(aggregates.length).toBeLessThan(TCP_LINES / 10);
    } finally {
      await Promise.all([collector.stop(), processor.stop()]);
      await store.close();
    }
  });
});
