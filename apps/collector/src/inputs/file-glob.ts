/**
 * Glob patterns for file inputs: `*` and `?` within one path segment, `**` as
 * a whole segment for any number of directories; every other character is
 * literal. Node 20 has no fs.glob, and this small subset is what log paths use.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputErrorCodes, InputSetupError } from './input-errors';

type Segment = { readonly kind: 'literal'; readonly name: string } | { readonly kind: 'any-depth' } | { readonly kind: 'match'; readonly regex: RegExp };

export interface CompiledGlob {
  readonly pattern: string;
  /** The longest leading directory without wildcards, where the walk starts. */
  readonly root: string;
  readonly segments: readonly Segment[];
}

function segmentRegex(segment: string): RegExp {
  let source = '';
  for (const char of segment) {
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

export function compileGlob(pattern: string, cwd = process.cwd()): CompiledGlob {
  const absolute = path.resolve(cwd, pattern);
  const parts = absolute.split(path.sep).slice(1);
  if (pattern.endsWith('/') || parts.length === 0 || parts.at(-1) === '' || parts.at(-1) === '**') {
    throw new InputSetupError(InputErrorCodes.filePatternInvalid, `The file pattern "${pattern}" names no file; end it with a file name or a pattern such as *.log.`);
  }
  const segments: Segment[] = [];
  for (const part of parts) {
    if (part === '**') segments.push({ kind: 'any-depth' });
    else if (part.includes('**')) {
      throw new InputSetupError(InputErrorCodes.filePatternInvalid, `The file pattern "${pattern}" has "**" inside a name; use it as a whole path segment (logs/**/app.log).`);
    } else if (/[*?]/.test(part)) segments.push({ kind: 'match', regex: segmentRegex(part) });
    else segments.push({ kind: 'literal', name: part });
  }
  let fixed = 0;
  while (fixed < segments.length - 1 && segments[fixed]!.kind === 'literal') fixed++;
  const root = path.join(path.sep, ...segments.slice(0, fixed).map((s) => (s as { name: string }).name));
  return { pattern, root, segments: segments.slice(fixed) };
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    // A directory that vanished or cannot be read matches nothing; the next scan looks again.
    return [];
  }
}

async function isRegularFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The regular files the pattern matches now. `**` does not follow symbolic links to directories, so a loop cannot trap it. */
export async function expandGlob(glob: CompiledGlob): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (dir: string, index: number): Promise<void> => {
    const segment = glob.segments[index]!;
    const last = index === glob.segments.length - 1;
    if (segment.kind === 'any-depth') {
      await walk(dir, index + 1);
      for (const entry of await entries(dir)) if (entry.isDirectory()) await walk(path.join(dir, entry.name), index);
      return;
    }
    if (segment.kind === 'literal') {
      const next = path.join(dir, segment.name);
      if (!last) await walk(next, index + 1);
      else if (await isRegularFile(next)) found.add(next);
      return;
    }
    for (const entry of await entries(dir)) {
      if (!segment.regex.test(entry.name)) continue;
      const next = path.join(dir, entry.name);
      if (!last) {
        if (entry.isDirectory()) await walk(next, index + 1);
      } else if (entry.isFile() || (entry.isSymbolicLink() && (await isRegularFile(next)))) found.add(next);
    }
  };
  await walk(glob.root, 0);
  return [...found].sort();
}
