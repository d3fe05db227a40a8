/**
 * Reads the certificate files of a TLS listener once, at start, so that a
 * wrong path or a key that does not match its certificate stops the collector
 * with the file named, instead of failing each handshake later.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { SiemError } from '@siem/schema';

export const TlsSetupErrorCodes = {
  fileUnreadable: 'SIEM_COLLECTOR_TLS_FILE_UNREADABLE',
  incomplete: 'SIEM_COLLECTOR_TLS_INCOMPLETE',
  invalid: 'SIEM_COLLECTOR_TLS_INVALID',
} as const;

export type TlsSetupErrorCode = (typeof TlsSetupErrorCodes)[keyof typeof TlsSetupErrorCodes];

export class TlsSetupError extends SiemError<TlsSetupErrorCode> {
  constructor(code: TlsSetupErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause, retryable: false });
  }
}

/** A configured path with the variable that set it, for error messages. */
export interface TlsSetting {
  readonly variable: string;
  readonly path: string | undefined;
}

export interface TlsFiles {
  readonly cert: TlsSetting;
  readonly key: TlsSetting;
  readonly ca?: TlsSetting;
  /** Require a client certificate signed by `ca`. */
  readonly clientAuth?: { readonly variable: string; readonly enabled: boolean };
}

function read(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TlsSetupError(TlsSetupErrorCodes.fileUnreadable, `${variable}=${path} cannot be read (${(error as Error).message}); point it at a readable PEM file.`, error);
  }
}

/** Undefined when neither certificate nor key is configured (the listener is off or plain). */
export function loadTlsOptions(files: TlsFiles): tls.TlsOptions | undefined {
  const { cert, key, ca, clientAuth } = files;
  if (cert.path === undefined && key.path === undefined) return undefined;
  if (cert.path === undefined || key.path === undefined) {
    const [set, unset] = cert.path === undefined ? [key, cert] : [cert, key];
    throw new TlsSetupError(TlsSetupErrorCodes.incomplete, `${set.variable} is set but ${unset.variable} is not; TLS needs both a certificate and its private key.`);
  }
  if (clientAuth?.enabled && ca?.path === undefined) {
    throw new TlsSetupError(TlsSetupErrorCodes.incomplete, `${clientAuth.variable}=true needs the CA that signs client certificates; set ${ca?.variable ?? 'the CA variable'}.`);
  }
  const options: tls.TlsOptions = { cert: read(cert.variable, cert.path), key: read(key.variable, key.path) };
  if (ca?.path !== undefined) options.ca = read(ca.variable, ca.path);
  if (clientAuth?.enabled) Object.assign(options, { requestCert: true, rejectUnauthorized: true });
  try {
    tls.createSecureContext(options);
  } catch (error) {
    throw new TlsSetupError(
      TlsSetupErrorCodes.invalid,
      `${cert.variable}=${cert.path} and ${key.variable}=${key.path} are not a PEM certificate and its matching private key (${(error as Error).message}); fix the files.`,
      error,
    );
  }
  return options;
}
