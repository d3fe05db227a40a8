/**
 * Windows event log records shipped as JSON, in the three shapes found in
 * the field: Winlogbeat (`winlog.*`, already ECS-like), NXLog im_msvistalog
 * with to_json() (flat `EventID`, `Channel`, `SourceName`, event data beside
 * them) and EVTX-to-JSON converters (`{"Event": {"System": ..., "EventData":
 * ...}}` from evtx_dump, or python-evtx through xmltodict with `@Name` and
 * `#text`). All three end as Winlogbeat's fields (`winlog.event_id` as a
 * string, `winlog.event_data.*`, ...) plus the ECS fields detection rules use
 * for the common Security and Sysmon events, named as Winlogbeat's ingest
 * pipelines name them. Values the line already has are never overwritten.
 */
import { isIP } from 'node:net';
import type { RawRecord } from '@siem/schema';
import { createParserContext, decodePayload } from './context';
import { isPlainIpv4 } from './ecs-values';
import { parseError } from './errors';
import { decodeJsonObject, finishJsonEvent, isJsonObject, type JsonObject } from './json-object';
import { isForbiddenKey } from './keys';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const WINDOWS_PARSER = 'windows';

const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing';
const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';
/** Sysmon for Linux writes the same records, under its own provider name. */
export const LINUX_SYSMON_PROVIDER = 'Linux-Sysmon';

/** What the three shapes have in common, read once and then mapped the same way. */
export interface WindowsRecord {
  eventId?: string;
  channel?: string;
  provider?: string;
  providerGuid?: string;
  computer?: string;
  recordId?: string;
  time?: string;
  level?: string;
  keywordsMask?: bigint;
  keywords?: string[];
  task?: string;
  opcode?: string;
  version?: string;
  processId?: number;
  threadId?: number;
  userId?: string;
  activityId?: string;
  message?: string;
  eventData: Record<string, string>;
  userData?: unknown;
}

/** Maps a decoded JSON object when it is a Windows event; undefined when it is not. */
export function mapWindowsObject(fields: JsonObject): JsonObject | undefined {
  if (isJsonObject(fields.winlog)) {
    const winlog = fields.winlog;
    if (winlog.event_id === undefined && winlog.channel === undefined && winlog.provider_name === undefined) return undefined;
    return mapRecord(fields, fromWinlogbeat(winlog));
  }
  if (isJsonObject(fields.Event) && isJsonObject(fields.Event.System)) return mapRecord(undefined, fromEvtx(fields.Event, fields.Event.System));
  if (fields.EventID !== undefined && (typeof fields.Channel === 'string' || typeof fields.SourceName === 'string' || typeof fields.ProviderName === 'string')) {
    return mapRecord(undefined, fromNxlog(fields, nxlogEventData(fields)));
  }
  return undefined;
}

/**
 * Maps a record that a text format read itself (Snare), as mapWindowsObject
 * maps the NXLog object with the same fields: without building that object
 * for mapWindowsObject to take apart again.
 */
export function mapWindowsRecord(record: WindowsRecord): JsonObject {
  return mapRecord(undefined, record);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (isJsonObject(value)) return textOf(value['#text']);
  return undefined;
}

/** An XML attribute as the converters write it: `#attributes.Name` (evtx_dump), `@Name` (xmltodict) or plain `Name`. */
function attributeOf(element: unknown, name: string): string | undefined {
  if (!isJsonObject(element)) return undefined;
  const attributes = element['#attributes'];
  if (isJsonObject(attributes) && attributes[name] !== undefined) return textOf(attributes[name]);
  return textOf(element[`@${name}`] ?? element[name]);
}

function integerOf(value: unknown): number | undefined {
  const text = textOf(value)?.trim();
  if (text === undefined || text === '') return undefined;
  const number = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

function keywordsMaskOf(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt.asUintN(64, BigInt(value));
  // NXLog writes the 64-bit mask as a signed number, which JSON.parse may round; only the two audit bits matter.
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt.asUintN(64, BigInt(Math.trunc(value)));
  const text = textOf(value)?.trim();
  if (text === undefined) return undefined;
  try {
    return /^(?:0x[0-9a-f]{1,16}|-?\d{1,20})$/i.test(text) ? BigInt.asUintN(64, BigInt(text)) : undefined;
  } catch {
    return undefined;
  }
}

/** Event data values become strings, as Winlogbeat stores them; nested values become JSON text. */
function dataValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = textOf(value);
  if (text !== undefined) return text;
  if (isJsonObject(value) && Object.keys(value).length === 0) return '';
  return JSON.stringify(value);
}

function setData(data: Record<string, string>, name: string, value: unknown): void {
  if (isForbiddenKey(name) || name === '') return;
  const text = dataValue(value);
  if (text !== undefined) data[name] = text;
}

function fromWinlogbeat(winlog: JsonObject): WindowsRecord {
  const data: Record<string, string> = {};
  if (isJsonObject(winlog.event_data)) for (const [name, value] of Object.entries(winlog.event_data)) setData(data, name, value);
  const process = isJsonObject(winlog.process) ? winlog.process : {};
  const thread = isJsonObject(process.thread) ? process.thread : {};
  const user = isJsonObject(winlog.user) ? winlog.user : {};
  const keywords = Array.isArray(winlog.keywords) ? winlog.keywords.filter((item): item is string => typeof item === 'string') : undefined;
  return definedOnly({
    eventId: textOf(winlog.event_id),
    channel: textOf(winlog.channel),
    provider: textOf(winlog.provider_name),
    providerGuid: textOf(winlog.provider_guid),
    computer: textOf(winlog.computer_name),
    recordId: textOf(winlog.record_id),
    keywords,
    task: textOf(winlog.task),
    opcode: textOf(winlog.opcode),
    version: textOf(winlog.version),
    processId: integerOf(process.pid),
    threadId: integerOf(thread.id),
    userId: textOf(user.identifier),
    activityId: textOf(winlog.activity_id),
    eventData: data,
  });
}

const LEVEL_NAMES: Readonly<Record<string, string>> = {
  '0': 'information',
  '1': 'critical',
  '2': 'error',
  '3': 'warning',
  '4': 'information',
  '5': 'verbose',
};

function fromEvtx(event: JsonObject, system: JsonObject): WindowsRecord {
  const data: Record<string, string> = {};
  readEventData(event.EventData, data);
  const execution = system.Execution;
  const levelCode = textOf(system.Level);
  return definedOnly({
    eventId: textOf(system.EventID),
    channel: textOf(system.Channel),
    provider: attributeOf(system.Provider, 'Name'),
    providerGuid: attributeOf(system.Provider, 'Guid'),
    computer: textOf(system.Computer),
    recordId: textOf(system.EventRecordID),
    time: attributeOf(system.TimeCreated, 'SystemTime'),
    level: levelCode === undefined ? undefined : LEVEL_NAMES[levelCode],
    keywordsMask: keywordsMaskOf(system.Keywords),
    task: textOf(system.Task),
    opcode: textOf(system.Opcode),
    version: textOf(system.Version),
    processId: integerOf(attributeOf(execution, 'ProcessID')),
    threadId: integerOf(attributeOf(execution, 'ThreadID')),
    userId: attributeOf(system.Security, 'UserID'),
    activityId: attributeOf(system.Correlation, 'ActivityID'),
    eventData: data,
    userData: event.UserData ?? undefined,
  });
}

/**
 * `EventData` is a name → value object (evtx_dump), or `{"Data": [...]}`
 * whose items are `{"@Name": ..., "#text": ...}` (xmltodict) or, for events
 * without names, bare values that Winlogbeat calls param1, param2, ...
 */
function readEventData(eventData: unknown, data: Record<string, string>): void {
  if (!isJsonObject(eventData)) return;
  for (const [name, value] of Object.entries(eventData)) {
    if (name === '#attributes' || name.startsWith('@')) continue;
    if (name !== 'Data') {
      setData(data, name, value);
      continue;
    }
    const textValue = isJsonObject(value) && Array.isArray(value['#text']) ? value['#text'] : value;
    const items: unknown[] = Array.isArray(textValue) ? textValue : [textValue];
    items.forEach((item, index) => {
      const itemName = attributeOf(item, 'Name');
      if (itemName !== undefined && isJsonObject(item)) setData(data, itemName, item['#text'] ?? '');
      else setData(data, `param${index + 1}`, item);
    });
  }
}

/** NXLog's own fields; every other key of an NXLog record is event data. */
const NXLOG_FIELDS: ReadonlySet<string> = new Set([
  'EventTime', 'EventReceivedTime', 'Hostname', 'Keywords', 'EventType', 'SeverityValue', 'Severity', 'EventID',
  'SourceName', 'ProviderName', 'ProviderGuid', 'Version', 'Task', 'OpcodeValue', 'RecordNumber', 'ActivityID',
  'ExecutionProcessID', 'ProcessID', 'ThreadID', 'Channel', 'Category', 'Opcode', 'Message', 'Domain', 'AccountName',
  'UserID', 'AccountType', 'SourceModuleName', 'SourceModuleType', 'EventIdx', 'RelatedActivityID',
]);

function nxlogEventData(fields: JsonObject): Record<string, string> {
  const data: Record<string, string> = {};
  // for-in with an own-key check: the order of Object.entries, without allocating an entry per key.
  for (const name in fields) if (Object.hasOwn(fields, name) && !NXLOG_FIELDS.has(name)) setData(data, name, fields[name]);
  return data;
}

function fromNxlog(fields: JsonObject, data: Record<string, string>): WindowsRecord {
  const eventType = textOf(fields.EventType);
  const severity = textOf(fields.Severity)?.toLowerCase();
  return definedOnly({
    eventId: textOf(fields.EventID),
    channel: textOf(fields.Channel),
    provider: textOf(fields.ProviderName) ?? textOf(fields.SourceName),
    providerGuid: textOf(fields.ProviderGuid),
    computer: textOf(fields.Hostname),
    recordId: textOf(fields.RecordNumber),
    time: textOf(fields.EventTime),
    level: severity === 'info' ? 'information' : severity,
    keywordsMask: keywordsMaskOf(fields.Keywords),
    keywords: eventType === 'AUDIT_SUCCESS' ? ['Audit Success'] : eventType === 'AUDIT_FAILURE' ? ['Audit Failure'] : undefined,
    task: textOf(fields.Category) ?? textOf(fields.Task),
    opcode: textOf(fields.Opcode),
    version: textOf(fields.Version),
    processId: integerOf(fields.ExecutionProcessID ?? fields.ProcessID),
    threadId: integerOf(fields.ThreadID),
    userId: textOf(fields.UserID),
    activityId: textOf(fields.ActivityID),
    message: textOf(fields.Message),
    eventData: data,
  });
}

function definedOnly(record: { [K in keyof WindowsRecord]: WindowsRecord[K] | undefined }): WindowsRecord {
  const result: Record<string, unknown> = {};
  // Own keys in Object.entries order, without allocating the entries.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key as keyof WindowsRecord];
    if (value !== undefined) result[key] = value;
  }
  return result as unknown as WindowsRecord;
}

/** The paths are a fixed set of literals, so each is split once. */
const PATH_SEGMENTS = new Map<string, readonly string[]>();

function segmentsOf(path: string): readonly string[] {
  let segments = PATH_SEGMENTS.get(path);
  if (segments === undefined) PATH_SEGMENTS.set(path, (segments = path.split('.')));
  return segments;
}

/** Sets a dotted path unless something is already there (or a non-object blocks the way). */
function fill(target: JsonObject, path: string, value: unknown): void {
  if (value === undefined) return;
  const segments = segmentsOf(path);
  let parent = target;
  for (let index = 0; index < segments.length - 1; index++) {
    const segment = segments[index] ?? '';
    const existing = parent[segment];
    if (existing === undefined) parent = parent[segment] = {};
    else if (isJsonObject(existing)) parent = existing;
    else return;
  }
  const last = segments[segments.length - 1] ?? '';
  if (parent[last] === undefined) parent[last] = value;
}

const AUDIT_SUCCESS = 0x0020_0000_0000_0000n;
const AUDIT_FAILURE = 0x0010_0000_0000_0000n;

function auditKeywords(record: WindowsRecord): string[] | undefined {
  if (record.keywords !== undefined) return record.keywords;
  const mask = record.keywordsMask;
  if (mask === undefined) return undefined;
  if ((mask & AUDIT_SUCCESS) !== 0n) return ['Audit Success'];
  if ((mask & AUDIT_FAILURE) !== 0n) return ['Audit Failure'];
  return undefined;
}

/** The record's own fields filled into `event` (Winlogbeat's document), where the document's values win. */
function fillWindowsEvent(event: JsonObject, record: WindowsRecord, keywords: string[] | undefined): JsonObject {
  fill(event, '@timestamp', record.time);
  fill(event, 'message', record.message);
  fill(event, 'winlog.event_id', record.eventId);
  fill(event, 'winlog.channel', record.channel);
  fill(event, 'winlog.provider_name', record.provider);
  fill(event, 'winlog.provider_guid', record.providerGuid);
  fill(event, 'winlog.computer_name', record.computer);
  fill(event, 'winlog.record_id', record.recordId);
  fill(event, 'winlog.keywords', keywords);
  fill(event, 'winlog.task', record.task);
  fill(event, 'winlog.opcode', record.opcode);
  fill(event, 'winlog.version', record.version);
  fill(event, 'winlog.process.pid', record.processId);
  fill(event, 'winlog.process.thread.id', record.threadId);
  fill(event, 'winlog.user.identifier', record.userId);
  fill(event, 'winlog.activity_id', record.activityId);
  if (record.userData !== undefined) fill(event, 'winlog.user_data', record.userData);
  if (Object.keys(record.eventData).length > 0) fill(event, 'winlog.event_data', record.eventData);
  // Winlogbeat leaves event_id as a number in some versions; rules compare strings.
  if (isJsonObject(event.winlog) && typeof event.winlog.event_id === 'number') event.winlog.event_id = String(event.winlog.event_id);
  if (isJsonObject(event.winlog) && typeof event.winlog.record_id === 'number') event.winlog.record_id = String(event.winlog.record_id);
  if (isJsonObject(event.event) && typeof event.event.code === 'number') event.event.code = String(event.event.code);

  fill(event, 'event.kind', 'event');
  fill(event, 'event.code', record.eventId);
  fill(event, 'event.provider', record.provider);
  fill(event, 'host.name', record.computer);
  fill(event, 'log.level', record.level);
  if (keywords?.includes('Audit Failure')) fill(event, 'event.outcome', 'failure');
  else if (keywords?.includes('Audit Success')) fill(event, 'event.outcome', 'success');

  return event;
}

/**
 * What fillWindowsEvent makes of an empty event, built as object literals:
 * NXLog, EVTX and Snare records start from nothing, and a fill per field
 * (a path walk with lookups of any key) was most of their mapping time.
 */
function newWindowsEvent(record: WindowsRecord, keywords: string[] | undefined): JsonObject {
  const event: JsonObject = {};
  if (record.time !== undefined) event['@timestamp'] = record.time;
  if (record.message !== undefined) event.message = record.message;
  const winlog: JsonObject = {};
  if (record.eventId !== undefined) winlog.event_id = record.eventId;
  if (record.channel !== undefined) winlog.channel = record.channel;
  if (record.provider !== undefined) winlog.provider_name = record.provider;
  if (record.providerGuid !== undefined) winlog.provider_guid = record.providerGuid;
  if (record.computer !== undefined) winlog.computer_name = record.computer;
  if (record.recordId !== undefined) winlog.record_id = record.recordId;
  if (keywords !== undefined) winlog.keywords = keywords;
  if (record.task !== undefined) winlog.task = record.task;
  if (record.opcode !== undefined) winlog.opcode = record.opcode;
  if (record.version !== undefined) winlog.version = record.version;
  if (record.processId !== undefined || record.threadId !== undefined) {
    const process: JsonObject = {};
    if (record.processId !== undefined) process.pid = record.processId;
    if (record.threadId !== undefined) process.thread = { id: record.threadId };
    winlog.process = process;
  }
  if (record.userId !== undefined) winlog.user = { identifier: record.userId };
  if (record.activityId !== undefined) winlog.activity_id = record.activityId;
  if (record.userData !== undefined) winlog.user_data = record.userData as JsonObject[string];
  if (hasOwnKeys(record.eventData)) winlog.event_data = record.eventData;
  if (hasOwnKeys(winlog)) event.winlog = winlog;
  const fields: JsonObject = { kind: 'event' };
  if (record.eventId !== undefined) fields.code = record.eventId;
  if (record.provider !== undefined) fields.provider = record.provider;
  event.event = fields;
  if (record.computer !== undefined) event.host = { name: record.computer };
  if (record.level !== undefined) event.log = { level: record.level };
  if (keywords?.includes('Audit Failure')) fields.outcome = 'failure';
  else if (keywords?.includes('Audit Success')) fields.outcome = 'success';
  return event;
}

function hasOwnKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

/** For its test: the two ways of writing a record's own fields, which must agree on an empty event. */
export const windowsEventBase = { fill: fillWindowsEvent, build: newWindowsEvent } as const;

/** Maps a record onto `event` (Winlogbeat's own document) or, when there is none, onto a new event. */
function mapRecord(event: JsonObject | undefined, record: WindowsRecord): JsonObject {
  const keywords = auditKeywords(record);
  const mapped = event === undefined ? newWindowsEvent(record, keywords) : fillWindowsEvent(event, record, keywords);
  const mapper = record.provider === SECURITY_PROVIDER ? SECURITY_EVENTS[record.eventId ?? ''] : record.provider === SYSMON_PROVIDER || record.provider === LINUX_SYSMON_PROVIDER ? SYSMON_EVENTS[record.eventId ?? ''] : undefined;
  if (mapper !== undefined) mapper(mapped, record.eventData);
  return mapped;
}

type EventMapper = (event: JsonObject, data: Readonly<Record<string, string>>) => void;

/** Windows writes "-" (and sometimes "") for an absent value. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === '-' ? undefined : value;
}

function windowsBasename(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const index = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return index < 0 ? path : path.slice(index + 1);
}

function windowsDirectory(path: string): string | undefined {
  const index = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return index <= 0 ? undefined : path.slice(0, index);
}

function ipOf(value: string | undefined): string | undefined {
  const address = present(value);
  return address !== undefined && (isPlainIpv4(address) || isIP(address) !== 0) ? address : undefined;
}

function portOf(value: string | undefined): number | undefined {
  const port = integerOf(value);
  return port !== undefined && port > 0 && port <= 65_535 ? port : undefined;
}

// Paths built per call ("related." + kind) were hashed anew for every event: written out once.
const RELATED_PATHS = { user: 'related.user', ip: 'related.ip', hash: 'related.hash' } as const;

function related(event: JsonObject, kind: 'user' | 'ip' | 'hash', value: string | undefined): void {
  if (value === undefined) return;
  fill(event, RELATED_PATHS[kind], []);
  const list = isJsonObject(event.related) ? event.related[kind] : undefined;
  if (Array.isArray(list) && !list.includes(value)) list.push(value);
}

/** Sets the fields of an event type (category, type, action), plus the outcome when it is known. */
function classify(event: JsonObject, category: string, types: string[], action: string, outcome?: 'success' | 'failure'): void {
  fill(event, 'event.category', [category]);
  fill(event, 'event.type', types);
  fill(event, 'event.action', action);
  if (outcome !== undefined) fill(event, 'event.outcome', outcome);
}

const LOGON_TYPES: Readonly<Record<string, string>> = {
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock',
};

const USER_PATHS = {
  user: { name: 'user.name', domain: 'user.domain', id: 'user.id' },
  'user.target': { name: 'user.target.name', domain: 'user.target.domain', id: 'user.target.id' },
} as const;

function mapUser(event: JsonObject, prefix: 'user' | 'user.target', name?: string, domain?: string, id?: string): void {
  const userName = present(name);
  const paths = USER_PATHS[prefix];
  fill(event, paths.name, userName);
  fill(event, paths.domain, present(domain));
  fill(event, paths.id, present(id));
  related(event, 'user', userName);
}

function mapLogon(action: string, outcome: 'success' | 'failure'): EventMapper {
  return (event, data) => {
    classify(event, 'authentication', ['start'], action, outcome);
    mapUser(event, 'user', data.TargetUserName, data.TargetDomainName, data.TargetUserSid);
    const sourceIp = ipOf(data.IpAddress);
    fill(event, 'source.ip', sourceIp);
    fill(event, 'source.port', portOf(data.IpPort));
    fill(event, 'source.domain', present(data.WorkstationName));
    related(event, 'ip', sourceIp);
    const logonType = data.LogonType === undefined ? undefined : LOGON_TYPES[data.LogonType.trim()];
    fill(event, 'winlog.logon.type', logonType);
    fill(event, 'winlog.logon.id', present(data.TargetLogonId));
    const executable = present(data.ProcessName);
    fill(event, 'process.executable', executable);
    fill(event, 'process.name', windowsBasename(executable));
    fill(event, 'process.pid', integerOf(data.ProcessId));
    if (outcome === 'failure') {
      fill(event, 'winlog.logon.failure.status', present(data.Status));
      fill(event, 'winlog.logon.failure.sub_status', present(data.SubStatus));
      fill(event, 'winlog.logon.failure.reason', present(data.FailureReason));
    }
  };
}

function mapLogoff(event: JsonObject, data: Readonly<Record<string, string>>): void {
  classify(event, 'authentication', ['end'], 'logged-out', 'success');
  mapUser(event, 'user', data.TargetUserName, data.TargetDomainName, data.TargetUserSid);
  fill(event, 'winlog.logon.id', present(data.TargetLogonId));
  const logonType = data.LogonType === undefined ? undefined : LOGON_TYPES[data.LogonType.trim()];
  fill(event, 'winlog.logon.type', logonType);
}

function mapUserManagement(types: string[], action: string): EventMapper {
  return (event, data) => {
    classify(event, 'iam', types, action, 'success');
    mapUser(event, 'user', data.SubjectUserName, data.SubjectDomainName, data.SubjectUserSid);
    mapUser(event, 'user.target', data.TargetUserName, data.TargetDomainName, data.TargetSid);
  };
}

function mapSecurityProcessCreated(event: JsonObject, data: Readonly<Record<string, string>>): void {
  classify(event, 'process', ['start'], 'created-process', 'success');
  mapUser(event, 'user', data.SubjectUserName, data.SubjectDomainName, data.SubjectUserSid);
  const executable = present(data.NewProcessName);
  fill(event, 'process.executable', executable);
  fill(event, 'process.name', windowsBasename(executable));
  fill(event, 'process.command_line', present(data.CommandLine));
  fill(event, 'process.pid', integerOf(data.NewProcessId));
  const parent = present(data.ParentProcessName);
  fill(event, 'process.parent.executable', parent);
  fill(event, 'process.parent.name', windowsBasename(parent));
  fill(event, 'process.parent.pid', integerOf(data.ProcessId));
}

const SECURITY_EVENTS: Readonly<Record<string, EventMapper>> = {
  '4624': mapLogon('logged-in', 'success'),
  '4625': mapLogon('logon-failed', 'failure'),
  '4634': mapLogoff,
  '4647': mapLogoff,
  '4688': mapSecurityProcessCreated,
  '4720': mapUserManagement(['user', 'creation'], 'added-user-account'),
  '4726': mapUserManagement(['user', 'deletion'], 'deleted-user-account'),
};

/** Sysmon writes the account as DOMAIN\name. */
function mapSysmonUser(event: JsonObject, account: string | undefined): void {
  const value = present(account);
  if (value === undefined) return;
  const slash = value.indexOf('\\');
  if (slash < 0) mapUser(event, 'user', value);
  else mapUser(event, 'user', value.slice(slash + 1), value.slice(0, slash));
}

function mapSysmonProcess(event: JsonObject, prefix: 'process' | 'process.parent', data: Readonly<Record<string, string>>, names: { guid: string; pid: string; image: string; commandLine?: string }): void {
  const executable = present(data[names.image]);
  fill(event, `${prefix}.entity_id`, present(data[names.guid]));
  fill(event, `${prefix}.pid`, integerOf(data[names.pid]));
  fill(event, `${prefix}.executable`, executable);
  fill(event, `${prefix}.name`, windowsBasename(executable));
  if (names.commandLine !== undefined) fill(event, `${prefix}.command_line`, present(data[names.commandLine]));
}

const HASH_NAMES: Readonly<Record<string, string>> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** Sysmon's `Hashes` is "SHA1=...,MD5=...,SHA256=...,IMPHASH=..."; the import hash belongs to the PE fields. */
function mapHashes(event: JsonObject, hashes: string | undefined): void {
  if (hashes === undefined) return;
  for (const pair of hashes.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const algorithm = pair.slice(0, equals).trim().toUpperCase();
    const value = pair.slice(equals + 1).trim().toLowerCase();
    if (value === '') continue;
    if (algorithm === 'IMPHASH') fill(event, 'process.pe.imphash', value);
    else if (HASH_NAMES[algorithm] !== undefined) fill(event, `process.hash.${HASH_NAMES[algorithm]}`, value);
    else continue;
    related(event, 'hash', value);
  }
}

function mapSysmonProcessCreate(event: JsonObject, data: Readonly<Record<string, string>>): void {
  classify(event, 'process', ['start'], 'Process Create');
  mapSysmonProcess(event, 'process', data, { guid: 'ProcessGuid', pid: 'ProcessId', image: 'Image', commandLine: 'CommandLine' });
  mapSysmonProcess(event, 'process.parent', data, { guid: 'ParentProcessGuid', pid: 'ParentProcessId', image: 'ParentImage', commandLine: 'ParentCommandLine' });
  fill(event, 'process.working_directory', present(data.CurrentDirectory));
  fill(event, 'process.pe.original_file_name', present(data.OriginalFileName));
  fill(event, 'process.pe.file_version', present(data.FileVersion));
  fill(event, 'process.pe.description', present(data.Description));
  fill(event, 'process.pe.product', present(data.Product));
  fill(event, 'process.pe.company', present(data.Company));
  mapHashes(event, present(data.Hashes));
  mapSysmonUser(event, data.User);
}

function mapSysmonNetwork(event: JsonObject, data: Readonly<Record<string, string>>): void {
  classify(event, 'network', ['connection', 'start'], 'Network connection detected');
  mapSysmonProcess(event, 'process', data, { guid: 'ProcessGuid', pid: 'ProcessId', image: 'Image' });
  mapSysmonUser(event, data.User);
  for (const side of ['source', 'destination'] as const) {
    const prefix = side === 'source' ? 'Source' : 'Destination';
    const ip = ipOf(data[`${prefix}Ip`]);
    fill(event, `${side}.ip`, ip);
    fill(event, `${side}.port`, portOf(data[`${prefix}Port`]));
    fill(event, `${side}.domain`, present(data[`${prefix}Hostname`]));
    related(event, 'ip', ip);
  }
  fill(event, 'network.transport', present(data.Protocol)?.toLowerCase());
  const initiated = data.Initiated?.toLowerCase();
  fill(event, 'network.direction', initiated === 'true' ? 'egress' : initiated === 'false' ? 'ingress' : undefined);
  const ipv6 = data.SourceIsIpv6?.toLowerCase();
  fill(event, 'network.type', ipv6 === 'true' ? 'ipv6' : ipv6 === 'false' ? 'ipv4' : undefined);
}

function mapSysmonProcessTerminate(event: JsonObject, data: Readonly<Record<string, string>>): void {
  classify(event, 'process', ['end'], 'Process terminated');
  mapSysmonProcess(event, 'process', data, { guid: 'ProcessGuid', pid: 'ProcessId', image: 'Image' });
  mapSysmonUser(event, data.User);
}

function mapSysmonFile(type: string, action: string): EventMapper {
  return (event, data) => {
    classify(event, 'file', [type], action);
    mapSysmonProcess(event, 'process', data, { guid: 'ProcessGuid', pid: 'ProcessId', image: 'Image' });
    mapSysmonUser(event, data.User);
    mapTargetFile(event, data);
  };
}

function mapTargetFile(event: JsonObject, data: Readonly<Record<string, string>>): void {
  const path = present(data.TargetFilename);
  if (path === undefined) return;
  const name = windowsBasename(path) ?? path;
  fill(event, 'file.path', path);
  fill(event, 'file.name', name);
  fill(event, 'file.directory', windowsDirectory(path));
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1) fill(event, 'file.extension', name.slice(dot + 1).toLowerCase());
}

const REGISTRY_HIVES: Readonly<Record<string, string>> = {
  HKLM: 'HKLM',
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKU: 'HKU',
  HKEY_USERS: 'HKU',
  HKCU: 'HKCU',
  HKEY_CURRENT_USER: 'HKCU',
  HKCR: 'HKCR',
  HKEY_CLASSES_ROOT: 'HKCR',
  HKCC: 'HKCC',
  HKEY_CURRENT_CONFIG: 'HKCC',
};

/** Sysmon's `Details`: "DWORD (0x00000001)", "QWORD (0x...-0x...)", "Binary Data" or the string itself. */
function registryData(details: string): { type: string; strings: string[] } {
  const dword = /^DWORD \((0x[0-9a-f]{1,8})\)$/i.exec(details);
  if (dword?.[1] !== undefined) return { type: 'SZ_DWORD', strings: [String(Number.parseInt(dword[1].slice(2), 16))] };
  if (details.startsWith('QWORD (')) return { type: 'SZ_QWORD', strings: [details] };
  if (details === 'Binary Data') return { type: 'REG_BINARY', strings: [details] };
  return { type: 'SZ', strings: [details] };
}

function mapSysmonRegistrySet(event: JsonObject, data: Readonly<Record<string, string>>): void {
  classify(event, 'registry', ['change'], 'Registry value set');
  mapSysmonProcess(event, 'process', data, { guid: 'ProcessGuid', pid: 'ProcessId', image: 'Image' });
  mapSysmonUser(event, data.User);
  const path = present(data.TargetObject);
  if (path !== undefined) {
    fill(event, 'registry.path', path);
    const firstSlash = path.indexOf('\\');
    const lastSlash = path.lastIndexOf('\\');
    const hive = REGISTRY_HIVES[(firstSlash < 0 ? path : path.slice(0, firstSlash)).toUpperCase()];
    fill(event, 'registry.hive', hive);
    if (lastSlash > firstSlash && firstSlash >= 0) fill(event, 'registry.key', path.slice(firstSlash + 1, lastSlash));
    if (lastSlash >= 0) fill(event, 'registry.value', path.slice(lastSlash + 1));
  }
  const details = present(data.Details);
  if (details !== undefined) {
    const { type, strings } = registryData(details);
    fill(event, 'registry.data.type', type);
    fill(event, 'registry.data.strings', strings);
  }
}

const SYSMON_EVENTS: Readonly<Record<string, EventMapper>> = {
  '1': mapSysmonProcessCreate,
  '3': mapSysmonNetwork,
  '5': mapSysmonProcessTerminate,
  '11': mapSysmonFile('creation', 'File created'),
  '13': mapSysmonRegistrySet,
  '23': mapSysmonFile('deletion', 'File Delete archived'),
  '26': mapSysmonFile('deletion', 'File Delete logged'),
};

export function createWindowsParser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  return {
    type: WINDOWS_PARSER,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, WINDOWS_PARSER);
      if (typeof line !== 'string') return { ok: false, error: line };
      const decoded = decodeJsonObject(line, WINDOWS_PARSER);
      if (!decoded.ok) return decoded;
      const fields = mapWindowsObject(decoded.value);
      if (fields === undefined) {
        return {
          ok: false,
          error: parseError(
            'SIEM_PARSE_NO_MATCH',
            WINDOWS_PARSER,
            'The JSON object is not a Windows event (no winlog object, no Event.System, no EventID with Channel or SourceName); check the input\'s parser, or use "json".',
          ),
        };
      }
      return { ok: true, event: finishJsonEvent(fields, line, record, context, WINDOWS_PARSER) };
    },
  };
}

export const windowsParser: ParserDefinition = {
  type: WINDOWS_PARSER,
  description:
    'Windows event log records as JSON from Winlogbeat, NXLog (to_json) or EVTX converters (evtx_dump, python-evtx), mapped to winlog.* and ECS, with Security logon/process/account and Sysmon 1/3/5/11/13/23/26 fields.',
  create: createWindowsParser,
};
