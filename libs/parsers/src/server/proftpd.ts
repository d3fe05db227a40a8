/**
 * ProFTPD's syslog messages (its SyslogLevel/SystemLog output, as the
 * ProFTPD documentation on logging shows them), each prefixed with the
 * server name and the client:
 *
 *   ftp.example.com (client.example.org[198.51.100.7]) - USER alice: Login successful.
 *   ftp.example.com (203.0.113.9[203.0.113.9]) - USER admin (Login failed): Incorrect password
 *
 * → `event.action` (`login`, `login_failed`, `session_opened`,
 * `session_closed`, `max_login_attempts`, `anonymous_login`, `chroot`,
 * `security_violation`, `idle_timeout`, `refused_port`), `event.outcome`,
 * `user.name`, `source.{ip,domain}`, `server.domain`, `network.protocol: ftp`.
 */
import type { FieldsBodyParser } from '../body-format';
import { endpoint, mismatch, put, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';

export const PROFTPD = 'proftpd';

const PREFIX = /^(\S+) \(([^[\s]*)\[([^\]]*)\]\) - (.*)$/;

interface Known {
  readonly pattern: RegExp;
  readonly action: string;
  readonly category: string[];
  readonly type: string[];
  readonly outcome?: 'success' | 'failure';
}

// The user name, when the message has one, is the pattern's first group; a reason, its second.
const MESSAGES: readonly Known[] = [
  { pattern: /^USER (\S+): Login successful\.?$/, action: 'login', category: ['authentication'], type: ['start'], outcome: 'success' },
  { pattern: /^USER (\S+) \(Login failed\): (.*)$/, action: 'login_failed', category: ['authentication'], type: ['start'], outcome: 'failure' },
  { pattern: /^USER (\S+): no such user found from .*$/, action: 'login_failed', category: ['authentication'], type: ['start'], outcome: 'failure' },
  { pattern: /^ANON (\S+): Login successful\.?$/, action: 'anonymous_login', category: ['authentication'], type: ['start'], outcome: 'success' },
  { pattern: /^()FTP session opened\.?$/, action: 'session_opened', category: ['session'], type: ['start'] },
  { pattern: /^()FTP session closed\.?$/, action: 'session_closed', category: ['session'], type: ['end'] },
  { pattern: /^()FTP (?:session|login) (?:idle )?timeout.*$/, action: 'idle_timeout', category: ['session'], type: ['end'] },
  { pattern: /^()(Maximum login attempts \(\d+\) exceeded.*)$/, action: 'max_login_attempts', category: ['authentication'], type: ['denied'], outcome: 'failure' },
  { pattern: /^()Preparing to chroot to directory '([^']*)'$/, action: 'chroot', category: ['session'], type: ['info'] },
  { pattern: /^()(SECURITY VIOLATION: .*)$/, action: 'security_violation', category: ['authentication', 'intrusion_detection'], type: ['denied'], outcome: 'failure' },
  { pattern: /^()(Refused PORT .*)$/, action: 'refused_port', category: ['network'], type: ['denied'], outcome: 'failure' },
  { pattern: /^USER (\S+) \(Login failed\)$/, action: 'login_failed', category: ['authentication'], type: ['start'], outcome: 'failure' },
];

export const proftpdBodyParser: FieldsBodyParser = {
  dataset: PROFTPD,
  description: 'ProFTPD syslog messages ("server (host[ip]) - message"): logins and failed logins, anonymous logins, sessions opened and closed, timeouts, max login attempts, chroot, security violations, refused PORT commands.',
  compile() {
    return (body) => {
      const prefix = PREFIX.exec(body);
      if (prefix === null) return undefined;
      const [, server, host, address, text] = prefix as unknown as [string, string, string, string, string];
      const source = endpoint(address);
      if (source === undefined) {
        return mismatch(PROFTPD, `The ProFTPD line names no client address in "(${host}[${address}])"; check that the line was not cut.`);
      }
      if (host.length > 0 && host !== address) source.domain = host;
      const fields: Fields = { network: { protocol: 'ftp' }, server: { domain: server }, source };
      for (const known of MESSAGES) {
        const match = known.pattern.exec(text);
        if (match === null) continue;
        const event: Fields = { kind: 'event', category: known.category, type: known.type, action: known.action };
        put(event, 'outcome', known.outcome);
        put(event, 'reason', match[2]);
        fields.event = event;
        if (match[1] !== undefined && match[1].length > 0) fields.user = { name: match[1] };
        if (known.action === 'chroot') fields.file = { path: match[2] };
        return fields;
      }
      fields.event = { kind: 'event', category: ['network'], type: ['info'], action: 'message', reason: text };
      return fields;
    };
  },
};

export const proftpdParser = defineSyslogBodyFormat(proftpdBodyParser);
