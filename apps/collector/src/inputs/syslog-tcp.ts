import net from 'node:net';
import type { InputContext, RunningInput } from './input';
import { startSyslogStream } from './syslog-stream';

/** Syslog over TCP with newline or octet-counted framing per frame (RFC 6587). */
export function startSyslogTcp(host: string, port: number, idleTimeoutMs: number, context: InputContext): Promise<RunningInput> {
  return startSyslogStream(net.createServer(), { input: 'syslog_tcp', host, port, idleTimeoutMs, connectionEvent: 'connection' }, context);
}
