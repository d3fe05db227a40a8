import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import type { AppStatus } from './app-supervisor';

/** The admin key file as the banner shows it, and the key itself when this start created it (shown once). */
export interface AdminKeyNote {
  /** `<dataDir>/admin.key` as configured (relative paths stay relative to where `npm start` ran), when it exists. */
  readonly file?: string;
  readonly newKey?: string;
}

/** Reads `<dataDir>/admin.key`: its key counts as new when the file was written after `startedAt`. */
export function adminKeyNote(config: SiemConfig, startedAt: number): AdminKeyNote {
  const file = path.join(config.deployment.dataDir, 'admin.key');
  try {
    const written = statSync(file).mtimeMs;
    return written >= startedAt ? { file, newKey: readFileSync(file, 'utf8').trim() } : { file };
  } catch {
    return {};
  }
}

const shellQuoted = (text: string) => (/^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** What `npm start` prints once everything answers: where to send logs and how to query them with a key. */
export function readyBanner(config: SiemConfig, admin: AdminKeyNote = {}): string {
  const host = (bind: string) => (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind);
  const syslog = `${host(config.collector.host)}`;
  const api = `http://${host(config.api.host)}:${config.api.port}`;
  // The CLI reads SIEM_API_KEY first, then the file: the curl line follows the same order.
  const keyText = config.api.clientKey === undefined && admin.file !== undefined ? `$(cat ${shellQuoted(admin.file)})` : '$SIEM_API_KEY';
  const keyLines =
    admin.newKey !== undefined
      ? ['  The first admin key (shown this once; also in ' + admin.file + ', readable only by you):', `    ${admin.newKey}`]
      : config.api.clientKey === undefined && admin.file === undefined
        ? [`  Every API call needs a key: set SIEM_API_KEY to one (this host has no ${path.join(config.deployment.dataDir, 'admin.key')}).`]
        : [];
  return [
    '',
    'SIEM is running.',
    '',
    ...keyLines,
    '  Send a syslog line (UDP, RFC 5424):',
    `    logger -n ${syslog} -P ${config.collector.syslogPort} -d --rfc5424 -t demo "hello from logger"`,
    '  Send a syslog line (TCP, RFC 3164):',
    `    logger -n ${syslog} -P ${config.collector.syslogPort} -T --rfc3164 -t demo "hello over tcp"`,
    '  Send NDJSON over HTTP:',
    `    curl -sS --data-binary '{"message":"hello from curl","host":{"name":"web-1"}}' http://${syslog}:${config.collector.httpPort}/ingest`,
    '  Search (newest first):',
    `    curl -sS -H "Authorization: ApiKey ${keyText}" -G ${api}/api/v1/search --data-urlencode 'q=hello' --data-urlencode 'size=10'`,
    `    npx siem search 'hello' --size 10`,
    '  Give others their own key (roles: viewer, analyst, detection, admin, ingest):',
    `    npx siem keys create --name alice --role analyst`,
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
