/**
 * Enrichment errors are thrown at start only, where a missing or corrupt file
 * must stop the processor with the path and the fix. After start a bad reload
 * is logged and the previous data stays in use; a bad event is never an error.
 */
import { SiemError } from '@siem/schema';

export const EnrichErrorCodes = {
  invalidConfig: 'SIEM_ENRICH_INVALID_CONFIG',
  fileNotFound: 'SIEM_ENRICH_FILE_NOT_FOUND',
  fileUnreadable: 'SIEM_ENRICH_FILE_UNREADABLE',
  databaseCorrupt: 'SIEM_ENRICH_DATABASE_CORRUPT',
  feedInvalid: 'SIEM_ENRICH_FEED_INVALID',
  tableInvalid: 'SIEM_ENRICH_TABLE_INVALID',
} as const;

export type EnrichErrorCode = (typeof EnrichErrorCodes)[keyof typeof EnrichErrorCodes];

export class EnrichError extends SiemError<EnrichErrorCode> {
  /** The file at fault, when there is one. */
  readonly path: string | undefined;

  constructor(code: EnrichErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, retryable: false });
    this.path = options.path;
  }
}
