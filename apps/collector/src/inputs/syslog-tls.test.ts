import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { startSyslogTls } from './syslog-tls';
import { recordingContext } from './test-context';

const dir = mkdtempSync(path.join(tmpdir(), 'siem-syslog-tls-'));
const key = path.join(dir, 'key.pem');
const cert = path.join(dir, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closedAfterMs = (socket: net.Socket) =>
  new Promise<number>((resolve) => {
    const started = performance.now();
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(performance.now() - started));
  });

describe('syslog over TLS', () => {
  it('closes a connection that never starts the handshake and one that stalls mid-line after the idle timeout, keeping the partial line, and counts both', async () => {
    const context = recordingContext();
    const running = await startSyslogTls('127.0.0.1', 0, { idleTimeoutMs: 500, maxConnections: 100 }, { cert: readFileSync(cert), key: readFileSync(key) }, context);
    const port = Number(running.address.split(':')[1]!.split('/')[0]);
    try {
      const silent = net.connect(port, '127.0.0.1');
      const silentClosed = closedAfterMs(silent);
      const stalled = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(cert) });
      const stalledClosed = closedAfterMs(stalled);
      await new Promise((resolve) => stalled.once('secureConnect', resolve));
      stalled.write('<13>Nov 23 10:00:00 host slow: begun and never finished');
      // Both are closed by the collector, long before a sender would give up (Node's own handshake timeout is 120 s).
      expect(await silentClosed).toBeLessThan(30_000);
      expect(await stalledClosed).toBeLessThan(30_000);
      expect(context.rejections.sort()).toEqual(['syslog_tls:idle_timeout', 'syslog_tls:tls_handshake']);
      expect(context.records.map((record) => record.payload.toString())).toEqual(['<13>Nov 23 10:00:00 host slow: begun and never finished']);
    } finally {
      await running.close();
    }
  });
});
