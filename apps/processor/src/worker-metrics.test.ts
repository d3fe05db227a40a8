import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '@siem/telemetry';
import { collectWorkerMetrics, mergePrometheusText, serveWorkerMetrics } from './worker-metrics';

function registryWith(matched: number, seconds: number): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.counter('siem_rule_matched_total', 'Events a detection rule matched, by rule.').inc({ rule_id: 'r1' }, matched);
  registry.counter('siem_rule_seconds_total', 'Time in a rule.').inc({ rule_id: 'r1' }, seconds);
  registry.histogram('siem_chunk_seconds', 'Chunk time.', [0.1, 1]).observe({}, 0.05);
  return registry;
}

/** Stands in for a cluster worker: answers a metrics request like answerMetricsRequests does, or stays silent. */
function fakeWorker(registry: MetricsRegistry | undefined): Worker {
  const worker = new EventEmitter() as EventEmitter & { send: (message: { id: number }) => void; isConnected: () => boolean };
  worker.isConnected = () => true;
  worker.send = (message) => {
    if (registry) setImmediate(() => worker.emit('message', { type: 'siem:metrics', id: message.id, text: registry.render() }));
  };
  return worker as unknown as Worker;
}

describe('processor metrics across workers', () => {
  it('adds up the series of every worker, keeping HELP and TYPE once', () => {
    const merged = mergePrometheusText([registryWith(2, 0.5).render(), registryWith(3, 0.25).render()]);
    expect(merged).toContain('siem_rule_matched_total{rule_id="r1"} 5');
    expect(merged).toContain('siem_rule_seconds_total{rule_id="r1"} 0.75');
    expect(merged).toContain('siem_chunk_seconds_bucket{le="0.1"} 2');
    expect(merged).toContain('siem_chunk_seconds_count 2');
    expect(merged.match(/# TYPE siem_rule_matched_total counter/g)).toHaveLength(1);
    expect(merged.match(/# HELP siem_rule_matched_total/g)).toHaveLength(1);
  });

  it('leaves out a worker that does not answer in time, and serves the sum on GET /metrics', async () => {
    const workers = [fakeWorker(registryWith(1, 0)), fakeWorker(undefined), fakeWorker(registryWith(4, 0))];
    expect(await collectWorkerMetrics(workers, 100)).toHaveLength(2);
    const server = await serveWorkerMetrics(() => workers, '127.0.0.1', 0);
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('siem_rule_matched_total{rule_id="r1"} 5');
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers /healthz while up, and /readyz 200 with a live worker, 503 with none', async () => {
    let workers = [fakeWorker(registryWith(1, 0))];
    const server = await serveWorkerMetrics(() => workers, '127.0.0.1', 0);
    try {
      const base = server.url.replace('/metrics', '');
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', workers: 1 }]);
      workers = [];
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(((await notReady.json()) as { error: { code: string } }).error.code).toBe('SIEM_PROCESSOR_NOT_READY');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
