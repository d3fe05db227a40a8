export interface BodyLine {
  /** 1-based, counting blank lines too, as an editor would show it. */
  readonly number: number;
  readonly bytes: Buffer;
}

/** Splits an NDJSON body into its non-blank lines, without decoding it (bytes stay untouched). */
export function splitLines(body: Buffer): BodyLine[] {
  const lines: BodyLine[] = [];
  let start = 0;
  let number = 0;
  while (start < body.length) {
    number++;
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    let lineEnd = end;
    if (lineEnd > start && body[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd > start && body.subarray(start, lineEnd).some((byte) => byte !== 0x20 && byte !== 0x09)) lines.push({ number, bytes: body.subarray(start, lineEnd) });
    start = end + 1;
  }
  return lines;
}

/** Why `text` is not a JSON object, or undefined when it is one. */
export function notAJsonObject(text: string): { code: 'SIEM_PARSE_INVALID_JSON' | 'SIEM_PARSE_NOT_AN_OBJECT'; message: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { code: 'SIEM_PARSE_INVALID_JSON', message: `Not valid JSON: ${(error as Error).message}.` };
  }
  return isJsonObject(value) ? undefined : { code: 'SIEM_PARSE_NOT_AN_OBJECT', message: `A JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object.` };
}

export const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
