import { SiemError } from '@siem/schema';

export const ConfigErrorCodes = {
  invalid: 'SIEM_CONFIG_INVALID',
  unknownVariable: 'SIEM_CONFIG_UNKNOWN_VARIABLE',
} as const;

export type ConfigErrorCode = (typeof ConfigErrorCodes)[keyof typeof ConfigErrorCodes];

/** A configuration problem found at start; the message names the variable and what to do. */
export class ConfigError extends SiemError<ConfigErrorCode> {
  readonly variable: string;

  constructor(code: ConfigErrorCode, variable: string, message: string) {
    super(code, message, { retryable: false });
    this.variable = variable;
  }
}
