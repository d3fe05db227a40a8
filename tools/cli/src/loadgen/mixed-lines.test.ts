import { createParser } from '@siem/parsers';
import { describe, expect, it } from 'vitest';
import { lineGenerator, parseMix, type LineKind } from './mixed-lines';

const record = (text: string) => ({ payload: Buffer.from(text), receivedAt: '2026-12-04T12:00:00.000Z', input: 'loadgen' });
const linesOf = (kind: LineKind, count: number) => {
  const next = lineGenerator({ mix: [kind], seed: 7 });
  return Array.from({ length: count }, next);
};

describe('loadgen – mixed lines', () => {
  it('loadgen – syslog lines parse as RFC 5424, and as RFC 3164 recognised as sshd/sudo (linux_auth), with their host', () => {
    const auto = createParser('auto');
    const datasets = new Set<string>();
    for (const line of linesOf('syslog', 200)) {
      const result = auto.parse(record(line.text));
      expect(result.ok, line.text).toBe(true);
      if (!result.ok) continue;
      datasets.add(String(result.event.event?.dataset));
      expect(result.event.host?.name).toBe(line.host);
    }
    expect([...datasets].sort()).toEqual(['linux_auth', 'syslog_rfc5424']);
  });

  it('loadgen – CEF lines parse with the CEF parser into source and destination addresses', () => {
    const cef = createParser('cef');
    for (const line of linesOf('cef', 100)) {
      const result = cef.parse(record(line.text));
      expect(result.ok, line.text).toBe(true);
      if (!result.ok) continue;
      expect(result.event.source?.ip).toMatch(/^10\./);
      expect((result.event.destination as { port?: number } | undefined)?.port).toBeGreaterThan(0);
    }
  });

  it('loadgen – JSON lines parse with their host and status code', () => {
    const json = createParser('json');
    for (const line of linesOf('json', 100)) {
      const result = json.parse(record(line.text));
      expect(result.ok, line.text).toBe(true);
      if (result.ok) expect(result.event.host?.name).toBe(line.host);
    }
  });

  it('loadgen – Windows lines parse as NXLog Security logons (4624) and failures (4625)', () => {
    const windows = createParser('windows');
    const ids = new Set<string>();
    for (const line of linesOf('windows', 100)) {
      const result = windows.parse(record(line.text));
      expect(result.ok, line.text).toBe(true);
      if (!result.ok) continue;
      const winlog = (result.event as { winlog?: { event_id?: string } }).winlog;
      ids.add(String(winlog?.event_id));
      expect(result.event.host?.name?.toLowerCase()).toBe(line.host.toLowerCase());
    }
    expect([...ids].sort()).toEqual(['4624', '4625']);
  });

  it('loadgen – the same seed gives the same lines, and a mix yields every kind named', () => {
    const fixed = () => new Date('2026-12-04T12:00:00Z');
    const a = lineGenerator({ mix: ['syslog', 'cef', 'json', 'windows'], seed: 3, now: fixed });
    const b = lineGenerator({ mix: ['syslog', 'cef', 'json', 'windows'], seed: 3, now: fixed });
    const kinds = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const line = a();
      expect(line).toEqual(b());
      kinds.add(line.kind);
    }
    expect(kinds.size).toBe(4);
  });

  it('loadgen – --mix refuses an unknown kind and an empty list', () => {
    expect(parseMix('syslog, cef')).toEqual(['syslog', 'cef']);
    expect(() => parseMix('syslog,netflow')).toThrow(/unknown line kind "netflow"/);
    expect(() => parseMix(',')).toThrow(/empty/);
  });
});
