import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_PATTERN, readSnareEventData, SNARE_LABELS } from './snare';

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
