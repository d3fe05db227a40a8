import { readFileSync } from 'node:fs';
import { EnrichError, EnrichErrorCodes } from '../errors';

/** Reads a whole file at start, turning the system error into one that names the path and the fix. */
export function readFileOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw fileReadError(path, what, cause);
  }
}

export function fileReadError(path: string, what: string, cause: unknown): EnrichError {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new EnrichError(EnrichErrorCodes.fileNotFound, `The ${what} "${path}" does not exist; create it or correct the path in the configuration.`, { path, cause });
  }
  return new EnrichError(
    EnrichErrorCodes.fileUnreadable,
    `The ${what} "${path}" cannot be read (${code ?? (cause as Error).message}); make it a readable file for the user the processor runs as.`,
    { path, cause },
  );
}
