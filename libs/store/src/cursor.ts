import { badRequest } from './aggregations/shared';

/** A page cursor: the sort values of a page's last hit, opaque to the client (base64url JSON). */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The sort values of a cursor; a cursor this store did not make is refused, not guessed at. */
export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length !== shape.length || values.some((value, i) => typeof value !== shape[i])) {
    throw badRequest('The search_after cursor is not one this store gave out; pass the "next" of the previous page unchanged, with the same sort.');
  }
  return values as (string | number)[];
}
