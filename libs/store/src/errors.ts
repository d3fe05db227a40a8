import { SiemError } from '@siem/schema';

export const StoreErrorCodes = {
  unavailable: 'SIEM_STORE_UNAVAILABLE',
  setupFailed: 'SIEM_STORE_SETUP_FAILED',
  templateConflict: 'SIEM_STORE_TEMPLATE_CONFLICT',
  searchFailed: 'SIEM_STORE_SEARCH_FAILED',
  badRequest: 'SIEM_STORE_BAD_REQUEST',
  conflict: 'SIEM_STORE_CONFLICT',
} as const;

export type StoreErrorCode = (typeof StoreErrorCodes)[keyof typeof StoreErrorCodes];

export class StoreError extends SiemError<StoreErrorCode> {}
