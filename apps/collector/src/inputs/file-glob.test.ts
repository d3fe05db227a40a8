import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGlob, expandGlob } from './file-glob';

const root = mkdtempSync(path.join(tmpdir(), 'siem-glob-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const file of ['app.log', 'app.log.1', 'other.txt', 'a/x.log', 'a/b/y.log', 'a/b/c/z.log', 'weird[1].log']) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), '');
}
mkdirSync(path.join(root, 'dir.log'));
symlinkSync(root, path.join(root, 'a', 'loop'));

const match = async (pattern: string) => (await expandGlob(compileGlob(pattern, root))).map((file) => path.relative(root, file));

describe('file glob', () => {
  it('matches * and ? within one name, never a directory', async () => {
    expect(await match('*.log')).toEqual(['app.log', 'weird[1].log']);
    expect(await match('app.log*')).toEqual(['app.log', 'app.log.1']);
    expect(await match('app.lo?')).toEqual(['app.log']);
  });

  it('matches ** across any number of directories, including none, without following a symlink loop', async () => {
    expect(await match('a/**/*.log')).toEqual(['a/b/c/z.log', 'a/b/y.log', 'a/x.log']);
  });

  it('takes a plain path literally, brackets included, and matches nothing for a missing directory', async () => {
    expect(await match(path.join(root, 'weird[1].log'))).toEqual(['weird[1].log']);
    expect(await match('missing/*.log')).toEqual([]);
  });

  it('refuses a pattern that names no file, or ** inside a name', () => {
    expect(() => compileGlob('logs/', root)).toThrow(/SIEM_COLLECTOR_FILE_PATTERN_INVALID|names no file/);
    expect(() => compileGlob('logs/**', root)).toThrow(/names no file/);
    expect(() => compileGlob('logs/a**b/x.log', root)).toThrow(expect.objectContaining({ code: 'SIEM_COLLECTOR_FILE_PATTERN_INVALID' }));
  });
});
