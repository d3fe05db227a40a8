import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'node:cluster';
import type { MetricsRegistry } from '@siem/telemetry';

const REQUEST = 'siem:metrics?';
const ANSWER = 'siem:metrics';

interface MetricsAnswer {
  readonly type: typeof ANSWER;
  readonly id: number;
  readonly text: string;
}

/** Worker side: answers the primary's scrape requests with the worker's registry. */
export function answerMetricsRequests(registry: MetricsRegistry): void {
  process.on('message', (message: unknown) => {
    const request = message as { type?: string; id?: number };
    if (request?.type !== REQUEST || request.id === undefined || !process.send) return;
    process.send({ type: ANSWER, id: request.id, text: registry.render() } satisfies MetricsAnswer);
  });
}

/**
 * Adds up the Prometheus text of several workers: every series of the processor's
 * registries is a counter, a gauge of a per-worker quantity, or histogram buckets,
 * all of which sum across workers. HELP and TYPE lines are kept once per metric.
 */
export function mergePrometheusText(texts: readonly string[]): string {
  const metrics = new Map<string, { comments: string[]; series: Map<string, number> }>();
  for (const text of texts) {
    let current: { comments: string[]; series: Map<string, number> } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (comment) {
        const name = comment[2]!;
        current = metrics.get(name);
        if (!current) {
          current = { comments: [], series: new Map() };
          metrics.set(name, current);
        }
        if (current.comments.length < 2 && !current.comments.some((kept) => kept.startsWith(`# ${comment[1]} `))) current.comments.push(line);
        continue;
      }
      const split = line.lastIndexOf(' ');
      if (split <= 0 || !current) continue;
      const key = line.slice(0, split);
      current.series.set(key, (current.series.get(key) ?? 0) + Number(line.slice(split + 1)));
    }
  }
  const lines: string[] = [];
  for (const { comments, series } of metrics.values()) {
    lines.push(...comments);
    for (const [key, value] of series) lines.push(`${key} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Asks every live worker for its metrics; a worker that does not answer in time is left out of this scrape. */
export async function collectWorkerMetrics(workers: readonly Worker[], timeoutMs: number): Promise<string[]> {
  let sequence = 0;
  const answers = workers
    .filter((worker) => worker.isConnected())
    .map(
      (worker) =>
        new Promise<string | undefined>((resolve) => {
          const id = ++sequence;
          const onMessage = (message: MetricsAnswer) => {
            if (message?.type !== ANSWER || message.id !== id) return;
            finish(message.text);
          };
          const finish = (text: string | undefined) => {
            clearTimeout(timer);
            worker.off('message', onMessage);
            resolve(text);
          };
          const timer = setTimeout(() => finish(undefined), timeoutMs);
          worker.on('message', onMessage);
          worker.send({ type: REQUEST, id });
        }),
    );
  return (await Promise.all(answers)).filter((text): text is string => text !== undefined);
}

export interface ProcessorMetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The processor primary's own port: `GET /metrics`, its workers' metrics added up, asked for
 * at each scrape; `GET /healthz`, the primary is up; `GET /readyz`, at least one worker is
 * alive and answers (the same question the metrics ask), else 503.
 */
export async function serveWorkerMetrics(workers: () => readonly Worker[], host: string, port: number): Promise<ProcessorMetricsServer> {
  const json = (response: http.ServerResponse, status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics, /healthz or /readyz.\n');
      return;
    }
    if (path === '/healthz') return json(response, 200, { status: 'ok' });
    if (path === '/readyz') {
      collectWorkerMetrics(workers(), 2000).then(
        (texts) =>
          texts.length > 0
            ? json(response, 200, { status: 'ready', workers: texts.length })
            : json(response, 503, { error: { code: 'SIEM_PROCESSOR_NOT_READY', message: 'No processor worker is alive and answering; see the processor log (workers restart on their own).' } }),
        () => json(response, 503, { error: { code: 'SIEM_PROCESSOR_NOT_READY', message: 'Asking the workers failed; see the processor log.' } }),
      );
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics, /healthz or /readyz.\n');
      return;
    }
    collectWorkerMetrics(workers(), 2000).then(
      (texts) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(request.method === 'HEAD' ? undefined : mergePrometheusText(texts)),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Collecting the workers\' metrics failed.\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
