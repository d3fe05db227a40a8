/**
 * Windows events sent as syslog text in the Snare format, written by the
 * Snare Agent for Windows and by NXLog's `to_syslog_snare()`: tab-separated
 * fields after the `MSWinEventLog` tag, as Snare's documentation lists them:
 *
 *   MSWinEventLog <TAB> criticality <TAB> log name <TAB> Snare counter <TAB> Fri Dec 04 10:00:00 2026 <TAB> event id
 *   <TAB> source <TAB> user <TAB> SID type <TAB> event type <TAB> computer <TAB> category <TAB> data <TAB> expanded message [<TAB> md5]
 *
 * The expanded message is Windows's rendered text ("An account failed to log
 * on. Subject: Security ID: ... Account Name: ..."), with its line breaks and
 * tabs flattened by the agent. The labels of the Security events the
 * `windows` parser maps (4624, 4625, 4634, 4647, 4688, 4720, 4726, ...) are
 * read back into the event data names Winlogbeat uses (`Account Name` under
 * `New Logon` → `TargetUserName`, `Source Network Address` → `IpAddress`,
 * ...), and the record then goes through the `windows` mapping, so a Snare
 * line and the same event from Winlogbeat give the same ECS fields.
 */
import type { FieldsBodyParser } from '../body-format';
import { mismatch, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';
import { parseIsoTimestamp } from '../time';
import { mapWindowsRecord, type WindowsRecord } from '../windows';

export const SNARE = 'snare';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Snare's event type → the Windows level, as NXLog's Severity is read (INFO → information); audit types have none. */
const LEVELS: ReadonlyMap<string, string> = new Map([['Information', 'information'], ['Warning', 'warning'], ['Error', 'error'], ['Critical', 'critical'], ['Verbose', 'verbose']]);
/** Snare's audit event types → the keyword Windows sets, as NXLog's EventType AUDIT_SUCCESS / AUDIT_FAILURE is read. */
const AUDIT_KEYWORDS: ReadonlyMap<string, string> = new Map([['Success Audit', 'Audit Success'], ['Failure Audit', 'Audit Failure']]);

const TARGET = { 'Security ID': 'TargetUserSid', 'Account Name': 'TargetUserName', 'Account Domain': 'TargetDomainName', 'Logon ID': 'TargetLogonId' };
const SUBJECT = { 'Security ID': 'SubjectUserSid', 'Account Name': 'SubjectUserName', 'Account Domain': 'SubjectDomainName', 'Logon ID': 'SubjectLogonId' };

/** Rendered section → label → event data name, as Windows names the values in the event's XML. */
const SECTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Subject: SUBJECT,
  'Creator Subject': SUBJECT,
  'Target Subject': TARGET,
  'New Logon': TARGET,
  'Account For Which Logon Failed': TARGET,
  'Target Account': TARGET,
  'New Account': TARGET,
  'Logon Information': { 'Logon Type': 'LogonType', 'Elevated Token': 'ElevatedToken', 'Virtual Account': 'VirtualAccount' },
  'Network Information': { 'Workstation Name': 'WorkstationName', 'Source Network Address': 'IpAddress', 'Source Port': 'IpPort' },
  'Detailed Authentication Information': { 'Logon Process': 'LogonProcessName', 'Authentication Package': 'AuthenticationPackageName', 'Package Name (NTLM only)': 'LmPackageName', 'Key Length': 'KeyLength' },
  'Failure Information': { 'Failure Reason': 'FailureReason', Status: 'Status', 'Sub Status': 'SubStatus' },
  'Process Information': {
    'New Process ID': 'NewProcessId', 'New Process Name': 'NewProcessName', 'Token Elevation Type': 'TokenElevationType', 'Mandatory Label': 'MandatoryLabel',
    'Creator Process ID': 'ProcessId', 'Creator Process Name': 'ParentProcessName', 'Process Command Line': 'CommandLine', 'Caller Process ID': 'ProcessId', 'Caller Process Name': 'ProcessName',
  },
};
/** Labels outside any section (4625's "Logon Type:" sits at the top level in older renderings). */
const TOP_LEVEL: Readonly<Record<string, string>> = { 'Logon Type': 'LogonType' };
/** In logoff events the only account is the one that logged off, rendered under "Subject". */
const LOGOFF_EVENTS = new Set(['4634', '4647']);

const LABELS = new Set<string>([...Object.keys(SECTIONS), ...Object.values(SECTIONS).flatMap((labels) => Object.keys(labels)), ...Object.keys(TOP_LEVEL)]);

/** What a known label is: a section, or a value named by the section it sits in (or at the top level). */
interface LabelInfo {
  readonly isSection: boolean;
  readonly nameBySection: ReadonlyMap<string, string>;
  readonly topLevelName: string | undefined;
}
// One Map lookup per label: labels are fresh strings from the message, hashed once here rather than by several tables.
const LABEL_INFO: ReadonlyMap<string, LabelInfo> = new Map(
  [...LABELS].map((label) => [
    label,
    {
      isSection: Object.hasOwn(SECTIONS, label),
      nameBySection: new Map(Object.entries(SECTIONS).flatMap(([section, labels]) => (Object.hasOwn(labels, label) ? [[section, labels[label] ?? '']] : []))),
      topLevelName: Object.hasOwn(TOP_LEVEL, label) ? TOP_LEVEL[label] : undefined,
    },
  ]),
);
/** The tables readSnareEventData reads labels with, for its test. */
export const SNARE_LABELS = { sections: SECTIONS, topLevel: TOP_LEVEL, logoffEvents: LOGOFF_EVENTS, known: LABELS } as const;
// Known labels, or any other "  Label:" after two spaces, which ends the value before it (labels the table does not map).
export const LABEL_PATTERN = new RegExp(
  `(?:^|\\s)(${[...LABELS].sort((a, b) => b.length - a.length).map((label) => label.replace(/[()]/g, '\\$&')).join('|')}):|\\s{2,}([A-Z][A-Za-z()/-]*(?: [A-Za-z()/-]+){0,5}):(?=\\s|$)`,
  'g',
);

/**
 * The rendered message's `Label: value` pairs, read back into event data names.
 * One split by the label pattern gives every label (its two capture groups)
 * followed by the text up to the next label: its value. One native call
 * instead of an exec and a match array per label.
 */
export function readSnareEventData(message: string, eventId: string): Record<string, string> {
  const data: Record<string, string> = {};
  const logoff = LOGOFF_EVENTS.has(eventId);
  const pieces = message.split(LABEL_PATTERN);
  let section = '';
  // pieces: the text before the first label, then per label: known label, other label, text up to the next label.
  for (let index = 1; index + 2 < pieces.length; index += 3) {
    const label = pieces[index] ?? pieces[index + 1] ?? '';
    const info = LABEL_INFO.get(label);
    if (info?.isSection === true) {
      section = label;
      continue;
    }
    const value = (pieces[index + 2] ?? '').trim();
    if (info === undefined) {
      // A section the table does not know ("Account That Was Locked Out:"): its labels must not land in the last known one.
      if (value.length === 0) section = label;
      continue;
    }
    const name = info.nameBySection.get(logoff && section === 'Subject' ? 'New Logon' : section) ?? info.topLevelName;
    if (name !== undefined && value.length > 0 && data[name] === undefined) data[name] = value;
  }
  return data;
}

/** `Fri Dec 04 10:00:00 2026` → ISO 8601 without a zone. */
function snareTime(text: string): string | undefined {
  const match = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4})$/.exec(text);
  if (match === null) return undefined;
  const month = MONTHS.indexOf(match[1] ?? '') + 1;
  return month === 0 ? undefined : `${match[4] ?? ''}-${String(month).padStart(2, '0')}-${(match[2] ?? '').padStart(2, '0')}T${match[3] ?? ''}`;
}

export const snareBodyParser: FieldsBodyParser = {
  dataset: SNARE,
  description: 'Windows events as syslog text in the Snare format (Snare Agent, NXLog to_syslog_snare): MSWinEventLog tab-separated fields and the rendered message, read back into event data and mapped as the windows parser maps Winlogbeat events.',
  compile(_options, context) {
    // An agent stamps events to the second, so the events of one second share the time text: it is read once.
    let lastTime = '';
    let lastTimestamp: number | string = '';
    function timestampOf(time: string): number | string {
      if (time !== lastTime) {
        const iso = snareTime(time);
        const millis = iso === undefined ? Number.NaN : parseIsoTimestamp(iso, 0, iso.length, 'lenient', context.zone);
        lastTimestamp = Number.isNaN(millis) ? time : millis;
        lastTime = time;
      }
      return lastTimestamp;
    }
    return (body) => {
      const marker = body.indexOf('MSWinEventLog\t');
      // Under a syslog header the tag is the program and the body starts at the criticality.
      const text = marker >= 0 ? body.slice(marker + 14) : body.replace(/^\t/, '');
      const fields = text.split('\t');
      if (marker < 0 && !/^\d\t[^\t]+\t\d+\t/.test(text)) return undefined;
      if (fields.length < 14) {
        return mismatch(SNARE, `The Snare record has ${fields.length} tab-separated fields after MSWinEventLog where the format has at least 14; check that the agent sends the standard Snare format and that the line was not cut.`);
      }
      const [criticality, channel, counter, time, eventId, source, user, sidType, eventType, computer, category, , message] = fields as [string, string, string, string, string, string, string, string, string, string, string, string, string];
      if (!/^\d{1,5}$/.test(eventId)) return mismatch(SNARE, `The Snare record's event id "${eventId}" is not a number; check the agent's field order.`);
      const keyword = AUDIT_KEYWORDS.get(eventType);
      const record: WindowsRecord = {
        eventId: String(Number(eventId)), channel, provider: source, computer, recordId: counter, level: LEVELS.get(eventType),
        keywords: keyword === undefined ? undefined : [keyword], task: category, message: message.trim(), eventData: readSnareEventData(message, eventId),
      };
      const mapped = mapWindowsRecord(record) as Fields;
      const snare: Fields = { sid_type: sidType };
      // A criticality that is not a number would be NaN, which JSON writes as null: leave it out instead.
      if (/^\d{1,3}$/.test(criticality)) snare.criticality = Number(criticality);
      if (user !== 'N/A' && user.length > 0) snare.user = user;
      mapped.snare = snare;
      mapped['@timestamp'] = timestampOf(time);
      return mapped;
    };
  },
};

export const snareParser = defineSyslogBodyFormat(snareBodyParser);
