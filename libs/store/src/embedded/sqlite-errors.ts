import { StoreError, StoreErrorCodes, type StoreErrorCode } from '../errors';

function codeOf(cause: unknown): string {
  return typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string' ? (cause as { code: string }).code : '';
}

/** What the operator can do about a failed SQLite or file-system call on `file`. */
function explain(code: string, file: string): string {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return `the disk holding ${file} is full; free space or lower the retention, and the write will be retried`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `another process held ${file} locked for longer than the busy timeout; it will be retried`;
  if (code.startsWith('SQLITE_IOERR')) return `the disk reported an I/O error on ${file} (${code}); check the disk, the operation will be retried`;
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS') return `${file} is read-only (${code}); give this process write access to it`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `${file} is damaged (${code}); move it aside to keep the other days searchable`;
  return `${file} failed (${code || 'unknown error'})`;
}

/** Maps a SQLite or file-system failure to a StoreError; every such failure is worth retrying (the document is not at fault). */
export function storeErrorFrom(cause: unknown, code: StoreErrorCode, action: string, file: string): StoreError {
  const message = `${action} failed: ${explain(codeOf(cause), file)}. ${(cause as Error)?.message ?? String(cause)}`;
  return new StoreError(code, message, { cause, retryable: true });
}

export function unavailable(cause: unknown, action: string, file: string): StoreError {
  return storeErrorFrom(cause, StoreErrorCodes.unavailable, action, file);
}
