import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusRecord } from '../types';
import { DiskSpool } from './disk-spool';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];
const spools: DiskSpool[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'siem-spool-'));
  dirs.push(dir);
  return dir;
}

async function openSpool(dir: string, maxBytes = 1024 * 1024, segmentBytes?: number): Promise<DiskSpool> {
  const spool = await DiskSpool.open({ dir, maxBytes, segmentBytes, logger: silent, label: (r) => r.headers?.['siem.input'] ?? 'none' });
  spools.push(spool);
  return spool;
}

async function closeSpool(spool: DiskSpool): Promise<void> {
  spools.splice(spools.indexOf(spool), 1);
  await spool.close();
}

const records = (from: number, count: number, input = 'syslog_tcp'): BusRecord[] =>
  Array.from({ length: count }, (_, i) => ({ key: `host-${(from + i) % 3}`, value: Buffer.from(`line ${from + i}`), headers: { 'siem.input': input, 'siem.received_at': '2026-11-23T00:00:00.000Z' } }));

async function drain(spool: DiskSpool, batch = 7): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const read = await spool.read(batch);
    if (read.records.length === 0) return lines;
    lines.push(...read.records.map((r) => r.value.toString()));
    await spool.commit(read);
  }
}

const segmentFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.spool')).sort();

afterEach(async () => {
  await Promise.all(spools.splice(0).map((spool) => spool.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('DiskSpool', () => {
  it('replays appended records in order across segments, with keys and headers, and frees the disk once drained', async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir, 1024 * 1024, 512);
    for (let batch = 0; batch < 10; batch++) await spool.append(records(batch * 5, 5, batch % 2 ? 'http_ndjson' : 'syslog_tcp'));
    expect((await segmentFiles(dir)).length).toBeGreaterThan(2);
    expect(spool.stats()).toMatchObject({ records: 50 });
    expect(Object.fromEntries(spool.stats().byLabel)).toEqual({ syslog_tcp: 25, http_ndjson: 25 });
    expect(spool.stats().oldestAppendedAt).toBeLessThanOrEqual(Date.now());

    const first = await spool.read(3);
    expect(first.records[0]).toEqual({ key: 'host-0', value: Buffer.from('line 0'), headers: { 'siem.input': 'syslog_tcp', 'siem.received_at': '2026-11-23T00:00:00.000Z' } });
    await spool.commit(first);
    expect(await drain(spool)).toEqual(Array.from({ length: 47 }, (_, i) => `line ${i + 3}`));
    expect(spool.isEmpty()).toBe(true);
    expect(spool.stats()).toEqual({ records: 0, messages: 0, bytes: 0, byLabel: new Map() });
    expect(await segmentFiles(dir)).toEqual([]);

    await spool.append(records(50, 2));
    expect(await drain(spool)).toEqual(['line 50', 'line 51']);
  });

  it('stops a read at about maxBytes, always returning at least one record', async () => {
    const spool = await openSpool(await tempDir());
    await spool.append(Array.from({ length: 6 }, (_, i) => ({ value: Buffer.alloc(1000, 48 + i), headers: { 'siem.input': 'big' } })));
    const first = await spool.read(100, 2500);
    expect(first.records.map((r) => r.value[0])).toEqual([48, 49, 50]);
    await spool.commit(first);
    const tiny = await spool.read(100, 1);
    expect(tiny.records).toHaveLength(1);
    await spool.commit(tiny);
    expect((await spool.read(100)).records).toHaveLength(2);
  });

  it('counts each record by its weight per label, across reads and a restart', async () => {
    const dir = await tempDir();
    const weighted = (r: BusRecord) => Number(r.headers?.weight ?? 1);
    const open = async () => {
      const spool = await DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger: silent, label: (r) => r.headers?.['siem.input'] ?? 'none', weight: weighted });
      spools.push(spool);
      return spool;
    };
    const spool = await open();
    await spool.append([
      { value: Buffer.from('envelope a'), headers: { 'siem.input': 'syslog_tcp', weight: '500' } },
      { value: Buffer.from('envelope b'), headers: { 'siem.input': 'syslog_tcp', weight: '20' } },
      { value: Buffer.from('single'), headers: { 'siem.input': 'mqtt' } },
    ]);
    expect(Object.fromEntries(spool.stats().byLabel)).toEqual({ syslog_tcp: 520, mqtt: 1 });
    expect(spool.stats()).toMatchObject({ records: 521, messages: 3 });
    await spool.commit(await spool.read(1));
    expect(Object.fromEntries(spool.stats().byLabel)).toEqual({ syslog_tcp: 20, mqtt: 1 });
    expect(spool.stats()).toMatchObject({ records: 21, messages: 2 });
    await closeSpool(spool);
    const reopened = await open();
    expect(Object.fromEntries(reopened.stats().byLabel)).toEqual({ syslog_tcp: 20, mqtt: 1 });
    expect(reopened.stats()).toMatchObject({ records: 21, messages: 2 });
  });

  it('keeps unsent records across a restart and resumes after the last committed one', async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir, 1024 * 1024, 400);
    await spool.append(records(0, 10));
    await spool.append(records(10, 10));
    await spool.commit(await spool.read(12));
    await closeSpool(spool);

    const reopened = await openSpool(dir, 1024 * 1024, 400);
    expect(reopened.stats().records).toBe(8);
    expect(reopened.isEmpty()).toBe(false);
    await reopened.append(records(20, 2));
    expect(await drain(reopened, 3)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 12}`));
  });

  it('cuts a torn tail at open, keeps the whole records before it, and appends after them', async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir);
    await spool.append(records(0, 3));
    await closeSpool(spool);
    const [segment] = await segmentFiles(dir);
    const file = path.join(dir, segment!);
    const whole = (await readFile(file)).length;
    // Half of a record, as a crash in the middle of a write leaves it.
    const torn = (await readFile(file)).subarray(0, 20);
    await appendFile(file, torn);

    const reopened = await openSpool(dir);
    expect((await readFile(file)).length).toBe(whole);
    await reopened.append(records(3, 1));
    expect(await drain(reopened)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
  });

  it('cuts a segment at a record whose checksum does not match, and everything after it', async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir);
    await spool.append(records(0, 1));
    await spool.append(records(1, 2));
    await closeSpool(spool);
    const [segment] = await segmentFiles(dir);
    const file = path.join(dir, segment!);
    const bytes = await readFile(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0xff;
    await writeFile(file, flipped);

    const reopened = await openSpool(dir);
    expect(reopened.stats().records).toBe(2);
    expect(await drain(reopened)).toEqual(['line 0', 'line 1']);
  });

  it('refuses an append past its bound with a retryable SIEM_BUS_SPOOL_FULL, and takes it once records were sent', async () => {
    const dir = await tempDir();
    const spool = await openSpool(dir, 1000, 500);
    await spool.append(records(0, 4));
    await spool.append(records(4, 4));
    const full = await spool.append(records(8, 4)).catch((error: unknown) => error);
    expect(full).toMatchObject({ code: 'SIEM_BUS_SPOOL_FULL', retryable: true });
    expect(spool.stats().records).toBe(8);
    await spool.commit(await spool.read(4));
    await spool.append(records(8, 4));
    expect(await drain(spool)).toEqual(Array.from({ length: 8 }, (_, i) => `line ${i + 4}`));
  });

  it('refuses a second spool on the same directory with SIEM_BUS_SPOOL_LOCKED', async () => {
    const dir = await tempDir();
    await openSpool(dir);
    await expect(openSpool(dir)).rejects.toMatchObject({ code: 'SIEM_BUS_SPOOL_LOCKED', retryable: false });
  });
});
