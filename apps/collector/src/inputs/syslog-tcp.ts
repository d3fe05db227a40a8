import net from 'node:net';
import type { InputContext, RunningInput } from './input';
import { startSyslogStream, type StreamLimits } from './syslog-stream';

/** Syslog over TCP with newline or octet-counted framing per frame (RFC 6587). */
export function startSyslogTcp(host: string, port: number, limits: StreamLimits, context: InputContext): Promise<RunningInput> {
  return startSyslogStream(net.createServer(), { input: 'syslog_tcp', host, port, ...limits, connectionEvent: 'connection' }, context);
}
