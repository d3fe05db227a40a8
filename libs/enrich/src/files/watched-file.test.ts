import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@siem/telemetry';
import { waitFor } from '@siem/testing';
import { describe, expect, it, vi } from 'vitest';
import { loadWatchedFile } from './watched-file';

// Stands in for a file system without change events (NFS, some containers): fs.watch throws.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    watch: () => {
      throw new Error('watch not supported here');
    },
  };
});

/** Replaces the file whole, so that a poll never reads it half written. */
function replace(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

describe('loadWatchedFile', () => {
  it('finds a change by polling when the directory cannot be watched', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enrich-watch-'));
    const file = path.join(dir, 'value.txt');
    writeFileSync(file, 'one');
    const seen: string[] = [];
    const watched = loadWatchedFile(
      { path: file, what: 'test file', load: (content) => content.toString('utf8'), onReload: (value) => seen.push(value) },
      { debounceMs: 0, pollMs: 50, logger: createLogger('test', 'silent') },
    );
    try {
      expect(watched.initial).toBe('one');
      replace(file, 'two, longer');
      await waitFor('the poll to find the change', () => seen.includes('two, longer'), 10_000, 20);
      expect(watched.reloads()).toEqual({ succeeded: 1, failed: 0 });
    } finally {
      watched.close();
    }
  });

  it('keeps the previous value when the file disappears or fails to load, and recovers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enrich-watch-'));
    const file = path.join(dir, 'value.txt');
    writeFileSync(file, 'good');
    const seen: string[] = [];
    const watched = loadWatchedFile(
      {
        path: file,
        what: 'test file',
        load: (content) => {
          const text = content.toString('utf8');
          if (text.startsWith('bad')) throw new Error('bad content');
          return text;
        },
        onReload: (value) => seen.push(value),
      },
      { debounceMs: 0, pollMs: 50, logger: createLogger('test', 'silent') },
    );
    try {
      replace(file, 'bad content');
      await waitFor('the failed reload', () => watched.reloads().failed === 1, 10_000, 20);
      replace(file, 'good again');
      await waitFor('the next good reload', () => seen.includes('good again'), 10_000, 20);
      expect(seen).toEqual(['good again']);
    } finally {
      watched.close();
    }
  });
});
