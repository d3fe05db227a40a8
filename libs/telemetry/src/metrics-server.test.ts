import { afterEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics';
import { serveMetrics, type MetricsServer } from './metrics-server';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serveMetrics', () => {
  it('serves the registry in the Prometheus text format on GET /metrics and 404 elsewhere', async () => {
    const registry = new MetricsRegistry();
    registry.counter('siem_collector_received_total', 'Records received, by input.').inc({ input: 'syslog_tcp' }, 5);
    server = await serveMetrics(registry, '127.0.0.1', 0);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain('siem_collector_received_total{input="syslog_tcp"} 5\n');
    const missing = await fetch(server.url.replace('/metrics', '/other'));
    expect(missing.status).toBe(404);
    const post = await fetch(server.url, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
