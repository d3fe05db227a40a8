/**
 * Error answers of the HTTP input. One body serves both kinds of client:
 * `code`/`message` for ours, and Elasticsearch's `type`/`reason`/`root_cause`
 * plus a top-level `status`, which Beats, Logstash, Fluent Bit and Vector log
 * when a request fails.
 */
import type { FastifyReply } from 'fastify';

export const HttpInputErrorCodes = {
  backpressure: 'SIEM_COLLECTOR_BACKPRESSURE',
  busUnavailable: 'SIEM_COLLECTOR_BUS_UNAVAILABLE',
  emptyBody: 'SIEM_COLLECTOR_EMPTY_BODY',
  bodyTooLarge: 'SIEM_COLLECTOR_BODY_TOO_LARGE',
  unsupportedEncoding: 'SIEM_COLLECTOR_UNSUPPORTED_ENCODING',
  corruptBody: 'SIEM_COLLECTOR_CORRUPT_BODY',
  invalidJsonBody: 'SIEM_COLLECTOR_INVALID_JSON_BODY',
  badBulkRequest: 'SIEM_COLLECTOR_BAD_BULK_REQUEST',
  unauthorized: 'SIEM_COLLECTOR_UNAUTHORIZED',
  authFailuresLimit: 'SIEM_COLLECTOR_AUTH_FAILURES_LIMIT',
  notFound: 'SIEM_COLLECTOR_NOT_FOUND',
  badRequest: 'SIEM_COLLECTOR_BAD_REQUEST',
  internal: 'SIEM_COLLECTOR_INTERNAL',
} as const;

export type HttpInputErrorCode = (typeof HttpInputErrorCodes)[keyof typeof HttpInputErrorCodes];

export interface HttpInputError {
  readonly status: number;
  readonly code: HttpInputErrorCode;
  readonly message: string;
  /** The Elasticsearch exception type a client of `_bulk` expects for this failure. */
  readonly type: string;
  readonly retryAfterSeconds?: number;
}

export function sendHttpError(reply: FastifyReply, error: HttpInputError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).send({
    error: { code: error.code, message: error.message, type: error.type, reason: error.message, root_cause: [{ type: error.type, reason: error.message }] },
    status: error.status,
  });
}

export const backedUp = (status: 429 | 503): HttpInputError => ({
  status,
  code: HttpInputErrorCodes.backpressure,
  message: 'The collector is waiting for the bus; nothing was accepted, retry in a few seconds.',
  type: 'es_rejected_execution_exception',
  retryAfterSeconds: 5,
});

export const busUnavailable: HttpInputError = {
  status: 503,
  code: HttpInputErrorCodes.busUnavailable,
  message: 'The events could not be made durable in the bus; retry the whole request.',
  type: 'unavailable_shards_exception',
  retryAfterSeconds: 5,
};
