/**
 * Apache and nginx access logs in any format the server can be told to write:
 * the named ones (`common`, `combined`, and `vhost_combined` or nginx `main`)
 * or the format string itself, given as the `format` option in the server's
 * own syntax. The format is compiled once at start (access-log-format.ts).
 */
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import type { BodyParser, EcsFields } from './body-format';
import { defineBodyFormat } from './body-format';
import { parseError } from './errors';
import { compileAccessFormat, scanAccessLine, type AccessValues, type CompiledFormat, type WebServer } from './access-log-format';
import { isValidTimeValue } from './time';
import { assignFields } from './network/network-fields';

export const AccessLogOptions = Type.Object(
  {
    format: Type.String({
      minLength: 1,
      default: 'combined',
      description:
        'A predefined format name (apache: common, combined, vhost_combined; nginx: common, combined, main) or the LogFormat / log_format string the server writes with.',
    }),
  },
  { additionalProperties: false },
);

export type AccessLogOptionsType = Static<typeof AccessLogOptions>;

/** `GET /a?b HTTP/1.1`, split into its three parts; HTTP/0.9 lines have no version. */
function addRequestLine(values: AccessValues, line: string): boolean {
  const firstSpace = line.indexOf(' ');
  if (firstSpace <= 0) return false;
  const lastSpace = line.lastIndexOf(' ');
  const method = line.slice(0, firstSpace);
  for (let index = 0; index < method.length; index++) {
    const code = method.charCodeAt(index);
    if (!((code >= 0x41 && code <= 0x5a) || code === 0x2d || code === 0x5f)) return false;
  }
  values.method ??= method;
  if (lastSpace > firstSpace && line.startsWith('HTTP/', lastSpace + 1)) {
    values.protocol ??= line.slice(lastSpace + 1);
    values.uri ??= line.slice(firstSpace + 1, lastSpace);
  } else {
    values.uri ??= line.slice(firstSpace + 1);
  }
  return true;
}

function buildUrl(values: AccessValues): Record<string, unknown> | undefined {
  const url: Record<string, unknown> = {};
  if (values.uri !== undefined) {
    url.original = values.uri;
    const queryStart = values.uri.indexOf('?');
    if (values.uri.charCodeAt(0) === 0x2f) url.path = queryStart < 0 ? values.uri : values.uri.slice(0, queryStart);
    if (queryStart >= 0 && queryStart + 1 < values.uri.length) url.query = values.uri.slice(queryStart + 1);
  }
  if (values.path !== undefined) url.path = values.path;
  if (values.query !== undefined) url.query = values.query;
  if (values.uri === undefined && values.path !== undefined) {
    url.original = values.query === undefined ? values.path : `${values.path}?${values.query}`;
  }
  if (values.domain !== undefined) url.domain = values.domain;
  return Object.keys(url).length > 0 ? url : undefined;
}

function endpoint(address: string | undefined, port: number | undefined): Record<string, unknown> | undefined {
  if (address === undefined && port === undefined) return undefined;
  const fields: Record<string, unknown> = {};
  if (address !== undefined) {
    fields.address = address;
    if (isIP(address) !== 0) fields.ip = address;
    else fields.domain = address;
  }
  if (port !== undefined) fields.port = port;
  return fields;
}

/** The ECS fields of one scanned line. */
export function accessEcsFields(values: AccessValues, server: WebServer): EcsFields {
  const extras: Record<string, unknown> = assignFields({}, values.extras);
  if (values.requestLine !== undefined && !addRequestLine(values, values.requestLine)) extras.request = values.requestLine;

  const fields: EcsFields = {};
  if (values.timeMillis !== undefined && isValidTimeValue(values.timeMillis)) fields['@timestamp'] = values.timeMillis;
  const event: Record<string, unknown> = { category: ['web'], type: ['access'], kind: 'event' };
  if (values.status !== undefined) event.outcome = values.status >= 400 ? 'failure' : 'success';
  if (values.durationNanos !== undefined) event.duration = values.durationNanos;
  fields.event = event;

  const source = endpoint(values.clientAddress, values.clientPort);
  if (source !== undefined) fields.source = source;
  const destination = endpoint(values.serverAddress, values.serverPort);
  if (destination !== undefined) fields.destination = destination;
  if (values.user !== undefined) fields.user = { name: values.user };
  const url = buildUrl(values);
  if (url !== undefined) fields.url = url;

  const request: Record<string, unknown> = {};
  if (values.method !== undefined) request.method = values.method;
  if (values.referrer !== undefined) request.referrer = values.referrer;
  if (values.requestBytes !== undefined) request.bytes = values.requestBytes;
  const response: Record<string, unknown> = {};
  if (values.status !== undefined) response.status_code = values.status;
  if (values.bodyBytes !== undefined) response.body = { bytes: values.bodyBytes };
  if (values.responseBytes !== undefined) response.bytes = values.responseBytes;
  const http: Record<string, unknown> = {};
  if (Object.keys(request).length > 0) http.request = request;
  if (Object.keys(response).length > 0) http.response = response;
  if (values.protocol !== undefined) {
    if (values.protocol.startsWith('HTTP/')) http.version = values.protocol.slice(5);
    else extras.protocol = values.protocol;
  }
  if (Object.keys(http).length > 0) fields.http = http;
  if (values.userAgent !== undefined) fields.user_agent = { original: values.userAgent };
  if (values.pid !== undefined) fields.process = { pid: values.pid };
  if (Object.keys(extras).length > 0) fields[server] = { access: extras };
  return fields;
}

function describeFailure(compiled: CompiledFormat, token: number): string {
  const failed = compiled.tokens[token];
  if (failed === undefined) return 'extra text after the last field';
  return failed.literal === undefined ? `the field ${failed.directive}` : `the text ${JSON.stringify(failed.literal)}`;
}

function accessBodyParser(server: WebServer, dataset: string, description: string): BodyParser<AccessLogOptionsType> {
  return {
    dataset,
    description,
    optionsSchema: AccessLogOptions,
    compile(options, context) {
      const compiled = compileAccessFormat(server, options.format, context.zone);
      const shownFormat = compiled.format.length > 200 ? `${compiled.format.slice(0, 200)}...` : compiled.format;
      return (body) => {
        const values: AccessValues = {};
        const failure = scanAccessLine(compiled, body, values);
        if (failure === undefined) return accessEcsFields(values, server);
        if (failure.token <= compiled.claimIndex) return undefined;
        return parseError(
          'SIEM_PARSE_ACCESS_LOG_MISMATCH',
          dataset,
          `The line stops matching the ${server} access log format ${JSON.stringify(shownFormat)} at ${describeFailure(compiled, failure.token)} (character ${failure.position}); set the parser option "format" to the format the server writes with.`,
        );
      };
    },
  };
}

export const apacheAccessBodyParser = accessBodyParser(
  'apache',
  'apache_access',
  'Apache httpd access log lines in a predefined (common, combined, vhost_combined) or custom LogFormat given as the "format" option.',
);

export const nginxAccessBodyParser = accessBodyParser(
  'nginx',
  'nginx_access',
  'nginx access log lines in a predefined (common, combined, main) or custom log_format given as the "format" option.',
);

export const apacheAccessParser = defineBodyFormat(apacheAccessBodyParser);
export const nginxAccessParser = defineBodyFormat(nginxAccessBodyParser);
