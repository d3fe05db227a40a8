import net from 'node:net';
import type { InputContext, RunningInput } from './input';
import { normalizePeerAddress } from './peer-address';
import { SyslogTcpFramer } from '../syslog-tcp-framer';

const IDLE_TIMEOUT_MS = 10 * 60_000;

/** Syslog over TCP with newline or octet-counted framing per frame (RFC 6587). */
export async function startSyslogTcp(host: string, port: number, context: InputContext): Promise<RunningInput> {
  const sockets = new Set<net.Socket>();
  const paused = new Set<net.Socket>();
  context.onDrain(() => {
    for (const socket of paused) socket.resume();
    paused.clear();
  });

  const server = net.createServer((socket) => {
    sockets.add(socket);
    const framer = new SyslogTcpFramer(context.maxMessageBytes);
    const sourceAddress = normalizePeerAddress(socket.remoteAddress);
    const forward = (frames: ReturnType<SyslogTcpFramer['push']>) => {
      const receivedAt = new Date().toISOString();
      for (const frame of frames) {
        if (frame.truncated) context.rejected('syslog_tcp', 'truncated');
        void context.accept({ payload: frame.payload, receivedAt, sourceAddress, input: 'syslog_tcp' });
      }
      if (context.isBackedUp() && !socket.isPaused()) {
        socket.pause();
        paused.add(socket);
      }
    };
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk) => forward(framer.push(chunk)));
    socket.on('end', () => forward(framer.end()));
    socket.on('error', (error) => context.logger.debug({ err: error, sourceAddress }, 'A syslog TCP connection failed.'));
    socket.on('close', () => {
      sockets.delete(socket);
      paused.delete(socket);
    });
  });
  server.on('error', (error) => context.logger.error({ err: error, input: 'syslog_tcp' }, 'The syslog TCP server reported an error.'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return {
    name: 'syslog_tcp',
    address: `${host}:${bound.port}/tcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.end();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 2_000).unref();
      }),
  };
}
