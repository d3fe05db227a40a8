import dgram from 'node:dgram';
import net from 'node:net';
import { ActionError, ActionErrorCodes } from '../errors';

/** One RFC 5424 message in one UDP datagram. */
export async function sendUdp(host: string, port: number, message: string): Promise<void> {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.send(Buffer.from(message), port, host, (error) => (error ? reject(error) : resolve())));
  } catch (cause) {
    throw new ActionError(ActionErrorCodes.deliveryFailed, `Sending syslog over UDP to ${host}:${port} failed: ${(cause as Error).message}.`, { cause, retryable: true });
  } finally {
    socket.close();
  }
}

/** One message over TCP, octet-counted (RFC 6587 3.4.1: the length, a space, the message), so a message may hold line breaks. */
export async function sendTcp(host: string, port: number, message: string, timeoutMs: number): Promise<void> {
  const frame = Buffer.concat([Buffer.from(`${Buffer.byteLength(message)} `), Buffer.from(message)]);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      socket.once('error', reject);
      socket.once('connect', () => socket.end(frame));
      socket.once('close', (hadError) => {
        if (!hadError) resolve();
      });
    });
  } catch (cause) {
    throw new ActionError(ActionErrorCodes.deliveryFailed, `Sending syslog over TCP to ${host}:${port} failed: ${(cause as Error).message}.`, { cause, retryable: true });
  }
}
