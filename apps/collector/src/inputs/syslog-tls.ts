import type net from 'node:net';
import tls from 'node:tls';
import type { InputContext, RunningInput } from './input';
import { startSyslogStream, type StreamLimits } from './syslog-stream';

/**
 * Syslog over TLS (RFC 5425). The RFC mandates octet counting, but senders
 * configured for newline framing exist, so framing is detected per frame as
 * on TCP. With `requestCert` set, a sender without a certificate signed by the
 * configured CA fails the handshake and sends nothing. A verified certificate whose
 * subject CN `certificateTenants` lists sends into that tenant.
 */
export function startSyslogTls(
  host: string,
  port: number,
  limits: StreamLimits,
  tlsOptions: tls.TlsOptions,
  context: InputContext,
  certificateTenants: ReadonlyMap<string, string> = new Map(),
): Promise<RunningInput> {
  const tenantOf = certificateTenants.size === 0 ? undefined : (socket: net.Socket) => certificateTenant(socket as tls.TLSSocket, certificateTenants);
  // A client that connects and never completes the handshake is closed as soon as an idle one (Node's default waits 120 s).
  return startSyslogStream(tls.createServer({ ...tlsOptions, handshakeTimeout: limits.idleTimeoutMs }), { input: 'syslog_tls', host, port, ...limits, connectionEvent: 'secureConnection', ...(tenantOf && { tenantOf }) }, context);
}

/** The tenant of a verified client certificate's subject CN; undefined without one (the input's tenant applies). */
export function certificateTenant(socket: Pick<tls.TLSSocket, 'authorized' | 'getPeerCertificate'>, certificateTenants: ReadonlyMap<string, string>): string | undefined {
  if (!socket.authorized) return undefined;
  const commonName = socket.getPeerCertificate()?.subject?.CN;
  const name = Array.isArray(commonName) ? commonName[0] : commonName;
  return name === undefined ? undefined : certificateTenants.get(name);
}
