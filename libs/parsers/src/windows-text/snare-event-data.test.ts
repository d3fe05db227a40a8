import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParserContext } from '../context';
import type { JsonObject } from '../json-object';
import { mapWindowsObject } from '../windows';
import { LABEL_PATTERN, readSnareEventData, SNARE_LABELS, snareBodyParser } from './snare';

const { sections, topLevel, logoffEvents, known } = SNARE_LABELS;

/** What readSnareEventData did before it read the matches in one pass: every match listed, then read back. */
function listedEventData(message: string, eventId: string): Record<string, string> {
  const data: Record<string, string> = {};
  const found: { label: string; start: number; end: number }[] = [];
  for (const match of message.matchAll(LABEL_PATTERN)) found.push({ label: match[1] ?? match[2] ?? '', start: match.index, end: match.index + match[0].length });
  let section = '';
  found.forEach((item, index) => {
    if (sections[item.label] !== undefined) {
      section = item.label;
      return;
    }
    const next = found[index + 1];
    const value = message.slice(item.end, next === undefined ? message.length : next.start).trim();
    if (value.length === 0 && !known.has(item.label)) {
      section = item.label;
      return;
    }
    const sectionName = logoffEvents.has(eventId) && section === 'Subject' ? 'New Logon' : section;
    const name = sections[sectionName]?.[item.label] ?? topLevel[item.label];
    if (name !== undefined && value.length > 0 && data[name] === undefined) data[name] = value;
  });
  return data;
}

describe('snare – rendered message labels', () => {
  it('snare – reads the labels of a 4625 message into event data names', () => {
    const message = 'An account failed to log on.  Subject:  Security ID:  S-1-0-0  Account Name:  -  Logon Type:  3  Account For Which Logon Failed:  Security ID:  S-1-0-0  Account Name:  alice  Failure Information:  Failure Reason:  Unknown user name or bad password.  Status:  0xC000006D  Sub Status:  0xC0000064  Network Information:  Source Network Address:  192.0.2.7  Source Port:  1031';
    expect(readSnareEventData(message, '4625')).toEqual({
      SubjectUserSid: 'S-1-0-0', SubjectUserName: '-', LogonType: '3', TargetUserSid: 'S-1-0-0', TargetUserName: 'alice',
      FailureReason: 'Unknown user name or bad password.', Status: '0xC000006D', SubStatus: '0xC0000064', IpAddress: '192.0.2.7', IpPort: '1031',
    });
  });

  it('snare – reads any message as the listing reader did, in the same key order', () => {
    const label = fc.constantFrom(...known, 'Account That Was Locked Out', 'Domain Name', 'Extra Label Here', 'lower case', 'A B C D E F G');
    const text = fc.constantFrom('-', 'S-1-5-18', 'alice', 'two words', 'C:\\Windows\\cmd.exe /c x', 'a:b', '0x0', '', 'Reason.');
    const gap = fc.constantFrom(' ', '  ', '   ', '\t', ' \u00a0', '', ':');
    // Mostly "  Label:  value" as Windows renders them, with some of the same labels in one section; some loose pieces.
    const common = fc.constantFrom('Subject', 'New Logon', 'Security ID', 'Account Name', 'Logon Type', 'Status', 'Sub Status', 'Failure Information');
    const pair = fc.tuple(fc.oneof(common, label), fc.constantFrom('  ', ' ', '  ', '   '), text).map(([name, space, value]) => `  ${name}:${space}${value}`);
    const piece = fc.oneof({ arbitrary: pair, weight: 4 }, label.map((name) => `${name}:`), text, gap);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.constantFrom('4624', '4625', '4634', '4647'), (pieces, eventId) => {
        const message = pieces.join('');
        expect(Object.entries(readSnareEventData(message, eventId))).toEqual(Object.entries(listedEventData(message, eventId)));
      }),
      { numRuns: 3000 },
    );
  });
});

/** NXLog's EventType (and, for the others, Severity) for Snare's event types. */
const NXLOG_EVENT_TYPES = new Map([['Success Audit', 'AUDIT_SUCCESS'], ['Failure Audit', 'AUDIT_FAILURE'], ['Information', 'INFO'], ['Warning', 'WARNING'], ['Error', 'ERROR'], ['Critical', 'CRITICAL'], ['Verbose', 'VERBOSE']]);

describe('snare – mapped as the windows parser maps NXLog', () => {
  it('snare – a record gives the fields mapWindowsObject gives for the NXLog object with the same values', () => {
    const parse = snareBodyParser.compile({}, createParserContext({ now: () => new Date('2026-12-04T12:00:00.000Z') }));
    const messages = [
      'An account failed to log on.  Subject:  Security ID:  S-1-0-0  Account Name:  -  Logon Type:  3  Account For Which Logon Failed:  Account Name:  alice  Network Information:  Source Network Address:  192.0.2.7  Source Port:  1031',
      'A new process has been created.  Creator Subject:  Account Name:  alice  Process Information:  New Process ID:  0x1a2c  New Process Name:  C:\\Windows\\System32\\cmd.exe  Process Command Line:  cmd.exe /c whoami',
      'User initiated logoff:  Subject:  Security ID:  S-1-5-21-1-2-3-1104  Account Name:  alice  Logon ID:  0x8DCE1',
      'The Windows Update service entered the running state.',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom('4624', '4625', '4634', '4647', '4688', '4720', '7036', '0042'),
        fc.constantFrom('Success Audit', 'Failure Audit', 'Information', 'Warning', 'Error', 'Critical', 'Verbose', 'Other', 'constructor'),
        fc.constantFrom('Microsoft-Windows-Security-Auditing', 'Service Control Manager'),
        fc.constantFrom(...messages),
        (eventId, eventType, source, message) => {
          const fields = ['1', 'Security', '77', 'Fri Dec 04 10:00:00 2026', eventId, source, 'N/A', 'N/A', eventType, 'WS01.example.com', 'Logon', '', ` ${message} `, '-1'];
          const mapped = parse(`MSWinEventLog\t${fields.join('\t')}`) as Record<string, unknown>;
          // The Snare-only fields aside, the rest is the windows mapping's.
          const windowsFields = { ...mapped };
          delete windowsFields.snare;
          delete windowsFields['@timestamp'];
          const nxlog: Record<string, unknown> = { EventID: Number(eventId), Channel: 'Security', SourceName: source, Hostname: 'WS01.example.com', RecordNumber: '77', Category: 'Logon', Message: message };
          const type = NXLOG_EVENT_TYPES.get(eventType);
          if (type !== undefined) nxlog.EventType = type;
          if (!eventType.includes('Audit') && type !== undefined) nxlog.Severity = type;
          Object.assign(nxlog, readSnareEventData(` ${message} `, eventId));
          expect(JSON.stringify(windowsFields)).toBe(JSON.stringify(mapWindowsObject(nxlog as JsonObject)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
