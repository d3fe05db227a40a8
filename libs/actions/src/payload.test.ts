import { describe, expect, it } from 'vitest';
import type { StoredAlert } from '@siem/store';
import { alertCef, alertJson, slackJson, syslogMessage } from './payload';

const rule = { id: 'r-1', title: 'Encoded PowerShell | stage=2', level: 'high' };
const alert: StoredAlert = {
  id: 'alert-1',
  alert: {
    '@timestamp': '2026-05-01T10:00:00.000Z',
    message: rule.title,
    rule: { id: 'r-1', title: rule.title, level: 'high', tags: [] },
    threat: { technique: { id: ['T1059.001'] }, tactic: { name: ['execution'] } },
    alert: { status: 'open', detected_at: '2026-05-01T10:00:01.000Z', count: 3 },
    event: { id: 'e1' },
    host: { name: 'ws-7' },
    user: { name: 'CORP\\carol' },
    source: { ip: '192.0.2.10' },
  },
};

describe('payloads', () => {
  it('writes the webhook body with the alert id, rule and the alert as stored', () => {
    expect(JSON.parse(alertJson(alert, rule, '2026-05-01T10:00:02.000Z'))).toEqual({ alert_id: 'alert-1', rule, sent_at: '2026-05-01T10:00:02.000Z', alert: alert.alert });
  });

  it('writes a Slack body: text as fallback, a header, a section of fields and a context', () => {
    const body = JSON.parse(slackJson(alert, rule));
    expect(body.text).toBe('[HIGH] Encoded PowerShell | stage=2 on host ws-7, user CORP\\carol');
    expect(body.blocks.map((block: { type: string }) => block.type)).toEqual(['header', 'section', 'context']);
    expect(body.blocks[0].text).toEqual({ type: 'plain_text', text: rule.title });
    expect(body.blocks[1].fields).toContainEqual({ type: 'mrkdwn', text: '*Techniques*\nT1059.001' });
    expect(body.blocks[1].fields).toContainEqual({ type: 'mrkdwn', text: '*Matches*\n3' });
  });

  it('writes CEF with pipes escaped in the header and equals signs and backslashes in the extension', () => {
    const cef = alertCef(alert, rule, '1.2.3');
    expect(cef.startsWith('CEF:0|SIEM|SIEM|1.2.3|r-1|Encoded PowerShell \\| stage=2|8|')).toBe(true);
    expect(cef).toContain(`rt=${Date.parse('2026-05-01T10:00:00.000Z')}`);
    expect(cef).toContain('msg=Encoded PowerShell | stage\\=2');
    expect(cef).toContain('suser=CORP\\\\carol');
    expect(cef).toContain('shost=ws-7 suser');
    expect(cef).toContain('src=192.0.2.10');
    expect(cef).toContain('cs2Label=techniques cs2=T1059.001');
  });

  it('wraps it in an RFC 5424 message with the PRI of the facility and the level', () => {
    const message = syslogMessage('CEF:0|x', 'high', 4, new Date('2026-05-01T10:00:00.000Z'), 'siem host');
    // facility 4 (auth) × 8 + severity 3 (error, for high) = 35.
    expect(message).toBe('<35>1 2026-05-01T10:00:00.000Z siemhost siem - alert - CEF:0|x');
  });
});
