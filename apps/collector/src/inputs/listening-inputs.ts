/**
 * The inputs that listen on ports: syslog UDP and TCP, syslog TLS when a
 * certificate and key are configured, and HTTP. Certificate files are read
 * here, before any port is opened, so a bad path fails the start.
 */
import type { SiemConfig } from '@siem/config';
import { startHttpInput } from './http-server';
import type { HttpInputOptions } from './http-server';
import type { InputContext, RunningInput } from './input';
import { startSyslogTcp } from './syslog-tcp';
import { startSyslogTls } from './syslog-tls';
import { startSyslogUdp } from './syslog-udp';
import { parseTenantPairs } from './tenants';
import { loadTlsOptions } from './tls-files';

export function startListeningInputs(config: SiemConfig, context: InputContext, verifyKey?: HttpInputOptions['verifyKey']): Promise<RunningInput>[] {
  const settings = config.collector;
  const syslogTls = loadTlsOptions({
    cert: { variable: 'SIEM_SYSLOG_TLS_CERT', path: settings.syslogTlsCert },
    key: { variable: 'SIEM_SYSLOG_TLS_KEY', path: settings.syslogTlsKey },
    ca: { variable: 'SIEM_SYSLOG_TLS_CA', path: settings.syslogTlsCa },
    clientAuth: { variable: 'SIEM_SYSLOG_TLS_CLIENT_AUTH', enabled: settings.syslogTlsClientAuth },
  });
  const httpTls = loadTlsOptions({ cert: { variable: 'SIEM_HTTP_TLS_CERT', path: settings.httpTlsCert }, key: { variable: 'SIEM_HTTP_TLS_KEY', path: settings.httpTlsKey } });
  const certificateTenants = parseTenantPairs(settings.syslogTlsTenants, 'SIEM_SYSLOG_TLS_TENANTS', 'certificate CN');
  const limits = { idleTimeoutMs: settings.tcpIdleTimeoutS * 1000, maxConnections: settings.tcpMaxConnections };
  return [
    startSyslogUdp(settings.host, settings.syslogPort, context),
    startSyslogTcp(settings.host, settings.syslogPort, limits, context),
    ...(syslogTls ? [startSyslogTls(settings.host, settings.syslogTlsPort, limits, syslogTls, context, certificateTenants)] : []),
    startHttpInput({ host: settings.host, port: settings.httpPort, maxBodyBytes: settings.httpMaxBodyBytes, requestTimeoutMs: settings.httpRequestTimeoutS * 1000, apiKeys: settings.httpApiKeys, authFailuresPerMinute: settings.httpAuthFailuresPerMinute, ...(httpTls && { tls: httpTls }), ...(verifyKey && { verifyKey }) }, context),
  ];
}
