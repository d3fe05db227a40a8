export const StoreErrorCodes = {
  unavailable: 'SIEM_STORE_UNAVAILABLE',
  setupFailed: 'SIEM_STORE_SETUP_FAILED',
  searchFailed: 'SIEM_STORE_SEARCH_FAILED',
} as const;

export type StoreErrorCode = (typeof StoreErrorCodes)[keyof typeof StoreErrorCodes];

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly retryable: boolean;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; retryable: boolean }) {
    super(message, { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.retryable = options.retryable;
  }
}
