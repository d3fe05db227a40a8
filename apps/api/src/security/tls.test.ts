import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys, type TestKeys } from '@siem/testing';
import { buildApi } from '../build-api';
import type { EventReader } from '../event-reader';
import { readApiTls } from './tls';

// A certificate made for this run (openssl), the API on a real port with it, and curl as the peer.
const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'siem-api-tls-'));
const cert = path.join(dir, 'api.crt');
const key = path.join(dir, 'api.key');
const unused = () => Promise.reject(new Error('unused'));
const reader: EventReader = { search: unused, count: unused, page: unused, exportPage: unused, getEvent: unused, aggregate: unused, fields: unused, ping: async () => undefined };
let keys: TestKeys;
let app: ReturnType<typeof buildApi>;
let port = 0;

beforeAll(async () => {
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  keys = await testKeys();
  const tls = readApiTls({ tlsCert: cert, tlsKey: key } as never);
  app = buildApi({ reader, logger: createLogger('tls-test', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys, ...(tls ? { security: { tls } } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await keys?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API over TLS', () => {
  it('serves HTTPS that curl verifies against the certificate, with HSTS, and nothing over plain HTTP', async () => {
    const { stdout } = await run('curl', ['-sS', '-i', '--cacert', cert, `https://127.0.0.1:${port}/healthz`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(stdout).toMatch(/strict-transport-security: max-age=31536000/i);
    expect(stdout).toContain('"status":"ok"');
    const authed = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', cert, '-H', `authorization: ${keys.admin.authorization}`, `https://127.0.0.1:${port}/api/v1/keys`]);
    expect(authed.stdout).toBe('200');
    await expect(run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/healthz`])).rejects.toThrow();
  });

  it('with SIEM_API_TLS_CA, answers only clients that present a certificate signed by that CA', async () => {
    const file = (name: string) => path.join(dir, name);
    const sign = (name: string, subject: string, extensions: string[]) =>
      run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]).then(() =>
        run('openssl', ['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-out', file(`${name}.crt`), ...extensions]),
      );
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test CA', '-keyout', file('ca.key'), '-out', file('ca.crt')]);
    writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    await sign('server', '/CN=127.0.0.1', ['-extfile', file('server.ext')]);
    await sign('client', '/CN=analyst-laptop', []);
    const tls = readApiTls({ tlsCert: file('server.crt'), tlsKey: file('server.key'), tlsCa: file('ca.crt') } as never)!;
    const mutual = buildApi({ reader, logger: createLogger('tls-test', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys, security: { tls } });
    await mutual.listen({ host: '127.0.0.1', port: 0 });
    const url = `https://127.0.0.1:${(mutual.server.address() as { port: number }).port}/healthz`;
    try {
      const withCert = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', file('ca.crt'), '--cert', file('client.crt'), '--key', file('client.key'), url]);
      expect(withCert.stdout).toBe('200');
      await expect(run('curl', ['-sS', '--max-time', '5', '--cacert', file('ca.crt'), url])).rejects.toThrow();
    } finally {
      await mutual.close();
    }
  }, 60_000);

  it('refuses at start a certificate without its key, or a file it cannot read, naming the setting', () => {
    expect(readApiTls({} as never)).toBeUndefined();
    const failure = (api: object) => {
      try {
        readApiTls(api as never);
      } catch (error) {
        return { code: (error as { code: string }).code, message: (error as Error).message };
      }
      return undefined;
    };
    expect(failure({ tlsCert: cert })).toEqual({ code: 'SIEM_API_TLS_UNREADABLE', message: expect.stringContaining('SIEM_API_TLS_KEY') });
    expect(failure({ tlsCert: cert, tlsKey: path.join(dir, 'missing.key') })).toEqual({ code: 'SIEM_API_TLS_UNREADABLE', message: expect.stringContaining('ENOENT') });
    expect(failure({ tlsCa: cert })).toEqual({ code: 'SIEM_API_TLS_UNREADABLE', message: expect.stringContaining('SIEM_API_TLS_CA') });
  });
});
