import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createBus } from '@siem/bus';
import { loadConfig } from '@siem/config';
import { createLogger } from '@siem/telemetry';
import { deploymentEnv, freePort, startApp, waitFor } from '@siem/testing';
import { runLoadgen } from './run-loadgen';
import { createSender, type Via } from './senders';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-loadgen-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('siem loadgen against a real collector (embedded bus)', () => {
  it('loadgen – every line sent by udp, tcp, tls, http, bulk and straight to the raw topic reaches the bus, and the acknowledging protocols say so', async () => {
    const cert = path.join(scratch, 'cert.pem');
    const key = path.join(scratch, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    // One record per bus message, so the topic's end offsets count lines.
    const setup = await deploymentEnv(
      { kind: 'embedded', dataDir: path.join(scratch, 'data') },
      { SIEM_BATCH_ENVELOPE: 'false', SIEM_SYSLOG_TLS_PORT: String(await freePort()), SIEM_SYSLOG_TLS_CERT: cert, SIEM_SYSLOG_TLS_KEY: key },
    );
    onTestFinished(() => setup.cleanup());
    const config = loadConfig(setup.env);
    const logger = createLogger('test', 'silent');
    const bus = createBus(config, logger, 'test');
    const collector = startApp('collector', setup.env);
    try {
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      const target = { host: '127.0.0.1', syslogPort: setup.syslogPort, syslogTlsPort: config.collector.syslogTlsPort, httpPort: setup.httpPort, insecure: true, mqttTopic: 'logs', config, logger };
      let sent = 0;
      for (const via of ['udp', 'tcp', 'tls', 'http', 'bulk', 'kafka'] as Via[]) {
        const result = await runLoadgen({ rate: 400, durationMs: 600, mix: ['syslog', 'cef', 'json', 'windows'], via }, await createSender(via, target));
        expect(result.sent, via).toBeGreaterThan(0);
        expect(result.rejected, via).toBe(0);
        expect(result.failedBatches, via).toBe(0);
        if (['http', 'bulk', 'kafka'].includes(via)) expect(result.acknowledged, via).toBe(result.sent);
        else expect(result.acknowledged, via).toBeUndefined();
        sent += result.sent;
      }
      const inBus = async () => (await bus.positions(config.kafka.rawTopic, 'nobody')).reduce((total, p) => total + Number(p.end), 0);
      await waitFor(`${sent} records in the raw topic`, async () => (await inBus()) >= sent, 30_000, 200);
      expect(await inBus()).toBe(sent);
    } finally {
      await collector.stop();
    }
  });
});
