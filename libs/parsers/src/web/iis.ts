/**
 * Microsoft IIS access logs in the W3C extended format, as IIS documents it
 * ("W3C Extended Log File Format"): directive lines (`#Software`, `#Version`,
 * `#Date`, `#Fields: date time s-ip cs-method ...`) then one space-separated
 * record per request, `-` for an empty field, `+` for a space inside one.
 *
 * The field list is state: it is announced by the `#Fields:` directive at the
 * top of each file (and again when IIS restarts the file or the site's field
 * selection changes). The parser remembers the last list per input and file
 * (`log.file.path` from the file agent, else the sender's address), so
 * records map by name; before any directive, the `fields` option (by default
 * the IIS 8.5+ default selection) applies. Directive lines come out as events
 * of their own (`event.action: w3c_directive`, tag `w3c_directive`) so that a
 * file is indexed whole and the field list in force can be seen.
 *
 * As Elastic's iis integration (access data stream): `source.ip` (c-ip),
 * `destination.{ip,port}` (s-ip, s-port), `http.request.{method,referrer,
 * body.bytes}`, `http.response.{status_code,body.bytes}`, `http.version`,
 * `url.{path,query,domain,original}`, `user.name`, `user_agent.original`,
 * `event.duration` (time-taken, ms → ns), `iis.access.{sub_status,
 * win32_status,site_name,server_name,cookie}`.
 */
import { Type } from '@sinclair/typebox';
import type { FieldsBodyParser } from '../body-format';
import { defineBodyFormat } from '../body-format';
import { countOf, endpoint, mismatch, put, type Fields } from '../network/network-fields';
import { parseIsoTimestamp } from '../time';
import type { RawRecord } from '@siem/schema';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from '../types';

export const IIS = 'iis';

export const IIS_DEFAULT_FIELDS = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';

const OPTIONS = Type.Object(
  {
    fields: Type.String({ default: IIS_DEFAULT_FIELDS, minLength: 1, description: 'The W3C field list in force before a file\'s own #Fields: directive is seen (space-separated, as IIS writes it).' }),
  },
  { additionalProperties: false },
);

/** How many inputs × files keep their field list; the oldest is forgotten past this. */
const REMEMBERED_FILES = 4096;

const text = (value: string | undefined): string | undefined => (value === undefined || value === '-' ? undefined : value);
const spaced = (value: string | undefined): string | undefined => text(value)?.replace(/\+/g, ' ');

function mapRecord(names: readonly string[], values: readonly string[], zone: Parameters<typeof parseIsoTimestamp>[4]): Fields {
  const v: Record<string, string | undefined> = {};
  names.forEach((name, index) => {
    v[name] = text(values[index]);
  });
  const status = countOf(v['sc-status']);
  const fields: Fields = { event: { kind: 'event', category: ['web'], type: ['access'] } };
  if (status !== undefined) (fields.event as Fields).outcome = status >= 400 ? 'failure' : 'success';
  if (v.date !== undefined && v.time !== undefined) {
    const stamp = `${v.date}T${v.time}Z`;
    // IIS writes W3C times in UTC, whatever the server's zone.
    const millis = parseIsoTimestamp(stamp, 0, stamp.length, 'lenient', zone);
    fields['@timestamp'] = Number.isNaN(millis) ? `${v.date} ${v.time}` : millis;
  }
  put(fields, 'source', endpoint(v['c-ip']));
  put(fields, 'destination', endpoint(v['s-ip'], v['s-port']));
  const request: Fields = {};
  put(request, 'method', v['cs-method']);
  put(request, 'referrer', v['cs(Referer)']);
  put(request, 'bytes', countOf(v['cs-bytes']));
  const response: Fields = {};
  put(response, 'status_code', status);
  const sent = countOf(v['sc-bytes']);
  if (sent !== undefined) response.body = { bytes: sent };
  const http: Fields = {};
  if (Object.keys(request).length > 0) http.request = request;
  if (Object.keys(response).length > 0) http.response = response;
  const version = v['cs-version'];
  if (version?.startsWith('HTTP/')) http.version = version.slice(5);
  if (Object.keys(http).length > 0) fields.http = http;
  const url: Fields = {};
  put(url, 'path', v['cs-uri-stem']);
  put(url, 'query', v['cs-uri-query']);
  put(url, 'domain', v['cs-host']);
  if (url.path !== undefined) url.original = url.query === undefined ? url.path : `${url.path as string}?${url.query as string}`;
  if (Object.keys(url).length > 0) fields.url = url;
  const user = v['cs-username'];
  if (user !== undefined) fields.user = { name: user };
  const agent = spaced(v['cs(User-Agent)']);
  if (agent !== undefined) fields.user_agent = { original: agent };
  const taken = countOf(v['time-taken']);
  if (taken !== undefined) (fields.event as Fields).duration = taken * 1e6;
  const access: Fields = {};
  put(access, 'sub_status', countOf(v['sc-substatus']));
  put(access, 'win32_status', countOf(v['sc-win32-status']));
  put(access, 'site_name', v['s-sitename']);
  put(access, 'server_name', v['s-computername']);
  put(access, 'cookie', v['cs(Cookie)']);
  if (Object.keys(access).length > 0) fields.iis = { access };
  return fields;
}

/** The body format reads records with the option's field list only; the stateful parser below tracks #Fields:. */
export const iisBodyParser: FieldsBodyParser<{ fields: string }> = {
  dataset: IIS,
  description: 'Microsoft IIS W3C extended access logs: the #Fields: directive of each file sets the field list (default: IIS 8.5+ selection), records mapped as Elastic\'s iis integration does.',
  optionsSchema: OPTIONS,
  compile(options, context) {
    const defaults = options.fields.split(' ');
    return (body) => {
      if (body.startsWith('#')) return directive(body);
      return record(defaults, body, context.zone);
    };
  },
};

function directive(body: string): Fields | undefined {
  const colon = body.indexOf(': ');
  if (colon < 0) return undefined;
  const name = body.slice(1, colon).toLowerCase();
  if (!['software', 'version', 'date', 'fields', 'start-date', 'end-date', 'remark'].includes(name)) return undefined;
  return { event: { kind: 'event', category: ['web'], type: ['info'], action: 'w3c_directive' }, iis: { directive: { [name.replace('-', '_')]: body.slice(colon + 2) } }, tags: ['w3c_directive'] };
}

function record(names: readonly string[], body: string, zone: Parameters<typeof parseIsoTimestamp>[4]): Fields | ReturnType<typeof mismatch> | undefined {
  const values = body.split(' ');
  if (values.length !== names.length) {
    // A line with another field count is either not IIS at all, or a record of a file whose #Fields: was not seen.
    if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /.test(body) && names[0] === 'date') return undefined;
    return mismatch(IIS, `The IIS record has ${values.length} fields where the #Fields: directive in force names ${names.length}; send the whole file from its top (the agent reads the directive there) or set the parser option "fields" to the site's field list.`);
  }
  return mapRecord(names, values, zone);
}

/** The IIS parser type: the body format plus the per-file #Fields: state. */
export const iisParser: ParserDefinition = {
  ...defineBodyFormat(iisBodyParser),
  create(config?: Partial<ParserConfig>): Parser {
    const definition = defineBodyFormat(iisBodyParser);
    const inner = definition.create(config);
    const defaults = (config?.options as { fields?: string } | undefined)?.fields ?? IIS_DEFAULT_FIELDS;
    const fieldsByFile = new Map<string, string>();
    // One parser per field list met, made once: sites share a handful of lists.
    const parsersByFields = new Map<string, Parser>([[defaults, inner]]);
    const parserFor = (list: string): Parser => {
      let parser = parsersByFields.get(list);
      if (parser === undefined) {
        if (parsersByFields.size >= REMEMBERED_FILES) parsersByFields.clear();
        parser = definition.create({ ...config, options: { fields: list } });
        parsersByFields.set(list, parser);
      }
      return parser;
    };
    return {
      type: IIS,
      parse(raw: RawRecord): ParseResult {
        const key = `${raw.input}\u0000${raw.filePath ?? raw.sourceAddress ?? ''}`;
        if (raw.payload.length > 9 && raw.payload.subarray(0, 9).toString('latin1') === '#Fields: ') {
          const list = raw.payload.subarray(9).toString('utf8').replace(/\r?\n$/, '').trim();
          if (list.length > 0) {
            if (fieldsByFile.size >= REMEMBERED_FILES && !fieldsByFile.has(key)) fieldsByFile.delete(fieldsByFile.keys().next().value as string);
            fieldsByFile.set(key, list);
          }
          return inner.parse(raw);
        }
        const list = fieldsByFile.get(key);
        return list === undefined ? inner.parse(raw) : parserFor(list).parse(raw);
      },
    };
  },
};
