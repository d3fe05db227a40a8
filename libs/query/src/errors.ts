import { SiemError } from '@siem/schema';

export const QueryErrorCodes = {
  syntax: 'SIEM_QUERY_SYNTAX',
  tooLong: 'SIEM_QUERY_TOO_LONG',
  tooComplex: 'SIEM_QUERY_TOO_COMPLEX',
  badField: 'SIEM_QUERY_BAD_FIELD',
  badValue: 'SIEM_QUERY_BAD_VALUE',
} as const;

export type QueryErrorCode = (typeof QueryErrorCodes)[keyof typeof QueryErrorCodes];

/** A query the user must correct; `position` is the 0-based character offset of the problem. */
export class QueryError extends SiemError<QueryErrorCode> {
  readonly position: number;

  constructor(code: QueryErrorCode, message: string, position: number) {
    super(code, message, { retryable: false });
    this.position = position;
  }
}
