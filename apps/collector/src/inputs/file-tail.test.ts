import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { RawRecord } from '@siem/schema';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startFileTail, type FileTailOptions } from './file-tail';
import type { InputContext } from './input';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-file-tail-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface FakeBus {
  readonly context: InputContext;
  readonly records: RawRecord[];
  readonly rejected: string[];
  /** Makes the bus refuse the next record with this payload, once. */
  refuseOnce(payload: string): void;
  backedUp: boolean;
}

function fakeBus(maxMessageBytes = 1024): FakeBus {
  const records: RawRecord[] = [];
  const rejected: string[] = [];
  const refusals = new Set<string>();
  const bus: FakeBus = {
    records,
    rejected,
    backedUp: false,
    refuseOnce: (payload) => refusals.add(payload),
    context: {
      logger: pino({ level: 'silent' }),
      maxMessageBytes,
      accept(accepted) {
        if (accepted.some((record) => refusals.delete(record.payload.toString()))) return Promise.reject(new Error('the bus gave up'));
        records.push(...accepted);
        return new Promise((resolve) => setTimeout(resolve, 1));
      },
      rejected: (input, reason) => rejected.push(`${input}:${reason}`),
      isBackedUp: () => bus.backedUp,
      onDrain: () => undefined,
    },
  };
  return bus;
}

let run = 0;
function setup(overrides: Partial<FileTailOptions> = {}) {
  const dir = path.join(scratch, `run-${++run}`);
  const options: FileTailOptions = { patterns: [path.join(dir, '*.log')], multilineTimeoutMs: 50, pollMs: 10, scanIntervalMs: 20, checkpointFile: path.join(dir, 'state', 'files.json'), ...overrides };
  const file = path.join(dir, 'app.log');
  mkdirSync(dir, { recursive: true });
  return { dir, file, options };
}

const payloads = (bus: FakeBus) => bus.records.map((record) => record.payload.toString());
const lines = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${i}`);
const write = (file: string, texts: string[]) => appendFileSync(file, texts.map((t) => `${t}\n`).join(''));
const checkpoint = (options: FileTailOptions) => JSON.parse(readFileSync(options.checkpointFile, 'utf8')).files as { offset: number; path: string }[];

describe('file tail input', () => {
  it('reads a renamed file to its end, then follows the new file at the path, each line once with its path', async () => {
    const { file, options } = setup();
    const bus = fakeBus();
    write(file, lines('first', 3));
    const input = await startFileTail(options, bus.context);
    await vi.waitFor(() => expect(bus.records).toHaveLength(3));
    renameSync(file, `${file}.1`);
    // The writer still holds the old file open and finishes its last lines there.
    write(`${file}.1`, lines('late', 2));
    write(file, lines('second', 2));
    await vi.waitFor(() => expect(bus.records).toHaveLength(7));
    await input.close();
    expect(payloads(bus).sort()).toEqual([...lines('first', 3), ...lines('late', 2), ...lines('second', 2)].sort());
    expect(bus.records.filter((r) => r.payload.toString().startsWith('second')).map((r) => r.filePath)).toEqual([file, file]);
    expect(bus.records.every((r) => r.input === 'file')).toBe(true);
  });

  it('starts again at offset 0 when the file is truncated', async () => {
    const { file, options } = setup();
    const bus = fakeBus();
    write(file, lines('before truncation', 5));
    const input = await startFileTail(options, bus.context);
    await vi.waitFor(() => expect(bus.records).toHaveLength(5));
    truncateSync(file, 0);
    write(file, ['after']);
    await vi.waitFor(() => expect(bus.records).toHaveLength(6));
    await input.close();
    expect(payloads(bus).at(-1)).toBe('after');
    expect(checkpoint(options)).toEqual([expect.objectContaining({ offset: 6 })]);
  });

  it('neither re-sends nor skips a line across a stop and a start, including lines written while stopped', async () => {
    const { file, options } = setup();
    const first = fakeBus();
    write(file, lines('one', 4));
    let input = await startFileTail(options, first.context);
    await vi.waitFor(() => expect(first.records).toHaveLength(4));
    await input.close();
    write(file, lines('two', 3));
    const second = fakeBus();
    input = await startFileTail(options, second.context);
    await vi.waitFor(() => expect(second.records).toHaveLength(3));
    write(file, lines('three', 1));
    await vi.waitFor(() => expect(second.records).toHaveLength(4));
    await input.close();
    expect(payloads(second)).toEqual([...lines('two', 3), 'three 0']);
  });

  it('does not move the checkpoint past a line the bus gave up on, and sends it again', async () => {
    const { file, options } = setup();
    const bus = fakeBus();
    bus.refuseOnce('b');
    write(file, ['a', 'b', 'c']);
    const input = await startFileTail(options, bus.context);
    await vi.waitFor(() => expect(payloads(bus)).toContain('b'));
    await input.close();
    expect(payloads(bus)[0]).toBe('a');
    expect(payloads(bus).slice(-2)).toEqual(['b', 'c']);
    expect(checkpoint(options)).toEqual([expect.objectContaining({ offset: 6 })]);
  });

  it('joins a stack trace (blank continuation line included) into one event and sends the last event after the timeout', async () => {
    const { file, options } = setup({ multilineStart: '^\\d{4}-\\d{2}-\\d{2} ' });
    const bus = fakeBus();
    write(file, ['2026-11-23 10:00:00 ERROR failed', 'java.lang.RuntimeException: boom', '\tat a.B.c(B.java:1)', '', '2026-11-23 10:00:01 INFO fine']);
    const input = await startFileTail(options, bus.context);
    await vi.waitFor(() => expect(bus.records).toHaveLength(2));
    await input.close();
    expect(payloads(bus)).toEqual(['2026-11-23 10:00:00 ERROR failed\njava.lang.RuntimeException: boom\n\tat a.B.c(B.java:1)\n', '2026-11-23 10:00:01 INFO fine']);
  });

  it('keeps an event still being joined out of the checkpoint at stop, so the next start reads it whole', async () => {
    const { file, options } = setup({ multilineStart: '^START', multilineTimeoutMs: 60_000 });
    const first = fakeBus();
    write(file, ['START 1', 'START 2', '  more of 2']);
    let input = await startFileTail(options, first.context);
    await vi.waitFor(() => expect(first.records).toHaveLength(1));
    await input.close();
    write(file, ['  the rest of 2', 'START 3']);
    const second = fakeBus();
    input = await startFileTail(options, second.context);
    await vi.waitFor(() => expect(second.records).toHaveLength(1));
    await input.close();
    expect(payloads(second)).toEqual(['START 2\n  more of 2\n  the rest of 2']);
  });

  it('cuts an over-long line, counts it, and keeps invalid UTF-8 bytes untouched', async () => {
    const { file, options } = setup();
    const bus = fakeBus(256);
    appendFileSync(file, Buffer.concat([Buffer.alloc(10 * 1024 * 1024, 'x'), Buffer.from('\n'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('after\n')]));
    const input = await startFileTail(options, bus.context);
    await vi.waitFor(() => expect(bus.records).toHaveLength(3), { timeout: 10_000 });
    await input.close();
    expect(bus.records[0]!.payload).toEqual(Buffer.alloc(256, 'x'));
    expect(bus.records[1]!.payload).toEqual(Buffer.from([0xc3, 0x28]));
    expect(payloads(bus)[2]).toBe('after');
    expect(bus.rejected).toEqual(['file:truncated']);
  });

  it('reads nothing while the bus is backed up', async () => {
    const { file, options } = setup();
    const bus = fakeBus();
    bus.backedUp = true;
    write(file, ['held back']);
    const input = await startFileTail(options, bus.context);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bus.records).toHaveLength(0);
    bus.backedUp = false;
    await vi.waitFor(() => expect(bus.records).toHaveLength(1));
    await input.close();
  });

  it('closes a deleted file once read and forgets its checkpoint', async () => {
    const { file, options } = setup();
    const bus = fakeBus();
    appendFileSync(file, 'no newline at the end');
    const input = await startFileTail(options, bus.context);
    await new Promise((resolve) => setTimeout(resolve, 50));
    unlinkSync(file);
    await vi.waitFor(() => expect(payloads(bus)).toEqual(['no newline at the end']));
    await vi.waitFor(() => expect(checkpoint(options)).toEqual([]));
    await input.close();
  });

  it('refuses to start with an invalid multi-line pattern', async () => {
    const { options } = setup({ multilineStart: '(unclosed' });
    await expect(startFileTail(options, fakeBus().context)).rejects.toMatchObject({ code: 'SIEM_COLLECTOR_MULTILINE_INVALID' });
  });
});
