/**
 * What an alert looks like on the wire: the JSON body of a webhook (and a Kafka record), the
 * Slack body (`text` plus Block Kit blocks), and a CEF event in an RFC 5424 syslog message.
 */
import os from 'node:os';
import type { StoredAlert } from '@siem/store';

export interface NotifiedRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
}

function nameOf(alert: StoredAlert['alert'], field: string): string | undefined {
  const value = (alert[field] as { name?: unknown } | undefined)?.name;
  return typeof value === 'string' ? value : undefined;
}

function ipOf(alert: StoredAlert['alert'], field: string): string | undefined {
  const value = (alert[field] as { ip?: unknown } | undefined)?.ip;
  return typeof value === 'string' ? value : undefined;
}

/** The webhook and Kafka body: the alert as stored, with its id and the rule that raised it. */
export function alertJson({ id, alert }: StoredAlert, rule: NotifiedRule, sentAt: string): string {
  return JSON.stringify({ alert_id: id, rule: { id: rule.id, title: rule.title, level: rule.level }, sent_at: sentAt, alert });
}

/** Slack's incoming-webhook body: `text` is the notification's fallback, blocks the message. */
export function slackJson({ id, alert }: StoredAlert, rule: NotifiedRule): string {
  const host = nameOf(alert, 'host');
  const user = nameOf(alert, 'user');
  const where = [host && `host ${host}`, user && `user ${user}`].filter(Boolean).join(', ');
  const text = `[${rule.level.toUpperCase()}] ${rule.title}${where ? ` on ${where}` : ''}`;
  const fields = [
    ['Level', rule.level],
    ['Time', alert['@timestamp']],
    ['Host', host],
    ['User', user],
    ['Source', ipOf(alert, 'source')],
    ['Techniques', alert.threat?.technique?.id?.join(', ')],
    ['Matches', alert.alert.count === undefined ? undefined : String(alert.alert.count)],
  ].filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '');
  const blocks = [
    // Slack caps a header's plain text at 150 characters.
    { type: 'header', text: { type: 'plain_text', text: rule.title.slice(0, 150) } },
    { type: 'section', fields: fields.map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })) },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Alert ${id} · rule ${rule.id}` }] },
  ];
  return JSON.stringify({ text, blocks });
}

const CEF_SEVERITY: Readonly<Record<string, number>> = { informational: 1, low: 3, medium: 5, high: 8, critical: 10 };
const SYSLOG_SEVERITY: Readonly<Record<string, number>> = { informational: 6, low: 5, medium: 4, high: 3, critical: 2 };

/** CEF header fields escape backslash and pipe. */
function cefHeader(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/[\r\n]+/g, ' ');
}

/** CEF extension values escape backslash and equals sign, and write line breaks as \n and \r. */
function cefValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('=', '\\=').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
}

/** The alert as a CEF:0 event. */
export function alertCef({ id, alert }: StoredAlert, rule: NotifiedRule, version: string): string {
  const time = Date.parse(alert['@timestamp']);
  const extension: [string, string | undefined][] = [
    ['rt', Number.isNaN(time) ? undefined : String(time)],
    ['externalId', id],
    ['msg', rule.title],
    ['shost', nameOf(alert, 'host')],
    ['suser', nameOf(alert, 'user')],
    ['src', ipOf(alert, 'source')],
    ['dst', ipOf(alert, 'destination')],
    ['cnt', alert.alert.count === undefined ? undefined : String(alert.alert.count)],
    ['cs1Label', 'ruleId'],
    ['cs1', rule.id],
    ['cs2Label', 'techniques'],
    ['cs2', alert.threat?.technique?.id?.join(',') || undefined],
  ];
  const header = ['CEF:0', 'SIEM', 'SIEM', version, rule.id, rule.title, String(CEF_SEVERITY[rule.level] ?? 5)].map((field, index) => (index === 0 ? field : cefHeader(field)));
  const body = extension.filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '').map(([key, value]) => `${key}=${cefValue(value)}`);
  return `${header.join('|')}|${body.join(' ')}`;
}

/** An RFC 5424 message: PRI, version 1, time, host, app name, no procid, msgid `alert`, no structured data, the CEF body. */
export function syslogMessage(cef: string, level: string, facility: number, time: Date, hostname = os.hostname()): string {
  const pri = facility * 8 + (SYSLOG_SEVERITY[level] ?? 4);
  // RFC 5424 header fields are printable US-ASCII without spaces, at most 255 characters for the host.
  const host = hostname.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  return `<${pri}>1 ${time.toISOString()} ${host} siem - alert - ${cef}`;
}
