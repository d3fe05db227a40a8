import type { SiemConfig } from '@siem/config';

/** What `npm start` prints once everything answers: where to send logs and how to query them. */
export function readyBanner(config: SiemConfig): string {
  const host = (bind: string) => (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind);
  const syslog = `${host(config.collector.host)}`;
  const api = `http://${host(config.api.host)}:${config.api.port}`;
  return [
    '',
    'SIEM is running.',
    '',
    '  Send a syslog line (UDP, RFC 5424):',
    `    logger -n ${syslog} -P ${config.collector.syslogPort} -d --rfc5424 -t demo "hello from logger"`,
    '  Send a syslog line (TCP, RFC 3164):',
    `    logger -n ${syslog} -P ${config.collector.syslogPort} -T --rfc3164 -t demo "hello over tcp"`,
    '  Send NDJSON over HTTP:',
    `    curl -sS --data-binary '{"message":"hello from curl","host":{"name":"web-1"}}' http://${syslog}:${config.collector.httpPort}/ingest`,
    '  Search (newest first):',
    `    curl -sS -G ${api}/api/v1/search --data-urlencode 'q=hello' --data-urlencode 'size=10'`,
    `    npx siem search 'hello' --size 10`,
    '',
    `Bus: ${config.deployment.bus}, store: ${config.deployment.store}${config.deployment.bus === 'embedded' || config.deployment.store === 'embedded' ? ` (data in ${config.deployment.dataDir})` : ''}.`,
    'Ctrl-C stops everything; workers finish their chunk and commit first.',
    '',
  ].join('\n');
}
