import { SiemError } from '@siem/schema';

export const BusErrorCodes = {
  unreachable: 'SIEM_BUS_UNREACHABLE',
  produceFailed: 'SIEM_BUS_PRODUCE_FAILED',
  topicSetupFailed: 'SIEM_BUS_TOPIC_SETUP_FAILED',
  unknownTopic: 'SIEM_BUS_UNKNOWN_TOPIC',
  storageUnavailable: 'SIEM_BUS_STORAGE_UNAVAILABLE',
  spoolFull: 'SIEM_BUS_SPOOL_FULL',
  spoolLocked: 'SIEM_BUS_SPOOL_LOCKED',
  envelopeInvalid: 'SIEM_BUS_ENVELOPE_INVALID',
  topicIdentity: 'SIEM_BUS_TOPIC_IDENTITY',
  rangeUnreadable: 'SIEM_BUS_RANGE_UNREADABLE',
} as const;

export type BusErrorCode = (typeof BusErrorCodes)[keyof typeof BusErrorCodes];

export class BusError extends SiemError<BusErrorCode> {}
