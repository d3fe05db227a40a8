export const ConfigErrorCodes = {
  invalid: 'SIEM_CONFIG_INVALID',
  unknownVariable: 'SIEM_CONFIG_UNKNOWN_VARIABLE',
} as const;

export type ConfigErrorCode = (typeof ConfigErrorCodes)[keyof typeof ConfigErrorCodes];

/** A configuration problem found at start; the message names the variable and what to do. */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly variable: string;
  readonly retryable = false;

  constructor(code: ConfigErrorCode, variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
    this.variable = variable;
  }
}
