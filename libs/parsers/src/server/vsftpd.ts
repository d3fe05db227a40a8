/**
 * vsftpd logs in its own format (vsftpd.conf(5): `log_ftp_protocol=NO`,
 * `xferlog_std_format=NO`), written to syslog (`syslog_enable=YES`) or to
 * /var/log/vsftpd.log with a ctime and pid prefix:
 *
 *   [alice] OK LOGIN: Client "198.51.100.7"
 *   Fri Dec  4 10:00:00 2026 [pid 4242] [alice] OK UPLOAD: Client "198.51.100.7", "/home/alice/a.txt", 1234 bytes, 56.78Kbyte/sec
 *   [pid 4241] CONNECT: Client "::ffff:198.51.100.7"
 *
 * → `event.action` (the verb lower-cased: `login`, `upload`, `download`,
 * `mkdir`, `rmdir`, `delete`, `rename`, `chmod`, `connect`), `event.outcome`
 * from OK/FAIL, `user.name`, `source.ip` (IPv4-mapped IPv6 unwrapped),
 * `file.{path,size}`, `network.protocol: ftp`.
 */
import type { FieldsBodyParser } from '../body-format';
import { endpoint, mismatch, put, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';
import { parseIsoTimestamp } from '../time';

export const VSFTPD = 'vsftpd';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FILE_PREFIX = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4}) /;
const RECORD = /^(?:\[pid (\d+)\] )?(?:\[([^\]]*)\] )?(?:(OK|FAIL) )?([A-Z]+(?: [A-Z]+)?): Client "([^"]*)"(.*)$/;
const FILE_VERBS = new Set(['UPLOAD', 'DOWNLOAD', 'MKDIR', 'RMDIR', 'DELETE', 'RENAME', 'CHMOD']);

const categories = (verb: string): { category: string[]; type: string[] } => {
  if (verb === 'LOGIN' || verb === 'ANON LOGIN') return { category: ['authentication'], type: ['start'] };
  if (verb === 'CONNECT') return { category: ['network'], type: ['connection', 'start'] };
  if (verb === 'UPLOAD' || verb === 'MKDIR') return { category: ['file'], type: ['creation'] };
  if (verb === 'DELETE' || verb === 'RMDIR') return { category: ['file'], type: ['deletion'] };
  if (verb === 'RENAME' || verb === 'CHMOD') return { category: ['file'], type: ['change'] };
  return { category: ['file'], type: ['access'] };
};

export const vsftpdBodyParser: FieldsBodyParser = {
  dataset: VSFTPD,
  description: 'vsftpd logs (syslog or vsftpd.log): connections, logins, uploads, downloads, mkdir/rmdir/delete/rename/chmod with OK/FAIL, user, client address, file path and size.',
  compile(_options, context) {
    return (body) => {
      let text = body;
      let time: number | undefined;
      const prefix = FILE_PREFIX.exec(text);
      if (prefix !== null) {
        const [, monthName, day, clock, year] = prefix as unknown as [string, string, string, string, string];
        const month = MONTHS.indexOf(monthName) + 1;
        const iso = `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}T${clock}`;
        const millis = month > 0 ? parseIsoTimestamp(iso, 0, iso.length, 'lenient', context.zone) : Number.NaN;
        // A time that cannot be read is left to the caller, which tags the event.
        time = Number.isNaN(millis) ? undefined : millis;
        text = text.slice(prefix[0].length);
      }
      const record = RECORD.exec(text);
      if (record === null) {
        if (prefix !== null || text.startsWith('[pid ')) {
          return mismatch(VSFTPD, 'The vsftpd line is not "[pid N] [user] OK|FAIL VERB: Client "address"..."; check that vsftpd writes its own log format (xferlog_std_format=NO).');
        }
        return undefined;
      }
      const [, pid, user, result, verb, client, rest] = record as unknown as [string, string | undefined, string | undefined, string | undefined, string, string, string];
      if (result === undefined && verb !== 'CONNECT') return undefined;
      const kind = categories(verb);
      const event: Fields = { kind: 'event', category: kind.category, type: kind.type, action: verb.toLowerCase().replace(' ', '_') };
      if (result !== undefined) event.outcome = result === 'OK' ? 'success' : 'failure';
      const address = client.startsWith('::ffff:') && client.includes('.') ? client.slice(7) : client;
      const fields: Fields = { event, network: { protocol: 'ftp' } };
      put(fields, 'source', endpoint(address));
      if (user !== undefined && user.length > 0) fields.user = { name: user };
      if (pid !== undefined) fields.process = { pid: Number(pid) };
      if (FILE_VERBS.has(verb)) {
        const detail = /^, "([^"]*)"(?:, (\d+) bytes, ([\d.]+)Kbyte\/sec)?/.exec(rest);
        if (detail === null) return mismatch(VSFTPD, `The vsftpd ${verb} line has no quoted path after the client; check that the line was not cut.`);
        const quoted = detail[1] ?? '';
        const file: Fields = {};
        if (verb === 'RENAME' || verb === 'CHMOD') {
          // vsftpd writes "old new" (RENAME) and "path mode" (CHMOD) in one quoted string.
          const space = quoted.lastIndexOf(' ');
          if (verb === 'RENAME') {
            file.path = quoted.slice(space + 1);
            fields.vsftpd = { old_path: quoted.slice(0, space) };
          } else {
            file.path = quoted.slice(0, space);
            file.mode = quoted.slice(space + 1);
          }
        } else {
          file.path = quoted;
        }
        if (detail[2] !== undefined) {
          file.size = Number(detail[2]);
          fields.vsftpd = { transfer_rate_kbps: Number(detail[3]) };
        }
        fields.file = file;
      }
      if (time !== undefined) fields['@timestamp'] = time;
      return fields;
    };
  },
};

export const vsftpdParser = defineSyslogBodyFormat(vsftpdBodyParser);
