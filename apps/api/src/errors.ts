import { SiemError } from '@siem/schema';

export const ApiErrorCodes = {
  badRequest: 'SIEM_API_BAD_REQUEST',
  badRange: 'SIEM_API_BAD_RANGE',
  notFound: 'SIEM_API_NOT_FOUND',
  internal: 'SIEM_API_INTERNAL',
  timeout: 'SIEM_API_TIMEOUT',
  memoryExceeded: 'SIEM_API_MEMORY_EXCEEDED',
  overloaded: 'SIEM_API_OVERLOADED',
  resultTooLarge: 'SIEM_API_RESULT_TOO_LARGE',
  notReady: 'SIEM_API_NOT_READY',
  eventNotFound: 'SIEM_API_EVENT_NOT_FOUND',
  savedSearchNotFound: 'SIEM_API_SAVED_SEARCH_NOT_FOUND',
  rateLimited: 'SIEM_API_RATE_LIMITED',
  bodyTooLarge: 'SIEM_API_BODY_TOO_LARGE',
  auditUnavailable: 'SIEM_API_AUDIT_UNAVAILABLE',
  exportTooLong: 'SIEM_API_EXPORT_TOO_LONG',
  tlsUnreadable: 'SIEM_API_TLS_UNREADABLE',
  ruleExists: 'SIEM_API_RULE_EXISTS',
} as const;

export type ApiErrorCode = (typeof ApiErrorCodes)[keyof typeof ApiErrorCodes];

/** An error the API answers as is: its HTTP status, code and message go to the client, never its stack. */
export class ApiError extends SiemError<ApiErrorCode> {
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    readonly statusCode: number,
    options: { retryable: boolean; cause?: unknown; details?: Record<string, unknown> } = { retryable: false },
  ) {
    super(code, message, options);
    this.details = options.details;
  }
}

/** The one body every error answer has. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
