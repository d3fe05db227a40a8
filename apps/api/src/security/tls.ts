import { readFileSync } from 'node:fs';
import type { SiemConfig } from '@siem/config';
import { ApiError, ApiErrorCodes } from '../errors';

export interface ApiTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** With a CA, clients must present a certificate it signed. */
  readonly ca?: Buffer;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
}

/** The API's certificate and key (and client CA) read from their files; undefined serves plain HTTP. Fails at start, naming the setting at fault. */
export function readApiTls(api: SiemConfig['api']): ApiTls | undefined {
  if (api.tlsCert === undefined && api.tlsKey === undefined) {
    if (api.tlsCa !== undefined) throw unreadable('SIEM_API_TLS_CA is set without SIEM_API_TLS_CERT and SIEM_API_TLS_KEY; client certificates need TLS.');
    return undefined;
  }
  if (api.tlsCert === undefined || api.tlsKey === undefined) throw unreadable(`${api.tlsCert ? 'SIEM_API_TLS_KEY' : 'SIEM_API_TLS_CERT'} is missing: set both the certificate (SIEM_API_TLS_CERT) and its key (SIEM_API_TLS_KEY).`);
  const cert = read('SIEM_API_TLS_CERT', api.tlsCert);
  const key = read('SIEM_API_TLS_KEY', api.tlsKey);
  if (api.tlsCa === undefined) return { cert, key };
  return { cert, key, ca: read('SIEM_API_TLS_CA', api.tlsCa), requestCert: true, rejectUnauthorized: true };
}

function read(setting: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw unreadable(`${setting} names ${file}, which cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}); point it at a readable PEM file.`, cause);
  }
}

function unreadable(message: string, cause?: unknown): ApiError {
  return new ApiError(ApiErrorCodes.tlsUnreadable, message, 500, { retryable: false, cause });
}
