import { SiemError } from '@siem/schema';

export const EdgeErrorCodes = {
  configInvalid: 'SIEM_EDGE_CONFIG_INVALID',
} as const;

export type EdgeErrorCode = (typeof EdgeErrorCodes)[keyof typeof EdgeErrorCodes];

/** An edge pipeline document that cannot run; the message names the place (`/syslog_udp/1/rate`) and what to change. */
export class EdgeConfigError extends SiemError<EdgeErrorCode> {
  constructor(message: string, cause?: unknown) {
    super(EdgeErrorCodes.configInvalid, message, { cause, retryable: false });
  }
}
