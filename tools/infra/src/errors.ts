export const InfraErrorCodes = {
  usage: 'SIEM_INFRA_USAGE',
  configInvalid: 'SIEM_INFRA_CONFIG_INVALID',
  javaMissing: 'SIEM_INFRA_JAVA_MISSING',
  mavenMissing: 'SIEM_INFRA_MAVEN_MISSING',
  downloadFailed: 'SIEM_INFRA_DOWNLOAD_FAILED',
  launcherBuildFailed: 'SIEM_INFRA_LAUNCHER_BUILD_FAILED',
  portInUse: 'SIEM_INFRA_PORT_IN_USE',
  portChanged: 'SIEM_INFRA_PORT_CHANGED',
  startFailed: 'SIEM_INFRA_START_FAILED',
  startTimeout: 'SIEM_INFRA_START_TIMEOUT',
  stopFailed: 'SIEM_INFRA_STOP_FAILED',
  lockTimeout: 'SIEM_INFRA_LOCK_TIMEOUT',
} as const;

export type InfraErrorCode = (typeof InfraErrorCodes)[keyof typeof InfraErrorCodes];

export class InfraError extends Error {
  readonly code: InfraErrorCode;
  readonly retryable: boolean;
  /** The log that explains the failure, when there is one. */
  readonly logFile: string | undefined;

  constructor(
    code: InfraErrorCode,
    message: string,
    options: { cause?: unknown; retryable: boolean; logFile?: string },
  ) {
    super(message, { cause: options.cause });
    this.name = 'InfraError';
    this.code = code;
    this.retryable = options.retryable;
    this.logFile = options.logFile;
  }
}
