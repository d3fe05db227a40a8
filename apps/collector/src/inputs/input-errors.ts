import { SiemError } from '@siem/schema';

export const InputErrorCodes = {
  filePatternInvalid: 'SIEM_COLLECTOR_FILE_PATTERN_INVALID',
  multilineInvalid: 'SIEM_COLLECTOR_MULTILINE_INVALID',
  checkpointUnreadable: 'SIEM_COLLECTOR_CHECKPOINT_UNREADABLE',
  mqttCaUnreadable: 'SIEM_COLLECTOR_MQTT_CA_UNREADABLE',
  noInputs: 'SIEM_COLLECTOR_NO_INPUTS',
  tenantsInvalid: 'SIEM_COLLECTOR_TENANTS_INVALID',
} as const;

export type InputErrorCode = (typeof InputErrorCodes)[keyof typeof InputErrorCodes];

/** A file or MQTT input that cannot start as configured; raised at start, where the collector exits. */
export class InputSetupError extends SiemError<InputErrorCode> {
  constructor(code: InputErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, { cause: options.cause, retryable: options.retryable ?? false });
  }
}
