import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningInput } from './input';
import { startSyslogTcp } from './syslog-tcp';
import { recordingContext } from './test-context';

let running: RunningInput | undefined;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket)).once('error', reject);
    sockets.push(socket);
  });
}

const closed = (socket: net.Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

describe('syslog over TCP', () => {
  it('closes connections past SIEM_TCP_MAX_CONNECTIONS as they arrive, counts them, and serves the open ones and later ones', async () => {
    const context = recordingContext();
    running = await startSyslogTcp('127.0.0.1', 0, { idleTimeoutMs: 60_000, maxConnections: 2 }, context);
    const port = Number(running.address.split(':')[1]!.split('/')[0]);
    const first = await connect(port);
    const second = await connect(port);
    first.write('<13>one\n');
    await vi.waitFor(() => expect(context.records).toHaveLength(1));

    const third = await connect(port);
    third.on('error', () => undefined);
    third.write('<13>refused\n');
    await closed(third);
    await vi.waitFor(() => expect(context.rejections).toEqual(['syslog_tcp:connection_limit']));

    second.write('<13>two\n');
    first.end();
    await closed(first);
    const fourth = await connect(port);
    fourth.write('<13>three\n');
    await vi.waitFor(() => expect(context.records.map((r) => r.payload.toString())).toEqual(['<13>one', '<13>two', '<13>three']));
  });
});
