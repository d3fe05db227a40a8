/** Cuts a message to the collector's size limit; the caller flags the record so the cut is visible downstream. */
export function limitMessage(payload: Buffer, maxMessageBytes: number): { payload: Buffer; truncated: boolean } {
  return payload.length > maxMessageBytes ? { payload: payload.subarray(0, maxMessageBytes), truncated: true } : { payload, truncated: false };
}
