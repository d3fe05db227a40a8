/**
 * Apache httpd and nginx error logs. Their layouts are fixed by the servers
 * (Apache 2.2 and 2.4's default ErrorLogFormat, nginx's only layout), so
 * unlike the access logs they take no format option.
 */
import { isIP } from 'node:net';
import type { BodyParser, EcsFields } from './body-format';
import { defineBodyFormat, mergeEcsFields } from './body-format';
import { parseCount } from './field-path';
import { unescapeLogValue } from './access-log-format';
import { isValidTimeValue } from './time';
import { parseApacheErrorTime, parseNginxErrorTime } from './web-time';

const ERROR_LEVELS: ReadonlySet<string> = new Set(['error', 'crit', 'alert', 'emerg']);

/** ECS `event.type` of an error log line: `error` for the error levels and worse, `info` below. */
function eventType(level: string): string {
  return ERROR_LEVELS.has(level) ? 'error' : 'info';
}

/** Apache `AH00124: ` message codes. */
function apacheCodeLength(message: string): number {
  if (!message.startsWith('AH')) return 0;
  let index = 2;
  while (index < message.length && index < 8) {
    const digit = message.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) break;
    index++;
  }
  return index > 2 && message.startsWith(': ', index) ? index : 0;
}

/** `10.0.0.1:5555`, `::1:5555` (2.4 always appends the port) or `10.0.0.1` (2.2). */
function clientEndpoint(text: string): Record<string, unknown> {
  const colon = text.lastIndexOf(':');
  if (colon > 0) {
    const port = parseCount(text.slice(colon + 1));
    const address = text.slice(0, colon);
    if (port !== undefined && port <= 65_535 && isIP(address) !== 0) return { address, ip: address, port };
  }
  return isIP(text) !== 0 ? { address: text, ip: text } : { address: text };
}

export const apacheErrorBodyParser: BodyParser = {
  dataset: 'apache_error',
  description:
    'Apache httpd error log lines, 2.4 ("[time] [module:level] [pid N:tid M] [client ip:port] AHnnnnn: message") and 2.2 ("[time] [level] [client ip] message").',
  compile(_options, context) {
    return (body) => {
      if (body.charCodeAt(0) !== 0x5b) return undefined;
      const timeEnd = body.indexOf(']');
      if (timeEnd < 0) return undefined;
      const time = parseApacheErrorTime(body, 1, timeEnd, context.zone);
      if (Number.isNaN(time)) return undefined;
      const fields: EcsFields = { '@timestamp': time };
      const event: Record<string, unknown> = { category: ['web'], kind: 'event' };
      fields.event = event;
      let index = timeEnd + 1;
      // Bracketed groups follow in a fixed order but each may be absent.
      while (body.startsWith(' [', index)) {
        const close = body.indexOf(']', index + 2);
        if (close < 0) break;
        const group = body.slice(index + 2, close);
        if (group.startsWith('pid ')) {
          const tid = group.indexOf(':tid ');
          const pid = parseCount(tid < 0 ? group.slice(4) : group.slice(4, tid));
          if (pid === undefined) break;
          const process: Record<string, unknown> = { pid };
          const thread = tid < 0 ? undefined : parseCount(group.slice(tid + 5));
          if (thread !== undefined) process.thread = { id: thread };
          fields.process = process;
        } else if (group.startsWith('client ') || group.startsWith('remote ')) {
          fields.source = clientEndpoint(group.slice(7));
        } else if (fields.log === undefined && fields.process === undefined && fields.source === undefined && isLevelGroup(group)) {
          const colon = group.indexOf(':');
          const level = colon < 0 ? group : group.slice(colon + 1);
          fields.log = { level };
          event.type = [eventType(level)];
          if (colon > 0) fields.apache = { error: { module: group.slice(0, colon) } };
        } else {
          break;
        }
        index = close + 1;
      }
      let message = body.charCodeAt(index) === 0x20 ? body.slice(index + 1) : body.slice(index);
      const codeLength = apacheCodeLength(message);
      if (codeLength > 0) {
        fields.error = { code: message.slice(0, codeLength) };
        message = message.slice(codeLength + 2);
      }
      if (message.length > 0) fields.message = message;
      return fields;
    };
  },
};

/** `error`, `core:error`, `ssl:warn`, `authz_core:debug`, `:trace5`. */
function isLevelGroup(group: string): boolean {
  if (group.length === 0 || group.length > 40) return false;
  for (let index = 0; index < group.length; index++) {
    const code = group.charCodeAt(index);
    const ok = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x3a || code === 0x2d;
    if (!ok) return false;
  }
  return true;
}

const NGINX_LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg']);

/** nginx's trailing context: `, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"`. */
function addNginxContext(fields: EcsFields, context: string): void {
  const nginxError: Record<string, unknown> = {};
  let index = 0;
  while (index < context.length) {
    const colon = context.indexOf(': ', index);
    if (colon < 0) break;
    const key = context.slice(index, colon);
    let valueStart = colon + 2;
    let valueEnd: number;
    let next: number;
    if (context.charCodeAt(valueStart) === 0x22) {
      valueStart++;
      valueEnd = valueStart;
      while (valueEnd < context.length && context.charCodeAt(valueEnd) !== 0x22) valueEnd += context.charCodeAt(valueEnd) === 0x5c ? 2 : 1;
      valueEnd = Math.min(valueEnd, context.length);
      next = context.startsWith(', ', valueEnd + 1) ? valueEnd + 3 : context.length;
    } else {
      valueEnd = context.indexOf(', ', valueStart);
      if (valueEnd < 0) valueEnd = context.length;
      next = valueEnd + 2;
    }
    const value = unescapeLogValue(context.slice(valueStart, valueEnd));
    switch (key) {
      case 'client':
        fields.source = isIP(value) !== 0 ? { address: value, ip: value } : { address: value };
        break;
      case 'server':
        nginxError.server = value;
        break;
      case 'host':
        mergeEcsFields(fields, { url: { domain: value } });
        break;
      case 'referrer':
        mergeEcsFields(fields, { http: { request: { referrer: value } } });
        break;
      case 'request':
        addNginxRequest(fields, value);
        break;
      case 'upstream':
        nginxError.upstream = value;
        break;
      default:
        break;
    }
    index = next;
  }
  if (Object.keys(nginxError).length > 0) mergeEcsFields(fields, { nginx: { error: nginxError } });
}

function addNginxRequest(fields: EcsFields, request: string): void {
  const firstSpace = request.indexOf(' ');
  const lastSpace = request.lastIndexOf(' ');
  if (firstSpace <= 0) return;
  const versioned = lastSpace > firstSpace && request.startsWith('HTTP/', lastSpace + 1);
  const http: Record<string, unknown> = { request: { method: request.slice(0, firstSpace) } };
  if (versioned) http.version = request.slice(lastSpace + 6);
  const target = versioned ? request.slice(firstSpace + 1, lastSpace) : request.slice(firstSpace + 1);
  const queryStart = target.indexOf('?');
  const url: Record<string, unknown> = { original: target, path: queryStart < 0 ? target : target.slice(0, queryStart) };
  if (queryStart >= 0 && queryStart + 1 < target.length) url.query = target.slice(queryStart + 1);
  mergeEcsFields(fields, { http, url });
}

export const nginxErrorBodyParser: BodyParser = {
  dataset: 'nginx_error',
  description:
    'nginx error log lines ("yyyy/mm/dd hh:mm:ss [level] pid#tid: *connection message, client: ..., server: ..., request: \\"...\\""), read in the configured timezone.',
  compile(_options, context) {
    return (body) => {
      if (body.charCodeAt(19) !== 0x20 || body.charCodeAt(20) !== 0x5b) return undefined;
      const time = parseNginxErrorTime(body, 0, context.zone);
      if (!isValidTimeValue(time)) return undefined;
      const levelEnd = body.indexOf('] ', 21);
      const level = levelEnd < 0 ? '' : body.slice(21, levelEnd);
      if (!NGINX_LEVELS.has(level)) return undefined;
      const fields: EcsFields = { '@timestamp': time, event: { category: ['web'], kind: 'event', type: [eventType(level)] }, log: { level } };
      let index = levelEnd + 2;
      const hash = body.indexOf('#', index);
      const colon = body.indexOf(': ', index);
      if (hash > index && colon > hash) {
        const pid = parseCount(body.slice(index, hash));
        const thread = parseCount(body.slice(hash + 1, colon));
        if (pid !== undefined && thread !== undefined) {
          fields.process = { pid, thread: { id: thread } };
          index = colon + 2;
        }
      }
      if (body.charCodeAt(index) === 0x2a) {
        const space = body.indexOf(' ', index);
        const connection = parseCount(body.slice(index + 1, space < 0 ? body.length : space));
        if (connection !== undefined) {
          fields.nginx = { error: { connection_id: connection } };
          index = space < 0 ? body.length : space + 1;
        }
      }
      const contextStart = body.indexOf(', client: ', index);
      const message = contextStart < 0 ? body.slice(index) : body.slice(index, contextStart);
      if (message.length > 0) fields.message = message;
      if (contextStart >= 0) addNginxContext(fields, body.slice(contextStart + 2));
      return fields;
    };
  },
};

export const apacheErrorParser = defineBodyFormat(apacheErrorBodyParser);
export const nginxErrorParser = defineBodyFormat(nginxErrorBodyParser);
