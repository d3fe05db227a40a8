/**
 * Dovecot (2.x) logs, as its processes prefix them (Dovecot's "Logging"
 * documentation and the login_log_format_elements setting):
 *
 *   imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.5, mpid=4242, TLS, session=<x>
 *   pop3-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, method=PLAIN, rip=..., lip=..., TLS
 *   imap(alice)<4242><x>: Logged out in=112 out=804 deleted=0 expunged=0 trashed=0 hdr_count=0 ...
 *   auth: passwd-file(mallory,203.0.113.9): unknown user
 *   lmtp(alice)<4243><y>: msgid=<m@example.org>: saved mail to INBOX
 *
 * The client (`rip`) is the source, the server's own address (`lip`) the
 * destination; the service names `network.protocol`. Logins are category
 * `authentication` with the outcome of the attempt.
 */
import type { FieldsBodyParser } from '../body-format';
import { endpoint, mismatch, put, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';

export const DOVECOT = 'dovecot';

const LOGIN_PROCESS = /^(imap|pop3|submission|managesieve|lmtp)-login: (.*)$/;
const MAIL_PROCESS = /^(imap|pop3|lmtp|lda|submission|managesieve|doveadm|indexer-worker)\(([^)]*)\)(?:<\d+>)?(?:<[^>]*>)?: (.*)$/;
const AUTH_PROCESS = /^auth(?:-worker)?(?:\(\d+\))?: (?:(?:Debug|Info|Warning|Error): )?([a-z-]+)\(([^,)]*),([^,)]*)(?:,<[^>]*>)?\): (.*)$/;
const FAILED_LOGIN = /auth failed|Aborted login|no auth attempts|Connection closed|Disconnected/;

/** `user=<alice>, method=PLAIN, rip=..., lip=..., mpid=1, TLS, session=<x>` → pairs; bare words (TLS, secured) as flags. */
function loginElements(text: string): { pairs: Record<string, string>; flags: string[] } | undefined {
  const pairs: Record<string, string> = {};
  const flags: string[] = [];
  for (const element of text.split(', ')) {
    const equals = element.indexOf('=');
    if (equals < 0) {
      flags.push(element);
      continue;
    }
    let value = element.slice(equals + 1);
    if (value.startsWith('<')) {
      if (!value.endsWith('>')) return undefined;
      value = value.slice(1, -1);
    }
    pairs[element.slice(0, equals)] = value;
  }
  return { pairs, flags };
}

function loginLine(service: string, text: string): Fields | ReturnType<typeof mismatch> | undefined {
  const colon = text.indexOf(': user=');
  if (colon < 0) return undefined;
  const what = text.slice(0, colon);
  const elements = loginElements(text.slice(colon + 2));
  if (elements === undefined) return mismatch(DOVECOT, `The dovecot ${service}-login line has a <value> without its closing ">"; check that the line was not cut.`);
  const { pairs, flags } = elements;
  const success = what === 'Login';
  const event: Fields = { kind: 'event', category: ['authentication'], type: ['start'], action: success ? 'logged-in' : 'login-failed', outcome: success ? 'success' : 'failure' };
  if (!success) {
    if (!FAILED_LOGIN.test(what)) return undefined;
    put(event, 'reason', /\(([^)]*)\)/.exec(what)?.[1] ?? what);
    if (/no auth attempts/.test(what)) event.action = 'login-aborted';
  }
  const fields: Fields = { event, network: { protocol: service } };
  if (pairs.user !== undefined && pairs.user.length > 0) fields.user = { name: pairs.user };
  put(fields, 'source', endpoint(pairs.rip, pairs.rport));
  put(fields, 'destination', endpoint(pairs.lip, pairs.lport));
  const dovecot: Fields = {};
  put(dovecot, 'auth_method', pairs.method);
  put(dovecot, 'session_id', pairs.session);
  // A mangled mpid ("[4242") would be NaN, which JSON writes as null: leave the field out instead.
  if (pairs.mpid !== undefined && /^\d+$/.test(pairs.mpid)) dovecot.mail_pid = Number(pairs.mpid);
  if (flags.includes('TLS') || flags.includes('secured')) dovecot.secured = true;
  fields.dovecot = dovecot;
  return fields;
}

function mailProcessLine(service: string, user: string, text: string): Fields {
  const fields: Fields = { network: { protocol: service }, dovecot: {} };
  if (user.length > 0) fields.user = { name: user };
  if (text.startsWith('Logged out') || text.startsWith('Disconnected')) {
    const counters: Fields = {};
    for (const match of text.matchAll(/\b([a-z_]+)=(\d+)/g)) counters[match[1] ?? ''] = Number(match[2]);
    (fields.dovecot as Fields).session = counters;
    fields.event = { kind: 'event', category: ['session'], type: ['end'], action: 'logged-out' };
    if (text.startsWith('Disconnected')) put(fields.event as Fields, 'reason', /^Disconnected(?: for inactivity)?:? ?([^:]*)/.exec(text)?.[1] || 'disconnected');
    return fields;
  }
  const delivery = /^(?:sieve: )?msgid=<?([^>:]*)>?: (saved mail to|stored mail into mailbox) '?([^']*)'?/.exec(text);
  if (delivery !== null) {
    fields.email = { message_id: delivery[1] };
    (fields.dovecot as Fields).mailbox = delivery[3];
    fields.event = { kind: 'event', category: ['email'], type: ['info'], action: 'delivered', outcome: 'success' };
    return fields;
  }
  const level = /^(Error|Warning|Fatal|Panic): /.exec(text);
  const levelName = level?.[1]?.toLowerCase();
  if (levelName !== undefined) fields.log = { level: levelName };
  fields.event = { kind: 'event', category: ['email'], type: ['info'], action: levelName ?? 'info' };
  return fields;
}

export const dovecotBodyParser: FieldsBodyParser = {
  dataset: DOVECOT,
  description: 'Dovecot IMAP/POP3/LMTP logs: logins and failed or aborted logins (user, method, rip/lip, TLS, session), passdb lookups, mailbox sessions with their counters, deliveries, master start-up.',
  compile() {
    return (body) => {
      const login = LOGIN_PROCESS.exec(body);
      if (login !== null) return loginLine(login[1] ?? '', login[2] ?? '');
      const auth = AUTH_PROCESS.exec(body);
      if (auth !== null) {
        const [, passdb, user, address, text] = auth as unknown as [string, string, string, string, string];
        const failed = /unknown user|mismatch|failed|Password mismatch|disabled|expired/i.test(text);
        const fields: Fields = {
          event: { kind: 'event', category: ['authentication'], type: ['info'], action: 'passdb-lookup', outcome: failed ? 'failure' : 'unknown', reason: text },
          dovecot: { passdb },
        };
        if (user.length > 0 && user !== '?') fields.user = { name: user };
        put(fields, 'source', endpoint(address));
        return fields;
      }
      const mail = MAIL_PROCESS.exec(body);
      if (mail !== null) return mailProcessLine(mail[1] ?? '', mail[2] ?? '', mail[3] ?? '');
      const master = /^master: Dovecot v?(\S+)(?: \([0-9a-f]+\))? starting up(?: for ([a-z0-9, ]+))?/.exec(body);
      if (master !== null) {
        const fields: Fields = { event: { kind: 'event', category: ['process'], type: ['start'], action: 'started' }, service: { version: master[1] } };
        if (master[2] !== undefined) fields.dovecot = { protocols: master[2].split(', ') };
        return fields;
      }
      return undefined;
    };
  },
};

export const dovecotParser = defineSyslogBodyFormat(dovecotBodyParser);
