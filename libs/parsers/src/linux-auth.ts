/**
 * Linux authentication messages: sshd logins, sudo, su, pam_unix, and the
 * shadow-utils account tools (useradd, groupadd, userdel, passwd). Field
 * names follow Filebeat's system/auth module (`system.auth.ssh.method`,
 * `system.auth.sudo.*`) so that dashboards and rules written for it apply.
 *
 * A message is recognised by its wording alone, because after a syslog header
 * only the body arrives here; unrecognised bodies return undefined. As a
 * parser of its own it also reads whole /var/log/auth.log lines, and keeps
 * the unrecognised ones with just their prefix fields: a file of auth lines is
 * full of messages (cron sessions, logind) that are not worth a dead letter.
 */
import { isIP } from 'node:net';
import type { WritingBodyParser } from './body-format';
import { defineBodyFormat, mergeEcsFields } from './body-format';
import { isPlainIpv4 } from './ecs-values';
import { parseCount } from './field-path';
import { parseLogFilePrefix, prefixFields } from './log-file-prefix';

export const LINUX_AUTH = 'linux_auth';

type Fields = Record<string, unknown>;

function authEvent(action: string, outcome: 'success' | 'failure' | undefined, type: string, category: string[] = ['authentication']): Fields {
  const event: Fields = { kind: 'event', category, type: [type], action };
  if (outcome !== undefined) event.outcome = outcome;
  return event;
}

/** `203.0.113.9` → source fields; a host name goes to `source.domain`. */
function sourceOf(address: string, port?: number): Fields {
  const source: Fields = isPlainIpv4(address) || isIP(address) !== 0 ? { ip: address, address } : { domain: address, address };
  if (port !== undefined) source.port = port;
  return source;
}

/** `<address> port <port>` at `start`; returns the source and the index after the port. */
function addressAndPort(body: string, start: number): { source: Fields; end: number } | undefined {
  const portAt = body.indexOf(' port ', start);
  if (portAt <= start) return undefined;
  let end = portAt + 6;
  let port = 0;
  for (; end < body.length; end++) {
    const digit = body.charCodeAt(end) - 0x30;
    if (!(digit >= 0 && digit <= 9)) break;
    port = port * 10 + digit;
  }
  // parseCount's bounds: 1–15 digits.
  if (end === portAt + 6 || end - portAt - 6 > 15 || port > 65_535) return undefined;
  return { source: sourceOf(body.slice(start, portAt), port), end };
}

/**
 * `<address>` ending the body, with no port (`logger -t sshd "Failed password for root from 203.0.113.7"`);
 * anything after it would be a cut or unknown wording.
 */
function addressOnly(body: string, start: number): { source: Fields; end: number } | undefined {
  return start === body.length || body.includes(' ', start) ? undefined : { source: sourceOf(body.slice(start)), end: body.length };
}

const INVALID_USER = 'invalid user ';

/** sshd `Accepted|Failed <method> for [invalid user ]<user> from <ip>[ port <port> ssh2][: <signature>]`. */
function sshLogin(body: string, accepted: boolean): Fields | undefined {
  const methodStart = accepted ? 9 : 7;
  const methodEnd = body.indexOf(' for ', methodStart);
  if (methodEnd <= methodStart) return undefined;
  const method = body.slice(methodStart, methodEnd);
  if (method.includes(' ')) return undefined;
  let userStart = methodEnd + 5;
  const invalid = body.startsWith(INVALID_USER, userStart);
  if (invalid) userStart += INVALID_USER.length;
  const from = body.lastIndexOf(' from ');
  if (from < userStart) return undefined;
  const endpoint = addressAndPort(body, from + 6) ?? addressOnly(body, from + 6);
  if (endpoint === undefined) return undefined;
  const ssh: Fields = { event: accepted ? 'Accepted' : 'Failed', method };
  const signatureAt = body.indexOf(': ', endpoint.end);
  if (signatureAt >= 0) ssh.signature = body.slice(signatureAt + 2);
  if (invalid) ssh.invalid_user = true;
  const fields: Fields = {
    event: authEvent('ssh_login', accepted ? 'success' : 'failure', 'start', accepted ? ['authentication', 'session'] : ['authentication']),
    source: endpoint.source,
    system: { auth: { ssh } },
  };
  const user = body.slice(userStart, from);
  if (user.length > 0) fields.user = { name: user };
  return fields;
}

/** sshd `Invalid user <user> from <ip>[ port <port>]`. */
function sshInvalidUser(body: string): Fields | undefined {
  const from = body.lastIndexOf(' from ');
  if (from < 12) return undefined;
  const endpoint = addressAndPort(body, from + 6);
  const fields: Fields = {
    event: authEvent('ssh_login', 'failure', 'start'),
    source: endpoint?.source ?? sourceOf(body.slice(from + 6)),
    system: { auth: { ssh: { event: 'Invalid', invalid_user: true } } },
  };
  const user = body.slice(13, from);
  if (user.length > 0) fields.user = { name: user };
  return fields;
}

/**
 * sshd `Disconnected from|Connection closed by [authenticating |invalid ]user <user> <ip> port <port>[ [preauth]]`,
 * or the same without a user. Closing while still authenticating counts as a failure.
 */
function sshDisconnect(body: string, prefixLength: number): Fields | undefined {
  let index = prefixLength;
  let stage: 'authenticating' | 'invalid' | 'user' | undefined;
  for (const candidate of ['authenticating user ', 'invalid user ', 'user '] as const) {
    if (body.startsWith(candidate, index)) {
      stage = candidate === 'user ' ? 'user' : candidate === 'invalid user ' ? 'invalid' : 'authenticating';
      index += candidate.length;
      break;
    }
  }
  const portAt = body.lastIndexOf(' port ');
  if (portAt <= index) return undefined;
  let user: string | undefined;
  let addressStart = index;
  if (stage !== undefined) {
    const addressSpace = body.lastIndexOf(' ', portAt - 1);
    if (addressSpace < index) return undefined;
    user = body.slice(index, addressSpace);
    addressStart = addressSpace + 1;
  }
  const endpoint = addressAndPort(body, addressStart);
  if (endpoint === undefined) return undefined;
  const preauth = body.includes('[preauth]', endpoint.end);
  const failed = stage === 'authenticating' || stage === 'invalid' || (stage === undefined && preauth);
  const ssh: Fields = { event: prefixLength === 18 ? 'Disconnected' : 'Closed' };
  if (stage === 'invalid') ssh.invalid_user = true;
  const fields: Fields = {
    event: authEvent('ssh_disconnect', failed ? 'failure' : undefined, 'end'),
    source: endpoint.source,
    system: { auth: { ssh } },
  };
  if (user !== undefined && user.length > 0) fields.user = { name: user };
  return fields;
}

const MAX_TRIES = 'error: maximum authentication attempts exceeded for ';

/** sshd `error: maximum authentication attempts exceeded for [invalid user ]<user> from <ip> port <port> ssh2 [preauth]`. */
function sshTooManyAttempts(body: string): Fields | undefined {
  let userStart = MAX_TRIES.length;
  const invalid = body.startsWith(INVALID_USER, userStart);
  if (invalid) userStart += INVALID_USER.length;
  const from = body.lastIndexOf(' from ');
  if (from < userStart) return undefined;
  const endpoint = addressAndPort(body, from + 6);
  if (endpoint === undefined) return undefined;
  const ssh: Fields = { event: 'MaxAuthTries' };
  if (invalid) ssh.invalid_user = true;
  return {
    event: authEvent('ssh_login', 'failure', 'start'),
    user: { name: body.slice(userStart, from) },
    source: endpoint.source,
    system: { auth: { ssh } },
  };
}

const SUDO_KEYS: Readonly<Record<string, string>> = { TTY: 'tty', PWD: 'pwd', USER: 'user', GROUP: 'group', ENV: 'env', TSID: 'tsid', CHROOT: 'chroot', CWD: 'pwd' };

/**
 * sudo `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls`, optionally with an
 * error first (`3 incorrect password attempts ;`, `user NOT in sudoers ;`). COMMAND comes
 * last and runs to the end of the line, ` ; ` included.
 */
function sudo(body: string): Fields | undefined {
  let start = 0;
  while (body.charCodeAt(start) === 0x20) start++;
  const separator = body.indexOf(' : ', start);
  if (separator <= start || separator - start > 256) return undefined;
  const user = body.slice(start, separator);
  if (user.includes(' ')) return undefined;
  const sudoFields: Fields = {};
  let error: string | undefined;
  let index = separator + 3;
  let sawKey = false;
  while (index < body.length) {
    if (body.startsWith('COMMAND=', index)) {
      sudoFields.command = body.slice(index + 8);
      sawKey = true;
      break;
    }
    let end = body.indexOf(' ; ', index);
    if (end < 0) end = body.length;
    const segment = body.slice(index, end);
    const equals = segment.indexOf('=');
    const key = equals > 0 ? SUDO_KEYS[segment.slice(0, equals)] : undefined;
    if (key !== undefined) {
      sudoFields[key] = segment.slice(equals + 1);
      sawKey = true;
    } else if (!sawKey && error === undefined) {
      error = segment;
    }
    index = end + 3;
  }
  if (!sawKey) return undefined;
  if (error !== undefined) sudoFields.error = error;
  const fields: Fields = {
    event: authEvent('sudo', error === undefined ? 'success' : 'failure', 'start', ['authentication', 'process']),
    user: { name: user },
    system: { auth: { sudo: sudoFields } },
  };
  const targetUser = sudoFields.user;
  if (typeof targetUser === 'string') (fields.user as Fields).effective = { name: targetUser };
  const process: Fields = {};
  if (typeof sudoFields.command === 'string') process.command_line = sudoFields.command;
  if (typeof sudoFields.pwd === 'string') process.working_directory = sudoFields.pwd;
  if (Object.keys(process).length > 0) fields.process = process;
  return fields;
}

/** util-linux su `[FAILED SU ](to root) alice on pts/0`. */
function suSwitch(body: string, failed: boolean): Fields | undefined {
  const start = failed ? 10 : 0;
  const close = body.indexOf(') ', start);
  if (close < 0) return undefined;
  const target = body.slice(start + 4, close);
  const on = body.lastIndexOf(' on ');
  const user = on > close ? body.slice(close + 2, on) : body.slice(close + 2);
  const su: Fields = {};
  if (on > close) su.tty = body.slice(on + 4);
  return {
    event: authEvent('su', failed ? 'failure' : 'success', 'start'),
    user: { name: user, effective: { name: target } },
    system: { auth: { su } },
  };
}

/** shadow-utils su `Successful su for root by alice` / `FAILED su for root by alice`. */
function shadowSu(body: string, failed: boolean): Fields | undefined {
  const start = failed ? 14 : 18;
  const by = body.indexOf(' by ', start);
  if (by < 0) return undefined;
  return {
    event: authEvent('su', failed ? 'failure' : 'success', 'start'),
    user: { name: body.slice(by + 4), effective: { name: body.slice(start, by) } },
  };
}

/**
 * `key=value` words split by `separator`; values may be empty. pam_unix writes
 * `logname= uid=0 ... user=root` (space), shadow-utils `name=bob, UID=1001` (comma).
 */
function keyValueWords(text: string, separator: ' ' | ', '): Map<string, string> {
  const words = new Map<string, string>();
  for (const word of text.split(separator)) {
    const equals = word.indexOf('=');
    if (equals > 0) words.set(word.slice(0, equals), word.slice(equals + 1));
  }
  return words;
}

/** sshd `PAM 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=202.109.143.106  user=root`. */
function pamRepeatedFailures(body: string): Fields {
  const words = keyValueWords(body.slice(body.indexOf('; ') + 2), ' ');
  const fields: Fields = { event: authEvent('authentication_failure', 'failure', 'info') };
  const user = words.get('user');
  if (user !== undefined && user.length > 0) fields.user = { name: user };
  const rhost = words.get('rhost');
  if (rhost !== undefined && rhost.length > 0) fields.source = sourceOf(rhost);
  const count = parseCount(body.slice(4, body.indexOf(' ', 4)));
  if (count !== undefined) fields.system = { auth: { pam: { failures: count } } };
  return fields;
}

const NO_IDENTIFICATION = 'Did not receive identification string from ';

/** sshd `Did not receive identification string from <ip>[ port <port>]`: a scan or a probe, not a login. */
function sshNoIdentification(body: string): Fields {
  const endpoint = addressAndPort(body, NO_IDENTIFICATION.length);
  return {
    event: { kind: 'event', category: ['network'], type: ['connection'], action: 'ssh_dropped', outcome: 'failure' },
    source: endpoint?.source ?? sourceOf(body.slice(NO_IDENTIFICATION.length)),
    system: { auth: { ssh: { event: 'Dropped' } } },
  };
}

/** `pam_unix(sshd:auth): authentication failure; ...`, `session opened for user root(uid=0) by alice(uid=1000)`, ... */
function pam(body: string): Fields | undefined {
  const open = body.indexOf('(');
  const close = body.indexOf('): ', open);
  if (open <= 0 || close < 0 || open > 40) return undefined;
  const module = body.slice(0, open);
  const [service, type] = body.slice(open + 1, close).split(':');
  const pamFields: Fields = { module };
  if (service !== undefined) pamFields.service = service;
  if (type !== undefined) pamFields.type = type;
  const message = body.slice(close + 3);
  const system = { auth: { pam: pamFields } };
  if (message.startsWith('authentication failure; ')) {
    const words = keyValueWords(message.slice(24), ' ');
    const fields: Fields = { event: authEvent('authentication_failure', 'failure', 'info'), system };
    const user = words.get('user') || words.get('ruser') || words.get('logname');
    if (user !== undefined && user.length > 0) fields.user = { name: user };
    const rhost = words.get('rhost');
    if (rhost !== undefined && rhost.length > 0) fields.source = sourceOf(rhost);
    const uid = words.get('uid');
    if (uid !== undefined && uid.length > 0) pamFields.uid = uid;
    const tty = words.get('tty');
    if (tty !== undefined && tty.length > 0) pamFields.tty = tty;
    return fields;
  }
  const opened = message.startsWith('session opened for user ');
  if (opened || message.startsWith('session closed for user ')) {
    const rest = message.slice(24);
    const userEnd = rest.search(/[( ]/);
    const fields: Fields = {
      event: authEvent(opened ? 'session_opened' : 'session_closed', 'success', opened ? 'start' : 'end', ['authentication', 'session']),
      user: { name: userEnd < 0 ? rest : rest.slice(0, userEnd) },
      system,
    };
    const by = rest.indexOf(' by ');
    if (by >= 0) {
      const byUser = rest.slice(by + 4);
      const paren = byUser.indexOf('(');
      const name = paren < 0 ? byUser : byUser.slice(0, paren);
      if (name.length > 0) pamFields.by = name;
    }
    return fields;
  }
  if (message.startsWith('password changed for ')) {
    return { event: authEvent('password_changed', 'success', 'change', ['iam']), user: { name: message.slice(21) }, system };
  }
  if (message.startsWith('check pass; user unknown')) {
    return { event: authEvent('authentication_failure', 'failure', 'info'), system };
  }
  return undefined;
}


function iamEvent(action: string, types: string[]): Fields {
  return { kind: 'event', category: ['iam'], type: types, action, outcome: 'success' };
}

/** The text between the first pair of single quotes at or after `start`, and the index after it. */
function quoted(body: string, start: number): { value: string; end: number } | undefined {
  const open = body.indexOf("'", start);
  const close = open < 0 ? -1 : body.indexOf("'", open + 1);
  return close < 0 ? undefined : { value: body.slice(open + 1, close), end: close + 1 };
}

function accountTool(body: string): Fields | undefined {
  if (body.startsWith('new user: ')) {
    const words = keyValueWords(body.slice(10), ', ');
    const name = words.get('name');
    if (name === undefined) return undefined;
    const user: Fields = { name };
    const uid = words.get('UID');
    if (uid !== undefined) user.id = uid;
    const gid = words.get('GID');
    if (gid !== undefined) user.group = { id: gid };
    const useradd: Fields = {};
    for (const key of ['home', 'shell', 'from'] as const) {
      const value = words.get(key);
      if (value !== undefined) useradd[key] = value;
    }
    return { event: iamEvent('user_created', ['user', 'creation']), user, system: { auth: { useradd } } };
  }
  const groupAdded = body.startsWith('new group: ') ? 11 : body.startsWith('group added to ') ? body.indexOf(': ') + 2 : 0;
  if (groupAdded > 1) {
    const words = keyValueWords(body.slice(groupAdded), ', ');
    const name = words.get('name');
    if (name === undefined) return undefined;
    const group: Fields = { name };
    const gid = words.get('GID');
    if (gid !== undefined) group.id = gid;
    return { event: iamEvent('group_created', ['group', 'creation']), group };
  }
  if (body.startsWith('delete user ')) {
    const user = quoted(body, 12);
    return user === undefined ? undefined : { event: iamEvent('user_deleted', ['user', 'deletion']), user: { name: user.value } };
  }
  if (body.startsWith('removed group ') || body.startsWith('removed shadow group ') || body.startsWith('group ')) {
    const group = quoted(body, 6);
    if (group === undefined) return undefined;
    if (!body.startsWith('removed') && !body.startsWith(' removed', group.end)) return undefined;
    return { event: iamEvent('group_deleted', ['group', 'deletion']), group: { name: group.value } };
  }
  if (body.startsWith('add ') || body.startsWith('delete ')) {
    const user = quoted(body, 4);
    const group = user === undefined ? undefined : quoted(body, user.end);
    if (user === undefined || group === undefined || !body.includes(' group ', user.end)) return undefined;
    const adding = body.startsWith('add ');
    return {
      event: iamEvent(adding ? 'user_added_to_group' : 'user_removed_from_group', ['user', 'change']),
      user: { name: user.value },
      group: { name: group.value },
    };
  }
  if (body.startsWith('password for ')) {
    const user = quoted(body, 13);
    if (user === undefined || !body.startsWith(' changed by ', user.end)) return undefined;
    const by = quoted(body, user.end);
    const fields: Fields = { event: iamEvent('password_changed', ['user', 'change']), user: { name: user.value } };
    if (by !== undefined) (fields.user as Fields).changes = { name: by.value };
    return fields;
  }
  return undefined;
}

/** Recognises one message body; undefined when it is none of the above. */
export function parseAuthMessage(body: string): Fields | undefined {
  switch (body.charCodeAt(0)) {
    case 0x41: // A
      if (body.startsWith('Accepted ')) return sshLogin(body, true);
      break;
    case 0x46: // F
      if (body.startsWith('Failed ')) return sshLogin(body, false);
      if (body.startsWith('FAILED SU (to ')) return suSwitch(body, true);
      if (body.startsWith('FAILED su for ')) return shadowSu(body, true);
      break;
    case 0x49: // I
      if (body.startsWith('Invalid user ')) return sshInvalidUser(body);
      break;
    case 0x50: // P
      if (body.startsWith('PAM ') && body.includes(' more authentication failures; ')) return pamRepeatedFailures(body);
      break;
    case 0x44: // D
      if (body.startsWith('Disconnected from ')) return sshDisconnect(body, 18);
      if (body.startsWith(NO_IDENTIFICATION)) return sshNoIdentification(body);
      break;
    case 0x43: // C
      if (body.startsWith('Connection closed by ')) return sshDisconnect(body, 21);
      break;
    case 0x53: // S
      if (body.startsWith('Successful su for ')) return shadowSu(body, false);
      break;
    case 0x28: // (
      if (body.startsWith('(to ')) return suSwitch(body, false);
      break;
    case 0x65: // e
      if (body.startsWith(MAX_TRIES)) return sshTooManyAttempts(body);
      break;
    case 0x70: // p
      if (body.startsWith('pam_')) return pam(body);
      break;
    default:
      break;
  }
  const account = accountTool(body);
  if (account !== undefined) return account;
  return body.includes(' : ') ? sudo(body) : undefined;
}

/**
 * mergeEcsFields for what the recognisers above return, each top-level key
 * stored by name: in a merge that adds keys to an event, the stores by a
 * variable key are the slow part. The `event` objects all come from
 * authEvent, iamEvent and sshNoIdentification, with these five keys in this order.
 */
function writeAuthFields(target: Fields, fields: Fields): void {
  for (const key in fields) {
    const value = fields[key] as Fields;
    switch (key) {
      case 'event': {
        const event = target.event;
        if (event === null || typeof event !== 'object' || Array.isArray(event)) {
          target.event = value;
          break;
        }
        const outer = event as Fields;
        outer.kind = value.kind;
        outer.category = value.category;
        outer.type = value.type;
        outer.action = value.action;
        if (value.outcome !== undefined) outer.outcome = value.outcome;
        break;
      }
      case 'source':
        if (target.source === undefined) target.source = value;
        else mergeEcsFields(target, { source: value });
        break;
      case 'user':
        if (target.user === undefined) target.user = value;
        else mergeEcsFields(target, { user: value });
        break;
      case 'system':
        if (target.system === undefined) target.system = value;
        else mergeEcsFields(target, { system: value });
        break;
      default:
        mergeEcsFields(target, { [key]: value });
    }
  }
}

export const linuxAuthBodyParser: WritingBodyParser = {
  dataset: LINUX_AUTH,
  description:
    'Linux authentication messages (sshd, sudo, su, pam_unix, useradd, groupadd, userdel, passwd), as a syslog body or as whole /var/log/auth.log lines.',
  compileWriter(_options, context) {
    return (body, target) => {
      const fields = parseAuthMessage(body);
      if (fields !== undefined) {
        writeAuthFields(target, fields);
        return true;
      }
      const prefix = parseLogFilePrefix(body, context);
      if (prefix === undefined) return undefined;
      const message = body.slice(prefix.bodyStart);
      mergeEcsFields(target, prefixFields(prefix));
      const messageFields = parseAuthMessage(message);
      if (messageFields !== undefined) writeAuthFields(target, messageFields);
      target.message = message;
      return true;
    };
  },
};

export const linuxAuthParser = defineBodyFormat(linuxAuthBodyParser);
