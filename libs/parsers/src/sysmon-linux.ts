/**
 * Sysmon for Linux (Sysinternals' SysmonForLinux) writes each event to
 * syslog under the program `sysmon`, as the XML of a Windows event record
 * with the provider `Linux-Sysmon` and the channel `Linux-Sysmon/Operational`.
 * The record is read (event-xml.ts) into the shape EVTX converters give on
 * Windows and mapped by the Windows parser's code, so a Linux event carries
 * the same `winlog.event_data.*` raw fields (what Sigma field names such as
 * `Image` and `CommandLine` resolve to) and the same ECS process, file and
 * network fields as a Windows Sysmon event, plus `host.os.type: linux`.
 */
import type { FieldsBodyParser } from './body-format';
import { defineBodyFormat } from './body-format';
import { parseError } from './errors';
import { readEventXml } from './event-xml';
import { isJsonObject } from './json-object';
import { mapWindowsObject } from './windows';

export const SYSMON_LINUX = 'sysmon_linux';

/** What a body must start with to be claimed as a record; a `sysmon` program line without it (start-up text) stays plain syslog. */
export const EVENT_XML_PREFIX = '<Event';

/** The XML attribute is `UserId` on Linux and `UserID` in EVTX, which is what the Windows mapping reads. */
function renameSecurityUser(system: Record<string, unknown>): void {
  const security = system.Security;
  if (!isJsonObject(security) || !isJsonObject(security['#attributes'])) return;
  const attributes = security['#attributes'];
  if (attributes.UserID === undefined && attributes.UserId !== undefined) attributes.UserID = attributes.UserId;
}

export const sysmonLinuxBodyParser: FieldsBodyParser = {
  dataset: SYSMON_LINUX,
  description:
    'Sysmon for Linux events (the <Event> XML it writes to syslog under the program "sysmon"), mapped like Windows Sysmon: winlog.* with winlog.event_data.*, ECS process/file/network fields, host.os.type linux.',
  compile() {
    return (body) => {
      if (!body.startsWith(EVENT_XML_PREFIX)) return undefined;
      const read = readEventXml(body);
      if (!read.ok) {
        return parseError('SIEM_PARSE_BAD_EVENT_XML', SYSMON_LINUX, `The Sysmon for Linux record is not well-formed event XML: ${read.reason}; check that the sender does not cut long messages (raise its maximum message size).`);
      }
      const event = read.value.Event as { System: Record<string, unknown> };
      renameSecurityUser(event.System);
      const fields = mapWindowsObject(read.value);
      if (fields === undefined) return parseError('SIEM_PARSE_BAD_EVENT_XML', SYSMON_LINUX, 'The <Event> record has no <System> section; check the sender.');
      const winlog = fields.winlog;
      if (!isJsonObject(winlog) || typeof winlog.event_id !== 'string' || winlog.event_id.trim() === '') {
        return parseError('SIEM_PARSE_BAD_EVENT_XML', SYSMON_LINUX, 'The <Event> record has no <EventID>; check the sender.');
      }
      const host = isJsonObject(fields.host) ? fields.host : (fields.host = {});
      host.os = { type: 'linux' };
      return fields;
    };
  },
};

export const sysmonLinuxParser = defineBodyFormat(sysmonLinuxBodyParser);
