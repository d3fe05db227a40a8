import { SiemError } from '@siem/schema';

export const AuthErrorCodes = {
  required: 'SIEM_AUTH_REQUIRED',
  invalid: 'SIEM_AUTH_INVALID',
  forbidden: 'SIEM_AUTH_FORBIDDEN',
  badKeyRequest: 'SIEM_AUTH_BAD_KEY_REQUEST',
  keyNotFound: 'SIEM_AUTH_KEY_NOT_FOUND',
  storeFailed: 'SIEM_AUTH_STORE_FAILED',
  badConfig: 'SIEM_AUTH_BAD_CONFIG',
} as const;

export type AuthErrorCode = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];

const STATUS: Record<AuthErrorCode, number> = {
  SIEM_AUTH_REQUIRED: 401,
  SIEM_AUTH_INVALID: 401,
  SIEM_AUTH_FORBIDDEN: 403,
  SIEM_AUTH_BAD_KEY_REQUEST: 400,
  SIEM_AUTH_KEY_NOT_FOUND: 404,
  SIEM_AUTH_STORE_FAILED: 503,
  SIEM_AUTH_BAD_CONFIG: 500,
};

/** A refusal of the auth layer; the API answers it with `statusCode` and `{error: {code, message, details}}`. */
export class AuthError extends SiemError<AuthErrorCode> {
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AuthErrorCode, message: string, options: { retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, { retryable: options.retryable ?? code === AuthErrorCodes.storeFailed, cause: options.cause });
    this.statusCode = STATUS[code];
    this.details = options.details;
  }
}
