/**
 * Undoes the Content-Encoding of an HTTP ingest body. Decompressed output is
 * capped at the same limit as the body as sent, so a few kilobytes of gzip or
 * zstd cannot make the collector allocate gigabytes (a zip bomb).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Decompress } from 'fzstd';

export type BodyDecodingFailure =
  | { readonly kind: 'too_large'; readonly limit: number }
  | { readonly kind: 'unsupported'; readonly encoding: string }
  | { readonly kind: 'corrupt'; readonly encoding: string; readonly reason: string };

export type BodyDecodingResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly failure: BodyDecodingFailure };

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
/** zstd input is fed in slices so that the output cap is checked after every block, not after the whole frame. */
const ZSTD_SLICE_BYTES = 64 * 1024;

class OutputLimitReached extends Error {}

function zstdDecompress(body: Buffer, limit: number): Buffer {
  const parts: Uint8Array[] = [];
  let total = 0;
  const decompressor = new Decompress((chunk) => {
    total += chunk.length;
    if (total > limit) throw new OutputLimitReached();
    parts.push(chunk);
  });
  for (let offset = 0; offset < body.length; offset += ZSTD_SLICE_BYTES) {
    decompressor.push(body.subarray(offset, offset + ZSTD_SLICE_BYTES), offset + ZSTD_SLICE_BYTES >= body.length);
  }
  return Buffer.concat(parts, total);
}

async function decompress(encoding: string, body: Buffer, limit: number): Promise<Buffer> {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gunzip(body, { maxOutputLength: limit });
    case 'deflate':
      return inflate(body, { maxOutputLength: limit });
    default:
      return zstdDecompress(body, limit);
  }
}

/** Decodes `body` per its Content-Encoding header (identity, gzip, deflate or zstd). */
export async function decodeBody(contentEncoding: string | undefined, body: Buffer, limit: number): Promise<BodyDecodingResult> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return { ok: true, body };
  if (!['gzip', 'x-gzip', 'deflate', 'zstd'].includes(encoding)) return { ok: false, failure: { kind: 'unsupported', encoding } };
  try {
    return { ok: true, body: await decompress(encoding, body, limit) };
  } catch (error) {
    if (error instanceof OutputLimitReached || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, failure: { kind: 'too_large', limit } };
    return { ok: false, failure: { kind: 'corrupt', encoding, reason: (error as Error).message } };
  }
}
