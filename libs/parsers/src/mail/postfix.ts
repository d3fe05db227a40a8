/**
 * Postfix mail logs, as its daemons write them (postfix/smtpd, smtp, qmgr,
 * cleanup, pickup, local, lmtp, bounce, postscreen, anvil), read from the
 * wording Postfix documents in its manual pages and DEBUG_README:
 *
 *   connect from mail.example.org[198.51.100.7]
 *   4F3A91C2D3: client=mail.example.org[198.51.100.7], sasl_method=PLAIN, sasl_username=alice
 *   4F3A91C2D3: to=<bob@example.com>, relay=mx.example.com[192.0.2.25]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok)
 *   NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 <x@example.net>: Relay access denied; from=<a@b> to=<x@example.net> proto=ESMTP helo=<c>
 *
 * Elastic has no Postfix integration, so the mail fields go to ECS `email.*`
 * (the queue id is `email.local_id`, the id the local MTA gave the message),
 * the peer to `source.*` (a client connecting in) or `destination.*` (a relay
 * we deliver to), and Postfix's own values to `postfix.*`.
 */
import type { FieldsBodyParser } from '../body-format';
import { endpoint, mismatch, put, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';

export const POSTFIX = 'postfix';

const QUEUE_ID = /^([0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,16}):\s/;
const HOST_AND_IP = /^([^\s[\]]+)\[([0-9A-Fa-f:.]+|unknown)\](?::(\d{1,5}))?/;
const LEVELS = new Set(['warning', 'error', 'fatal', 'panic']);
const DELIVERY_STATUS: Readonly<Record<string, 'success' | 'failure' | 'unknown'>> = { sent: 'success', deliverable: 'success', bounced: 'failure', expired: 'failure', undeliverable: 'failure', deferred: 'unknown' };

/** `name[ip]:port` → `{ domain, ip, port }` (`unknown` names and addresses left out). */
function peer(text: string): Fields | undefined {
  const match = HOST_AND_IP.exec(text);
  if (match === null) return undefined;
  const fields = endpoint(match[2] === 'unknown' ? undefined : match[2], match[3]) ?? {};
  if (match[1] !== 'unknown') fields.domain = match[1];
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** `key=value, key=value` (Postfix separates its pairs with a comma and a space); `<address>` loses its brackets. */
function commaPairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  let start = 0;
  while (start < text.length) {
    const equals = text.indexOf('=', start);
    if (equals < 0) break;
    let end = text.indexOf(', ', equals);
    // A value in parentheses ("status=sent (250 2.0.0 Ok: queued as X, id=y)") may hold ", ".
    const paren = text.indexOf(' (', equals);
    if (paren >= 0 && (end < 0 || paren < end)) end = text.length;
    if (end < 0) end = text.length;
    const key = text.slice(start, equals);
    let value = text.slice(equals + 1, end);
    if (value.startsWith('<') && value.endsWith('>')) value = value.slice(1, -1);
    if (!key.includes(' ')) pairs[key] = value;
    start = end + 2;
  }
  return pairs;
}

/** The `(reason)` closing a delivery or reject line, without its parentheses. */
function trailingReason(text: string): string | undefined {
  const open = text.indexOf(' (');
  return open >= 0 && text.endsWith(')') ? text.slice(open + 2, -1) : undefined;
}

function mailEvent(action: string, type: string[], outcome?: string, category: string[] = ['email']): Fields {
  const event: Fields = { kind: 'event', category, type, action };
  put(event, 'outcome', outcome);
  return event;
}

/** Lines that name a queue id: what happened to one message. */
function queuedMessage(queueId: string, rest: string): Fields | ReturnType<typeof mismatch> {
  const email: Fields = { local_id: queueId };
  const postfix: Fields = { queue_id: queueId };
  const fields: Fields = { email, postfix };
  if (rest === 'removed') {
    fields.event = mailEvent('removed', ['deletion']);
    return fields;
  }
  if (rest.startsWith('message-id=')) {
    const id = rest.slice(11).replace(/^<|>$/g, '');
    put(email, 'message_id', id);
    fields.event = mailEvent('message_id', ['info']);
    return fields;
  }
  if (rest.startsWith('sender non-delivery notification: ') || rest.startsWith('sender delivery status notification: ')) {
    postfix.bounce_queue_id = rest.slice(rest.indexOf(': ') + 2);
    fields.event = mailEvent('bounce_notification', ['info']);
    return fields;
  }
  const pairs = commaPairs(rest);
  if (rest.startsWith('client=')) {
    const client = peer(pairs.client ?? '');
    if (client !== undefined) fields.source = client;
    if (pairs.sasl_username !== undefined) {
      fields.user = { name: pairs.sasl_username };
      put(postfix, 'sasl_method', pairs.sasl_method);
      fields.event = mailEvent('client', ['info', 'allowed'], 'success', ['email', 'authentication']);
    } else {
      fields.event = mailEvent('client', ['info']);
    }
    return fields;
  }
  if (rest.startsWith('to=')) {
    const status = pairs.status?.split(' ', 1)[0];
    if (pairs.relay === undefined || status === undefined) {
      return mismatch(POSTFIX, `The postfix delivery line of ${queueId} has no relay= or status=; Postfix writes both on every delivery attempt. Check that the line was not cut.`);
    }
    email.to = { address: [pairs.to] };
    if (pairs.orig_to !== undefined) postfix.orig_to = pairs.orig_to;
    const relay = pairs.relay === 'none' || pairs.relay === 'local' ? undefined : peer(pairs.relay);
    if (relay !== undefined) fields.destination = relay;
    postfix.relay = pairs.relay;
    postfix.status = status;
    put(postfix, 'dsn', pairs.dsn);
    put(postfix, 'delays', pairs.delays);
    const delay = pairs.delay === undefined ? Number.NaN : Number(pairs.delay);
    // Completed in place: an object spread here was a tenth of the parse.
    const event = mailEvent(status, ['info'], DELIVERY_STATUS[status]);
    if (Number.isFinite(delay)) event.duration = Math.round(delay * 1e9);
    fields.event = event;
    put(fields.event as Fields, 'reason', trailingReason(pairs.status ?? ''));
    return fields;
  }
  if (rest.startsWith('from=')) {
    email.from = { address: [pairs.from] };
    const size = pairs.size === undefined ? Number.NaN : Number(pairs.size);
    if (Number.isFinite(size)) postfix.size = size;
    const recipients = pairs.nrcpt === undefined ? Number.NaN : Number.parseInt(pairs.nrcpt, 10);
    if (Number.isFinite(recipients)) postfix.nrcpt = recipients;
    fields.event = mailEvent('queued', ['info']);
    return fields;
  }
  if (rest.startsWith('uid=')) {
    const match = /^uid=(\d+) from=<([^>]*)>/.exec(rest);
    if (match !== null) {
      email.from = { address: [match[2]] };
      fields.user = { id: match[1] };
    }
    fields.event = mailEvent('pickup', ['info']);
    return fields;
  }
  const reject = rejectLine(rest);
  if (reject !== undefined) {
    Object.assign(fields, reject, { email: { ...email, ...(reject.email as Fields | undefined) }, postfix: { ...postfix, ...(reject.postfix as Fields) } });
    return fields;
  }
  fields.event = mailEvent('info', ['info']);
  return fields;
}

/** `reject: RCPT from host[ip]: 554 5.7.1 <rcpt>: reason; from=<a> to=<b> proto=ESMTP helo=<h>` (also `reject_warning`, `discard`, `hold`). */
function rejectLine(text: string): Fields | undefined {
  const match = /^(reject|reject_warning|discard|hold|milter-reject|filter|redirect): (\S+(?: \S+)?) from ([^:\s]+): (.*)$/.exec(text);
  if (match === null) return undefined;
  const [, action, stage, client, detail] = match as unknown as [string, string, string, string, string];
  const fields: Fields = {};
  const source = peer(client);
  if (source !== undefined) fields.source = source;
  const postfix: Fields = { smtp_stage: stage };
  const semicolon = detail.lastIndexOf('; ');
  const reason = semicolon >= 0 ? detail.slice(0, semicolon) : detail;
  const codes = /^(\d{3}) (\d\.\d{1,3}\.\d{1,3}) /.exec(reason);
  if (codes !== null) {
    postfix.status_code = Number(codes[1]);
    postfix.dsn = codes[2];
  }
  const email: Fields = {};
  if (semicolon >= 0) {
    for (const word of detail.slice(semicolon + 2).split(' ')) {
      const equals = word.indexOf('=');
      if (equals <= 0) continue;
      const key = word.slice(0, equals);
      const value = word.slice(equals + 1).replace(/^<|>$/g, '');
      if (key === 'from') email.from = { address: [value] };
      else if (key === 'to') email.to = { address: [value] };
      else if (key === 'proto' || key === 'helo') postfix[key] = value;
    }
  }
  fields.email = email;
  fields.postfix = postfix;
  const denied = action !== 'reject_warning' && action !== 'filter' && action !== 'redirect';
  const event = mailEvent(action, ['info', denied ? 'denied' : 'allowed'], denied ? 'failure' : 'success');
  event.reason = reason;
  fields.event = event;
  return fields;
}

/** Lines without a queue id: connections, postscreen, warnings. */
function sessionMessage(body: string): Fields | undefined {
  if (body.startsWith('connect from ') || body.startsWith('disconnect from ') || body.startsWith('lost connection after ') || body.startsWith('timeout after ')) {
    const from = body.indexOf(' from ');
    const source = peer(body.slice(from + 6));
    if (source === undefined) return undefined;
    const action = body.startsWith('connect') ? 'connect' : body.startsWith('disconnect') ? 'disconnect' : body.startsWith('lost') ? 'lost_connection' : 'timeout';
    const fields: Fields = { source, event: mailEvent(action, action === 'connect' ? ['connection', 'start'] : ['connection', 'end'], undefined, ['email', 'network']) };
    if (action === 'lost_connection' || action === 'timeout') fields.postfix = { smtp_stage: body.slice(body.indexOf(' after ') + 7, from) };
    else if (action === 'disconnect') {
      const commands = body.slice(body.indexOf(' ', from + 6) + 1);
      if (commands.length > 0 && commands !== body) fields.postfix = { commands };
    }
    return fields;
  }
  // postscreen: "CONNECT from [198.51.100.7]:41234 to [192.0.2.25]:25", "PASS NEW [198.51.100.7]:41234", "DNSBL rank 3 for [203.0.113.9]:5000".
  const screen = /^(CONNECT from|PASS NEW|PASS OLD|DNSBL rank \d+ for|PREGREET \d+ after \S+ from|HANGUP after \S+ from|DISCONNECT|WHITELISTED|ALLOWLISTED|BLACKLISTED|DENYLISTED) \[([0-9A-Fa-f:.]+)\]:(\d{1,5})/.exec(body);
  if (screen !== null) {
    const verdict = (screen[1] ?? '').split(' ', 1).join('').toLowerCase();
    const denied = verdict === 'dnsbl' || verdict === 'pregreet' || verdict === 'blacklisted' || verdict === 'denylisted';
    return {
      source: endpoint(screen[2], screen[3]),
      event: mailEvent(`postscreen_${verdict}`, ['connection', denied ? 'denied' : 'info'], denied ? 'failure' : undefined, ['email', 'network']),
      postfix: { postscreen: screen[1] },
    };
  }
  const colon = body.indexOf(': ');
  const level = colon > 0 ? body.slice(0, colon) : '';
  if (LEVELS.has(level)) {
    const text = body.slice(colon + 2);
    const fields: Fields = { log: { level }, event: mailEvent(level, ['info']) };
    // "warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6"
    const sasl = /^(\S+\[[0-9A-Fa-f:.]+\]): SASL (\S+) authentication failed/.exec(text);
    if (sasl !== null) {
      fields.source = peer(sasl[1] ?? '');
      fields.postfix = { sasl_method: sasl[2] };
      fields.event = mailEvent('sasl_auth_failed', ['start'], 'failure', ['email', 'authentication']);
    }
    return fields;
  }
  return undefined;
}

export const postfixBodyParser: FieldsBodyParser = {
  dataset: POSTFIX,
  description: 'Postfix mail logs (smtpd connections and SASL logins, cleanup message ids, qmgr queueing, smtp/local deliveries with their status, NOQUEUE rejects, postscreen verdicts, warnings) → email.*, source/destination, postfix.*.',
  compile() {
    return (body) => {
      if (body.startsWith('NOQUEUE: ')) {
        const reject = rejectLine(body.slice(9));
        return reject ?? mismatch(POSTFIX, 'The postfix NOQUEUE line is not "NOQUEUE: <action>: <stage> from <client>: <reply>"; check that the line was not cut.');
      }
      const queued = QUEUE_ID.exec(body);
      if (queued !== null) return queuedMessage(queued[1] ?? '', body.slice(queued[0].length));
      return sessionMessage(body);
    };
  },
};

export const postfixParser = defineSyslogBodyFormat(postfixBodyParser);
