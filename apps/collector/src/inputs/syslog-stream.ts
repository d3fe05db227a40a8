/**
 * What syslog over TCP and over TLS share once bytes flow: RFC 6587 framing
 * detected per frame, the size limit (a longer message is cut and flagged,
 * its excess discarded as it streams in, so memory per connection stays
 * bounded), an idle timeout, and pausing reads while the bus is backed up.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type { RawRecord } from '@siem/schema';
import type { InputContext, RunningInput } from './input';
import { normalizePeerAddress } from './peer-address';
import { SyslogTcpFramer, type Frame } from '../syslog-tcp-framer';

export interface StreamLimits {
  readonly idleTimeoutMs: number;
  /** Connections open at once, per input; more are closed as they arrive. */
  readonly maxConnections: number;
}

export interface SyslogStreamOptions extends StreamLimits {
  readonly input: 'syslog_tcp' | 'syslog_tls';
  readonly host: string;
  readonly port: number;
  /** The event carrying ready-to-read sockets: `connection` for TCP, `secureConnection` for TLS. */
  readonly connectionEvent: 'connection' | 'secureConnection';
  /** The tenant of a connection's records, from its certificate; undefined: the input's tenant. */
  readonly tenantOf?: (socket: net.Socket) => string | undefined;
}

const CLOSE_GRACE_MS = 2_000;
/** At most one warning per this long about connections refused at the limit; the metric counts each. */
const LIMIT_WARNING_INTERVAL_MS = 60_000;

export async function startSyslogStream(server: net.Server | tls.Server, options: SyslogStreamOptions, context: InputContext): Promise<RunningInput> {
  const { input } = options;
  const sockets = new Set<net.Socket>();
  const paused = new Set<net.Socket>();
  context.onDrain(() => {
    for (const socket of paused) socket.resume();
    paused.clear();
  });

  server.maxConnections = options.maxConnections;
  let lastLimitWarning = 0;
  server.on('drop', (dropped?: net.DropArgument) => {
    context.rejected(input, 'connection_limit');
    if (Date.now() - lastLimitWarning < LIMIT_WARNING_INTERVAL_MS) return;
    lastLimitWarning = Date.now();
    context.logger.warn(
      { input, maxConnections: options.maxConnections, sourceAddress: normalizePeerAddress(dropped?.remoteAddress) },
      'A syslog connection was refused: the input holds SIEM_TCP_MAX_CONNECTIONS connections already. Raise it if these are real senders.',
    );
  });
  server.on(options.connectionEvent, (socket: net.Socket) => {
    sockets.add(socket);
    const framer = new SyslogTcpFramer(context.maxMessageBytes);
    const sourceAddress = normalizePeerAddress(socket.remoteAddress);
    const connectionTenant = options.tenantOf?.(socket);
    const tenant = connectionTenant === undefined ? {} : { tenant: connectionTenant };
    const forward = (frames: Frame[]) => {
      if (frames.length === 0) return;
      const receivedAt = new Date().toISOString();
      const records = frames.map((frame): RawRecord => {
        if (!frame.truncated) return { payload: frame.payload, receivedAt, sourceAddress, input, ...tenant };
        context.rejected(input, 'truncated');
        return { payload: frame.payload, receivedAt, sourceAddress, input, ...tenant, truncated: true };
      });
      void context.accept(records);
      if (context.isBackedUp() && !socket.isPaused()) {
        socket.pause();
        paused.add(socket);
      }
    };
    // A sender that goes quiet mid-line gets its partial message kept, then the connection closed.
    socket.setTimeout(options.idleTimeoutMs, () => {
      context.rejected(input, 'idle_timeout');
      forward(framer.end());
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => forward(framer.push(chunk)));
    socket.on('end', () => forward(framer.end()));
    socket.on('error', (error) => context.logger.debug({ err: error, sourceAddress, input }, 'A syslog connection failed.'));
    socket.on('close', () => {
      sockets.delete(socket);
      paused.delete(socket);
    });
  });
  server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
    // With a listener here Node leaves the socket open: a client that never completes the handshake would hold it for good.
    socket.destroy();
    context.rejected(input, 'tls_handshake');
    context.logger.debug({ err: error, sourceAddress: normalizePeerAddress(socket.remoteAddress), input }, 'A syslog TLS handshake failed.');
  });
  server.on('error', (error) => context.logger.error({ err: error, input }, 'A syslog stream server reported an error.'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return {
    name: input,
    address: `${options.host}:${bound.port}/${input === 'syslog_tls' ? 'tls' : 'tcp'}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.end();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, CLOSE_GRACE_MS).unref();
      }),
  };
}
