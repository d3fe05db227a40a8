import { decodeCursor } from '../cursor';
import { badRequest } from '../aggregations/shared';
import type { AuditQuery } from './types';

/** The status range a filter names: `404` is [404, 404], `4xx` is [400, 499]. */
export function statusRange(status: string): [number, number] {
  const match = /^([1-5])(?:(\d\d)|xx)$/.exec(status);
  if (!match) throw badRequest(`"status" ${JSON.stringify(status)} is neither a status (403) nor a class (4xx).`);
  const hundreds = Number(match[1]) * 100;
  return match[2] === undefined ? [hundreds, hundreds + 99] : [hundreds + Number(match[2]), hundreds + Number(match[2])];
}

/** Milliseconds of an ISO time; a time that does not parse is refused rather than ignored. */
export function timeMs(name: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`"${name}" ${JSON.stringify(value)} is not an ISO 8601 time.`);
  return ms;
}

/** Where the next page starts: after the last record of this one, by (time, id) descending. */
export function pageStart(query: AuditQuery): { timeMs: number; id: string } | undefined {
  if (query.cursor === undefined) return undefined;
  const [time, id] = decodeCursor(query.cursor, ['number', 'string']) as [number, string];
  return { timeMs: time, id };
}
