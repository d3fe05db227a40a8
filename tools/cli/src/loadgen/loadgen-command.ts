import type { SiemConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';
import { parseMix } from './mixed-lines';
import { loadgenSummary, parseDuration, runLoadgen } from './run-loadgen';
import { createSender, VIAS, type Via } from './senders';

const local = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** `siem loadgen`: reads the flags, sends, and returns the summary line. */
export async function runLoadgenCommand(flags: Readonly<Record<string, string | true>>, config: SiemConfig, logger: Logger, progress: { write(text: string): unknown }): Promise<string> {
  const flag = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const via = (flag('via') ?? 'udp') as Via;
  if (!VIAS.includes(via)) throw new Error(`--via takes one of ${VIAS.join(', ')}, not ${via}.`);
  const rate = Number(flag('rate') ?? 1000);
  const sender = await createSender(via, {
    host: flag('host') ?? local(config.collector.host),
    syslogPort: config.collector.syslogPort,
    syslogTlsPort: config.collector.syslogTlsPort,
    httpPort: config.collector.httpPort,
    apiKey: flag('api-key') ?? config.collector.httpApiKeys[0],
    caFile: flag('ca'),
    insecure: flags.insecure === true,
    mqttUrl: flag('mqtt-url') ?? config.mqtt.url,
    mqttTopic: flag('mqtt-topic') ?? 'logs/loadgen',
    config,
    logger,
  });
  const result = await runLoadgen({ rate, durationMs: parseDuration(flag('duration') ?? '60s'), mix: parseMix(flag('mix') ?? 'syslog,cef,json,windows'), via, progress }, sender);
  return loadgenSummary(result);
}
