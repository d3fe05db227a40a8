import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointStore, fileKey } from './file-checkpoints';

const dir = mkdtempSync(path.join(tmpdir(), 'siem-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file checkpoints', () => {
  it('round-trips through an atomic save, leaving no temporary file', async () => {
    const file = path.join(dir, 'nested', 'files.json');
    const store = await CheckpointStore.open(file);
    store.set({ device: '2049', inode: '77', path: '/var/log/a.log', offset: 120 });
    store.set({ device: '2049', inode: '78', path: '/var/log/b.log', offset: 5 });
    store.delete(fileKey('2049', '78'));
    await store.save();
    expect(existsSync(`${file}.tmp`)).toBe(false);
    const reopened = await CheckpointStore.open(file);
    expect(reopened.keys()).toEqual(['2049:77']);
    expect(reopened.get('2049:77')).toEqual({ device: '2049', inode: '77', path: '/var/log/a.log', offset: 120 });
  });

  it('does not write when nothing changed', async () => {
    const file = path.join(dir, 'unchanged.json');
    const store = await CheckpointStore.open(file);
    await store.save();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses to start on a corrupt file, saying how to recover', async () => {
    const file = path.join(dir, 'corrupt.json');
    writeFileSync(file, '{"version":1,"files":[{"device":"1","inode":"2","offset":-4}]}');
    await expect(CheckpointStore.open(file)).rejects.toMatchObject({ code: 'SIEM_COLLECTOR_CHECKPOINT_UNREADABLE', message: expect.stringContaining('delete the file') });
    expect(readFileSync(file, 'utf8')).toContain('"offset":-4');
  });
});
