import { describe, expect, it } from 'vitest';
import { SyslogTcpFramer } from './syslog-tcp-framer';

const text = (frames: { payload: Buffer }[]) => frames.map((f) => f.payload.toString('utf8'));

describe('SyslogTcpFramer', () => {
  it('splits newline-framed messages and drops CR before LF', () => {
    const framer = new SyslogTcpFramer(1024);
    expect(text(framer.push(Buffer.from('<13>a\n<13>b\r\n<13>c')))).toEqual(['<13>a', '<13>b']);
    expect(text(framer.push(Buffer.from('d\n')))).toEqual(['<13>cd']);
  });

  it('reads octet-counted frames, including an LF inside the message', () => {
    const framer = new SyslogTcpFramer(1024);
    const first = '<13>1 - - - - - - line one\nline two';
    const second = '<13>1 - - - - - - x';
    const stream = Buffer.from(`${Buffer.byteLength(first)} ${first}${Buffer.byteLength(second)} ${second}`);
    expect(text(framer.push(stream))).toEqual([first, second]);
  });

  it('reassembles a frame split across reads at every byte boundary', () => {
    const message = '<34>1 2026-11-23T10:00:00Z host app - - - héllo';
    const stream = Buffer.from(`${Buffer.byteLength(message)} ${message}<13>plain line\n`);
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new SyslogTcpFramer(1024);
      const frames = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(text(frames)).toEqual([message, '<13>plain line']);
    }
  });

  it('cuts an over-long line at the limit, flags it, and keeps the next message intact', () => {
    const framer = new SyslogTcpFramer(8);
    const frames = framer.push(Buffer.from(`${'x'.repeat(100)}\n<13>ok\n`));
    expect(frames.map((f) => [f.payload.toString(), f.truncated])).toEqual([
      ['xxxxxxxx', true],
      ['<13>ok', false],
    ]);
  });

  it('cuts an over-long octet-counted frame and resynchronises on the next one', () => {
    const framer = new SyslogTcpFramer(4);
    expect(framer.push(Buffer.from('10 01234567893 abc')).map((f) => [f.payload.toString(), f.truncated])).toEqual([
      ['0123', true],
      ['abc', false],
    ]);
  });

  it('streams a 10 MiB line through holding at most the limit, then frames the next message intact', () => {
    const limit = 64 * 1024;
    const framer = new SyslogTcpFramer(limit);
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const held = () => {
      // The framer's own buffers: what it retains between reads.
      const internals = framer as unknown as { pending: Buffer; state: { parts?: Buffer[] } };
      return internals.pending.length + (internals.state.parts ?? []).reduce((sum, part) => sum + part.length, 0);
    };
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      expect(framer.push(chunk)).toEqual([]);
      expect(held()).toBeLessThanOrEqual(limit);
    }
    const frames = framer.push(Buffer.from('zzz\n<13>next message\n'));
    expect(frames.map((f) => [f.payload.length, f.truncated])).toEqual([
      [limit, true],
      [16, false],
    ]);
    expect(frames[1]!.payload.toString()).toBe('<13>next message');
  });

  it('treats binary garbage as newline-framed data instead of failing', () => {
    const framer = new SyslogTcpFramer(16);
    const frames = framer.push(Buffer.from([0x00, 0xff, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x0a]));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.payload.length).toBe(14);
  });

  it('returns the unterminated last line when the connection ends', () => {
    const framer = new SyslogTcpFramer(64);
    expect(framer.push(Buffer.from('<13>tail'))).toEqual([]);
    expect(text(framer.end())).toEqual(['<13>tail']);
  });

  it('skips empty lines', () => {
    const framer = new SyslogTcpFramer(64);
    expect(text(framer.push(Buffer.from('\n\n<13>a\n\n')))).toEqual(['<13>a']);
  });
});
