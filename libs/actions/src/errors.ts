import { SiemError } from '@siem/schema';

export const ActionErrorCodes = {
  invalid: 'SIEM_ACTION_INVALID',
  deliveryFailed: 'SIEM_ACTION_DELIVERY_FAILED',
  deadLetterNotFound: 'SIEM_ACTION_DEAD_LETTER_NOT_FOUND',
  noProducer: 'SIEM_ACTION_NO_PRODUCER',
  noSecret: 'SIEM_ACTION_NO_SECRET',
} as const;
export type ActionErrorCode = (typeof ActionErrorCodes)[keyof typeof ActionErrorCodes];

/** `retryable`: the delivery may succeed later (a timeout, a 5xx, a refused connection); else it goes to the dead letters at once. */
export class ActionError extends SiemError<ActionErrorCode> {}
