import dgram from 'node:dgram';
import type { RawRecord } from '@siem/schema';
import type { InputContext, RunningInput } from './input';
import { normalizePeerAddress } from './peer-address';

/** One datagram is one message (RFC 5426); a trailing newline some senders add is removed. */
export async function startSyslogUdp(host: string, port: number, context: InputContext): Promise<RunningInput> {
  const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  socket.on('message', (datagram, peer) => {
    let end = datagram.length;
    while (end > 0 && (datagram[end - 1] === 0x0a || datagram[end - 1] === 0x0d || datagram[end - 1] === 0x00)) end--;
    if (end === 0) {
      context.rejected('syslog_udp', 'empty');
      return;
    }
    const truncated = end > context.maxMessageBytes;
    if (truncated) context.rejected('syslog_udp', 'truncated');
    const record: RawRecord = {
      payload: Buffer.from(datagram.subarray(0, Math.min(end, context.maxMessageBytes))),
      receivedAt: new Date().toISOString(),
      sourceAddress: normalizePeerAddress(peer.address),
      input: 'syslog_udp',
      ...(truncated && { truncated: true }),
    };
    void context.accept([record]);
  });
  socket.on('error', (error) => context.logger.error({ err: error, input: 'syslog_udp' }, 'The syslog UDP socket reported an error.'));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    name: 'syslog_udp',
    address: `${host}:${socket.address().port}/udp`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
