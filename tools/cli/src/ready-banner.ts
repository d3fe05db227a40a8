import type { SiemConfig } from '@siem/config';
import type { AppStatus } from './app-supervisor';

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
    'An app that exits is restarted; the others keep running.',
    'Ctrl-C (SIGINT) or SIGTERM stops everything; workers finish their chunk and commit first.',
    '',
  ].join('\n');
}

/** Printed when an app goes down or comes back after the first start, e.g. "SIEM apps: collector up, processor up, api DOWN (restarting; 1 restart so far)." */
export function appStatusLine(statuses: readonly AppStatus[]): string {
  const describe = ({ app, state, restarts }: AppStatus) => {
    const count = `${restarts} restart${restarts === 1 ? '' : 's'} so far`;
    if (state === 'down') return `${app} DOWN (restarting; ${count})`;
    if (state === 'starting') return `${app} starting (${count})`;
    return restarts === 0 ? `${app} ${state}` : `${app} ${state} (${count})`;
  };
  return `SIEM apps: ${statuses.map(describe).join(', ')}.\n`;
}
