/**
 * Compiles an access log format (Apache `LogFormat` directives or nginx
 * `log_format` variables) once at start into a list of literals and fields,
 * then scans each line left to right against it: every field ends where the
 * literal after it begins, so a line costs one pass and no regex.
 */
import { ParserSetupError } from './errors';
import { isForbiddenKey } from './keys';
import { parseCount, parseDecimal } from './field-path';
import { parseIsoTimestamp, type TimeZone } from './time';
import { parseClfTime, parseEpochSeconds } from './web-time';

export type WebServer = 'apache' | 'nginx';

/** What the fields of one line said, before it becomes ECS. */
export interface AccessValues {
  clientAddress?: string;
  clientPort?: number;
  serverAddress?: string;
  serverPort?: number;
  domain?: string;
  user?: string;
  timeMillis?: number;
  requestLine?: string;
  method?: string;
  path?: string;
  query?: string;
  uri?: string;
  protocol?: string;
  status?: number;
  bodyBytes?: number;
  responseBytes?: number;
  requestBytes?: number;
  referrer?: string;
  userAgent?: string;
  durationNanos?: number;
  pid?: number;
  extras?: Record<string, string>;
}

/** Stores one field's text; false when the text cannot be what the field says (a status that is not a number). */
type Setter = (values: AccessValues, text: string) => boolean;

interface FieldToken {
  readonly literal: undefined;
  /** The directive as written, for error messages. */
  readonly directive: string;
  readonly set: Setter;
  /** Apache's `%t` brings its own brackets, which contain a space. */
  readonly bracketed: boolean;
  /** Seeing this field parse means the line is in this format; a failure after it is an error, not "another format". */
  readonly claims: boolean;
}

interface LiteralToken {
  readonly literal: string;
}

type Token = FieldToken | LiteralToken;

export interface CompiledFormat {
  readonly server: WebServer;
  readonly format: string;
  readonly tokens: readonly Token[];
  /** Per field token: is it enclosed in double quotes (and so may contain escaped quotes)? */
  readonly quoted: readonly boolean[];
  /** Index of the first claiming field; failures up to it mean "not this format". */
  readonly claimIndex: number;
}

export const NAMED_FORMATS: Readonly<Record<WebServer, Readonly<Record<string, string>>>> = {
  apache: {
    common: '%h %l %u %t "%r" %>s %b',
    combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
    vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  },
  nginx: {
    common: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
    combined: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
    main: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
  },
};

const DASH = '-';

function text(key: 'clientAddress' | 'serverAddress' | 'domain' | 'user' | 'requestLine' | 'method' | 'path' | 'uri' | 'protocol' | 'referrer' | 'userAgent'): Setter {
  return (values, value) => {
    if (value !== DASH && value.length > 0) values[key] = value;
    return true;
  };
}

function count(key: 'clientPort' | 'serverPort' | 'bodyBytes' | 'responseBytes' | 'requestBytes' | 'pid'): Setter {
  return (values, value) => {
    if (value === DASH) return true;
    const number = parseCount(value);
    if (number === undefined) return false;
    values[key] = number;
    return true;
  };
}

const setStatus: Setter = (values, value) => {
  const status = parseCount(value);
  if (status === undefined || status < 100 || status > 999) return false;
  values.status = status;
  return true;
};

const setQuery: Setter = (values, value) => {
  const query = value.charCodeAt(0) === 0x3f ? value.slice(1) : value;
  if (query.length > 0 && query !== DASH) values.query = query;
  return true;
};

/** `coarse` (whole seconds): kept only when no finer duration is in the line, whatever the field order. */
function duration(nanosPerUnit: number, decimal: boolean, coarse = false): Setter {
  return (values, value) => {
    if (value === DASH || (coarse && values.durationNanos !== undefined)) return true;
    const number = decimal ? parseDecimal(value) : parseCount(value);
    if (number === undefined) return false;
    values.durationNanos = Math.round(number * nanosPerUnit);
    return true;
  };
}

const setClfTime: Setter = (values, value) => {
  const bracketed = value.charCodeAt(0) === 0x5b && value.charCodeAt(value.length - 1) === 0x5d;
  const millis = bracketed ? parseClfTime(value, 1, value.length - 1) : parseClfTime(value, 0, value.length);
  if (Number.isNaN(millis)) return false;
  values.timeMillis = millis;
  return true;
};

function epochTime(millisPerUnit: number): Setter {
  return (values, value) => {
    const number = millisPerUnit === 1000 ? parseEpochSeconds(value, 0, value.length) : parseCount(value);
    if (number === undefined || Number.isNaN(number)) return false;
    values.timeMillis = millisPerUnit === 1000 ? number : Math.floor(number * millisPerUnit);
    return true;
  };
}

function isoTime(zone: TimeZone): Setter {
  return (values, value) => {
    const millis = parseIsoTimestamp(value, 0, value.length, 'lenient', zone);
    if (Number.isNaN(millis)) return false;
    values.timeMillis = millis;
    return true;
  };
}

function extra(name: string): Setter {
  return (values, value) => {
    if (value !== DASH && value.length > 0) (values.extras ??= {})[name] = value;
    return true;
  };
}

/** Turns an option-supplied name (a header, a variable) into a safe single field name. */
function extraName(name: string, directive: string, prefix = ''): string {
  const safe = prefix + name.toLowerCase().replaceAll('.', '_');
  if (name.length === 0 || isForbiddenKey(safe)) {
    throw new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `The access log directive ${directive} names no usable field; remove it from the "format" option.`);
  }
  return safe;
}

interface FieldSpec {
  readonly set: Setter;
  readonly claims?: boolean;
  readonly bracketed?: boolean;
}

function apacheField(letter: string, parameter: string | undefined, directive: string): FieldSpec {
  const param = parameter?.toLowerCase();
  switch (letter) {
    case 'a':
    case 'h':
      return { set: text('clientAddress') };
    case 'A':
      return { set: text('serverAddress') };
    case 'b':
    case 'B':
      return { set: count('bodyBytes') };
    case 'O':
      return { set: count('responseBytes') };
    case 'I':
      return { set: count('requestBytes') };
    case 'D':
      return { set: duration(1000, false) };
    case 'T':
      if (param === 'ms') return { set: duration(1_000_000, false) };
      if (param === 'us') return { set: duration(1000, false) };
      return { set: duration(1_000_000_000, false, true) };
    case 'H':
      return { set: text('protocol') };
    case 'm':
      return { set: text('method') };
    case 'U':
      return { set: text('path') };
    case 'q':
      return { set: setQuery };
    case 'r':
      return { set: text('requestLine'), claims: true };
    case 's':
      return { set: setStatus };
    case 'u':
      return { set: text('user') };
    case 'v':
    case 'V':
      return { set: text('domain') };
    case 'p':
      return { set: count(param === 'remote' ? 'clientPort' : 'serverPort') };
    case 'P':
      return param === undefined || param === 'pid' ? { set: count('pid') } : { set: extra(extraName(`${param}_id`, directive)) };
    case 't': {
      const bare = param?.replace(/^(?:begin|end):/, '');
      if (bare === undefined || bare === '') return { set: setClfTime, claims: true, bracketed: true };
      if (bare === 'sec') return { set: epochTime(1000), claims: true };
      if (bare === 'msec') return { set: epochTime(1), claims: true };
      if (bare === 'usec') return { set: epochTime(0.001), claims: true };
      throw new ParserSetupError(
        'SIEM_PARSE_INVALID_CONFIG',
        `The access log directive ${directive} uses a strftime pattern, which is not supported; log the time with %t, %{sec}t, %{msec}t or %{usec}t.`,
      );
    }
    case 'i':
      if (param === 'referer' || param === 'referrer') return { set: text('referrer') };
      if (param === 'user-agent') return { set: text('userAgent') };
      return { set: extra(extraName(parameter ?? '', directive, 'request_header_')) };
    case 'o':
      return { set: extra(extraName(parameter ?? '', directive, 'response_header_')) };
    case 'C':
      return { set: extra(extraName(parameter ?? '', directive, 'cookie_')) };
    case 'e':
      return { set: extra(extraName(parameter ?? '', directive, 'env_')) };
    case 'n':
      return { set: extra(extraName(parameter ?? '', directive, 'note_')) };
    case 'l':
      return { set: extra('ident') };
    case 'L':
      return { set: extra('log_id') };
    case 'X':
      return { set: extra('connection_status') };
    case 'k':
      return { set: extra('keepalive_requests') };
    case 'f':
      return { set: extra('file') };
    case 'R':
      return { set: extra('handler') };
    case 'S':
      return { set: extra('bytes_transferred') };
    default:
      throw new ParserSetupError(
        'SIEM_PARSE_INVALID_CONFIG',
        `The access log directive ${directive} is not a supported Apache LogFormat directive; see the parsers README for the list.`,
      );
  }
}

function nginxField(name: string, zone: TimeZone, directive: string): FieldSpec {
  switch (name) {
    case 'remote_addr':
    case 'realip_remote_addr':
      return { set: text('clientAddress') };
    case 'remote_port':
    case 'realip_remote_port':
      return { set: count('clientPort') };
    case 'server_addr':
      return { set: text('serverAddress') };
    case 'server_port':
      return { set: count('serverPort') };
    case 'host':
    case 'server_name':
      return { set: text('domain') };
    case 'remote_user':
      return { set: text('user') };
    case 'time_local':
      return { set: setClfTime, claims: true };
    case 'time_iso8601':
      return { set: isoTime(zone), claims: true };
    case 'msec':
      return { set: epochTime(1000), claims: true };
    case 'request':
      return { set: text('requestLine'), claims: true };
    case 'request_method':
      return { set: text('method') };
    case 'request_uri':
      return { set: text('uri') };
    case 'uri':
    case 'document_uri':
      return { set: text('path') };
    case 'args':
    case 'query_string':
      return { set: setQuery };
    case 'server_protocol':
      return { set: text('protocol') };
    case 'status':
      return { set: setStatus };
    case 'body_bytes_sent':
      return { set: count('bodyBytes') };
    case 'bytes_sent':
      return { set: count('responseBytes') };
    case 'request_length':
      return { set: count('requestBytes') };
    case 'http_referer':
      return { set: text('referrer') };
    case 'http_user_agent':
      return { set: text('userAgent') };
    case 'request_time':
      return { set: duration(1_000_000_000, true) };
    case 'pid':
      return { set: count('pid') };
    default:
      return { set: extra(extraName(name, directive)) };
  }
}

function isNginxNameChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

function setupError(format: string, reason: string): ParserSetupError {
  return new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `The access log format ${JSON.stringify(format)} ${reason}.`);
}

/** Reads one Apache directive at `start` (the `%`); returns the field and where the directive ends. */
function scanApacheDirective(format: string, start: number): { spec: FieldSpec; end: number; directive: string } | { literal: string; end: number } {
  let index = start + 1;
  if (format[index] === '%') return { literal: '%', end: index + 1 };
  // Modifiers: < or > (original or final request) and status conditions such as !400,501.
  while (index < format.length && /[<>!,0-9]/.test(format[index] ?? '')) index++;
  let parameter: string | undefined;
  if (format[index] === '{') {
    const close = format.indexOf('}', index);
    if (close < 0) throw setupError(format, `has an unclosed "{" at character ${index}`);
    parameter = format.slice(index + 1, close);
    index = close + 1;
  }
  const letter = format[index];
  if (letter === undefined) throw setupError(format, 'ends inside a % directive');
  const directive = format.slice(start, index + 1);
  return { spec: apacheField(letter, parameter, directive), end: index + 1, directive };
}

function scanNginxVariable(format: string, start: number, zone: TimeZone): { spec: FieldSpec; end: number; directive: string } | { literal: string; end: number } {
  let index = start + 1;
  const braced = format[index] === '{';
  if (braced) index++;
  const nameStart = index;
  while (index < format.length && isNginxNameChar(format.charCodeAt(index))) index++;
  if (index === nameStart) return { literal: '$', end: start + 1 };
  const name = format.slice(nameStart, index);
  if (braced) {
    if (format[index] !== '}') throw setupError(format, `has an unclosed "\${" at character ${start}`);
    index++;
  }
  const directive = format.slice(start, index);
  return { spec: nginxField(name, zone, directive), end: index, directive };
}

/** Compiles a format string, or the name of a predefined one; throws ParserSetupError at start when it cannot be scanned. */
export function compileAccessFormat(server: WebServer, formatOrName: string, zone: TimeZone): CompiledFormat {
  const named = NAMED_FORMATS[server];
  const format = Object.hasOwn(named, formatOrName) ? (named[formatOrName] as string) : formatOrName;
  const tokens: Token[] = [];
  let literal = '';
  let index = 0;
  while (index < format.length) {
    const char = format[index];
    const scanned =
      char === '%' && server === 'apache'
        ? scanApacheDirective(format, index)
        : char === '$' && server === 'nginx'
          ? scanNginxVariable(format, index, zone)
          : undefined;
    if (scanned === undefined) {
      literal += char;
      index++;
      continue;
    }
    index = scanned.end;
    if ('literal' in scanned) {
      literal += scanned.literal;
      continue;
    }
    const previous = tokens[tokens.length - 1];
    if (literal.length > 0) tokens.push({ literal });
    else if (previous !== undefined && previous.literal === undefined && previous.directive === '%U' && scanned.directive === '%q') {
      // "%U%q" is the usual way to log path and query together; %q is empty or starts with "?".
      tokens[tokens.length - 1] = { ...previous, directive: '%U%q', set: text('uri') };
      continue;
    } else if (tokens.length > 0) {
      throw setupError(format, `has two fields with nothing between them before ${scanned.directive}, so the line cannot be split; put a separator between them`);
    }
    literal = '';
    tokens.push({
      literal: undefined,
      directive: scanned.directive,
      set: scanned.spec.set,
      bracketed: scanned.spec.bracketed === true,
      claims: scanned.spec.claims === true,
    });
  }
  if (literal.length > 0) tokens.push({ literal });
  if (!tokens.some((token) => token.literal === undefined)) throw setupError(format, 'has no fields');
  const quoted = tokens.map((token, position) => {
    if (token.literal !== undefined) return false;
    const before = tokens[position - 1]?.literal;
    const after = tokens[position + 1]?.literal;
    return before !== undefined && before.endsWith('"') && after !== undefined && after.startsWith('"');
  });
  let claimIndex = tokens.findIndex((token) => token.literal === undefined && token.claims);
  if (claimIndex < 0) claimIndex = tokens.length - 1;
  return { server, format, tokens, quoted, claimIndex };
}

/** Where a line stopped matching: the token index and the character position. */
export interface ScanFailure {
  readonly token: number;
  readonly position: number;
}

/** Index of `literal` at or after `start`, skipping backslash-escaped characters; -1 when absent. */
function findUnescaped(line: string, start: number, literal: string): number {
  const first = literal.charCodeAt(0);
  for (let index = start; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === 0x5c) index++;
    else if (code === first && line.startsWith(literal, index)) return index;
  }
  return -1;
}

/** Fills `values` from `line`; returns undefined on success or where it stopped matching. */
export function scanAccessLine(compiled: CompiledFormat, line: string, values: AccessValues): ScanFailure | undefined {
  const tokens = compiled.tokens;
  let position = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.literal !== undefined) {
      if (!line.startsWith(token.literal, position)) return { token: index, position };
      position += token.literal.length;
      continue;
    }
    const next = tokens[index + 1]?.literal;
    let end: number;
    if (token.bracketed && line.charCodeAt(position) === 0x5b) {
      end = line.indexOf(']', position);
      if (end >= 0) end++;
    } else if (next === undefined) {
      end = line.length;
    } else if (compiled.quoted[index] === true) {
      end = findUnescaped(line, position, next);
    } else {
      end = line.indexOf(next, position);
    }
    if (end < 0) return { token: index, position };
    const raw = line.slice(position, end);
    if (!token.set(values, compiled.quoted[index] === true ? unescapeLogValue(raw) : raw)) return { token: index, position };
    position = end;
  }
  return position === line.length ? undefined : { token: tokens.length, position };
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Undoes the escaping both servers apply inside quoted fields: `\"`, `\\`,
 * `\n`, `\t`, and `\xHH` bytes (nginx writes non-ASCII that way), which are
 * decoded as UTF-8 together with their neighbours.
 */
export function unescapeLogValue(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  let bytes: number[] | undefined;
  const flushBytes = (): void => {
    if (bytes !== undefined) {
      out += utf8.decode(Uint8Array.from(bytes));
      bytes = undefined;
    }
  };
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (code === 0x5c && index + 1 < raw.length) {
      const next = raw[index + 1];
      if (next === 'x' && index + 3 < raw.length) {
        const high = hexValue(raw.charCodeAt(index + 2));
        const low = hexValue(raw.charCodeAt(index + 3));
        if (high >= 0 && low >= 0) {
          (bytes ??= []).push(high * 16 + low);
          index += 3;
          continue;
        }
      }
      flushBytes();
      index++;
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      continue;
    }
    flushBytes();
    out += raw[index];
  }
  flushBytes();
  return out;
}
