import type { FastifyRequest } from 'fastify';
import { decodeBody } from './body-decoding';
import { HttpInputErrorCodes, type HttpInputError } from './http-errors';

/** The request body with its Content-Encoding undone, or the error to answer. */
export async function readRequestBody(request: FastifyRequest, maxBodyBytes: number): Promise<{ ok: true; body: Buffer } | { ok: false; error: HttpInputError }> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = request.headers['content-encoding'];
  const decoded = await decodeBody(typeof encoding === 'string' ? encoding : undefined, raw, maxBodyBytes);
  if (!decoded.ok) {
    const failure = decoded.failure;
    if (failure.kind === 'too_large') {
      return { ok: false, error: { status: 413, code: HttpInputErrorCodes.bodyTooLarge, message: `The body decompresses to more than ${failure.limit} bytes (SIEM_HTTP_MAX_BODY_BYTES); send smaller requests.`, type: 'content_too_long_exception' } };
    }
    if (failure.kind === 'unsupported') {
      return { ok: false, error: { status: 415, code: HttpInputErrorCodes.unsupportedEncoding, message: `Content-Encoding "${failure.encoding}" is not supported; send identity, gzip, deflate or zstd.`, type: 'illegal_argument_exception' } };
    }
    return { ok: false, error: { status: 400, code: HttpInputErrorCodes.corruptBody, message: `The ${failure.encoding} body cannot be decompressed (${failure.reason}); check the sender's compression.`, type: 'illegal_argument_exception' } };
  }
  if (decoded.body.length === 0) {
    return { ok: false, error: { status: 400, code: HttpInputErrorCodes.emptyBody, message: 'The request body is empty; send one JSON object per line (NDJSON), a JSON array, or _bulk action and source lines.', type: 'parse_exception' } };
  }
  return { ok: true, body: decoded.body };
}
