import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTlsOptions, type TlsFiles } from './tls-files';

const dir = mkdtempSync(path.join(tmpdir(), 'siem-tls-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
const otherKey = path.join(dir, 'other-key.pem');
execFileSync('openssl', ['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', otherKey], { stdio: 'ignore' });

const syslog = (paths: { cert?: string; key?: string; ca?: string; clientAuth?: boolean }): TlsFiles => ({
  cert: { variable: 'SIEM_SYSLOG_TLS_CERT', path: paths.cert },
  key: { variable: 'SIEM_SYSLOG_TLS_KEY', path: paths.key },
  ca: { variable: 'SIEM_SYSLOG_TLS_CA', path: paths.ca },
  clientAuth: { variable: 'SIEM_SYSLOG_TLS_CLIENT_AUTH', enabled: paths.clientAuth ?? false },
});

describe('loadTlsOptions', () => {
  it('is off without certificate and key, and reads both when set', () => {
    expect(loadTlsOptions(syslog({}))).toBeUndefined();
    const options = loadTlsOptions(syslog({ cert, key, ca: cert, clientAuth: true }));
    expect(options).toMatchObject({ requestCert: true, rejectUnauthorized: true });
    expect(Buffer.isBuffer(options?.cert)).toBe(true);
  });

  it('names the variable and the file it cannot read', () => {
    const missing = path.join(dir, 'nope.pem');
    expect(() => loadTlsOptions(syslog({ cert, key: missing }))).toThrow(
      expect.objectContaining({ code: 'SIEM_COLLECTOR_TLS_FILE_UNREADABLE', message: expect.stringContaining(`SIEM_SYSLOG_TLS_KEY=${missing} cannot be read`) }),
    );
  });

  it('refuses half a configuration and client authentication without a CA', () => {
    expect(() => loadTlsOptions(syslog({ cert }))).toThrow(expect.objectContaining({ code: 'SIEM_COLLECTOR_TLS_INCOMPLETE', message: expect.stringContaining('SIEM_SYSLOG_TLS_KEY is not') }));
    expect(() => loadTlsOptions(syslog({ cert, key, clientAuth: true }))).toThrow(expect.objectContaining({ code: 'SIEM_COLLECTOR_TLS_INCOMPLETE', message: expect.stringContaining('SIEM_SYSLOG_TLS_CA') }));
  });

  it('refuses a key that does not belong to the certificate, or a file that is not PEM', () => {
    expect(() => loadTlsOptions(syslog({ cert, key: otherKey }))).toThrow(expect.objectContaining({ code: 'SIEM_COLLECTOR_TLS_INVALID' }));
    const garbage = path.join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    expect(() => loadTlsOptions(syslog({ cert: garbage, key }))).toThrow(expect.objectContaining({ code: 'SIEM_COLLECTOR_TLS_INVALID' }));
  });
});
