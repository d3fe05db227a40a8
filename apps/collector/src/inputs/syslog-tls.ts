import tls from 'node:tls';
import type { InputContext, RunningInput } from './input';
import { startSyslogStream, type StreamLimits } from './syslog-stream';

/**
 * Syslog over TLS (RFC 5425). The RFC mandates octet counting, but senders
 * configured for newline framing exist, so framing is detected per frame as
 * on TCP. With `requestCert` set, a sender without a certificate signed by the
 * configured CA fails the handshake and sends nothing.
 */
export function startSyslogTls(host: string, port: number, limits: StreamLimits, tlsOptions: tls.TlsOptions, context: InputContext): Promise<RunningInput> {
  return startSyslogStream(tls.createServer(tlsOptions), { input: 'syslog_tls', host, port, ...limits, connectionEvent: 'secureConnection' }, context);
}
