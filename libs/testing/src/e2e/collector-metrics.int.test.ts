import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';
import { sample, scrape } from './prometheus-text';

const run = promisify(execFile);

let setup: PipelineEnv;
let collector: AppProcess;
let metricsUrl: string;

beforeAll(async () => {
  setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'));
  metricsUrl = `http://127.0.0.1:${setup.metricsPort}/metrics`;
  collector = startApp('collector', setup.env);
  await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
});

afterAll(async () => {
  const code = await collector.stop();
  await setup?.cleanup();
  expect(code).toBe(0);
});

describe('collector metrics on GET /metrics', () => {
  it('counts received, bytes and produced per input, and shows nothing pending once the bus took it all', async () => {
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--rfc5424', '-t', 'metrics', `tcp line ${setup.runId}`]);
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--rfc5424', '-t', 'metrics', `second tcp line ${setup.runId}`]);
    const body = '{"message":"one"}\n{"message":"two"}\n{"message":"three"}\n';
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '--data-binary', body, `http://127.0.0.1:${setup.httpPort}/ingest`]);
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 3 });

    const text = await waitFor('both syslog lines produced', async () => {
      const scraped = await scrape(metricsUrl);
      return sample(scraped, 'siem_collector_produced_total', { input: 'syslog_tcp', path: 'direct' }) === 2 ? scraped : undefined;
    }, 30_000, 200);
    expect(text).toContain('# TYPE siem_collector_received_total counter');
    expect(sample(text, 'siem_collector_received_total', { input: 'syslog_tcp' })).toBe(2);
    expect(sample(text, 'siem_collector_received_total', { input: 'http_ndjson' })).toBe(3);
    expect(sample(text, 'siem_collector_received_bytes_total', { input: 'http_ndjson' })).toBe(body.length - 3);
    expect(sample(text, 'siem_collector_produced_total', { input: 'http_ndjson', path: 'direct' })).toBe(3);
    expect(sample(text, 'siem_collector_pending_records', { input: 'http_ndjson' })).toBe(0);
    expect(sample(text, 'siem_collector_pending_records', { input: 'syslog_tcp' })).toBe(0);
    expect(sample(text, 'siem_collector_spool_bytes')).toBe(0);
    expect(sample(text, 'siem_collector_oldest_unsent_seconds')).toBe(0);
    expect(sample(text, 'siem_collector_backpressure')).toBe(0);
    expect(text).toContain('# TYPE siem_collector_spool_records gauge');
  });

  it('counts a refused record by input and reason', async () => {
    const oversized = `${'y'.repeat(70_000)}\n`;
    await run('bash', ['-c', `printf '%s' "$0" > /dev/tcp/127.0.0.1/${setup.syslogPort}`, oversized]);
    const text = await waitFor('the truncated TCP frame counted', async () => {
      const scraped = await scrape(metricsUrl);
      return (sample(scraped, 'siem_collector_rejected_total', { input: 'syslog_tcp', reason: 'truncated' }) ?? 0) >= 1 ? scraped : undefined;
    }, 30_000, 200);
    expect(sample(text, 'siem_collector_rejected_total', { input: 'syslog_tcp', reason: 'truncated' })).toBe(1);
  });
});
