import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsRegistry } from '@siem/telemetry';
import type { AlertingStatus } from './build-alerting';

export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The scheduler's own port: `GET /healthz` (the process is up), `GET /readyz` (it knows its
 * role, active or standby, and reaches the store; else 503), `GET /metrics`.
 */
export async function serveHealth(status: () => AlertingStatus, metrics: MetricsRegistry, host: string, port: number): Promise<HealthServer> {
  const json = (response: http.ServerResponse, code: number, body: unknown) => response.writeHead(code, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Use GET.\n');
    if (path === '/healthz') return json(response, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { role, storeFailing } = status();
      if (role === 'starting' || storeFailing) {
        return json(response, 503, {
          error: { code: 'SIEM_ALERTING_NOT_READY', message: storeFailing ? 'The scheduler cannot reach its store; see its log.' : 'The scheduler has not yet learned whether it is the active one.' },
        });
      }
      return json(response, 200, { status: 'ready', role });
    }
    if (path === '/metrics') return response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(request.method === 'HEAD' ? undefined : metrics.render());
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics, /healthz or /readyz.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
