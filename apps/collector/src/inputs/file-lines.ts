/**
 * Splits the bytes of a file into lines, remembering the file offset after
 * each line so a checkpoint can point exactly past it. A line longer than the
 * limit keeps its first `maxBytes` and the rest is skipped as it streams by,
 * so a 10 MiB line never sits in memory whole.
 */
export interface FileLine {
  readonly payload: Buffer;
  /** Offset just past the line's newline. */
  readonly end: number;
  readonly truncated: boolean;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private truncated = false;
  private position: number;

  constructor(
    private readonly maxBytes: number,
    start: number,
  ) {
    this.position = start;
  }

  /** Offset of the next byte expected. */
  get offset(): number {
    return this.position;
  }

  get hasPartial(): boolean {
    return this.kept > 0 || this.truncated;
  }

  push(chunk: Buffer): FileLine[] {
    const lines: FileLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const stop = newline === -1 ? chunk.length : newline;
      this.keep(chunk.subarray(start, stop));
      if (newline === -1) {
        this.position += chunk.length - start;
        break;
      }
      this.position += newline + 1 - start;
      lines.push(this.take());
      start = newline + 1;
    }
    return lines;
  }

  /** The unterminated last line, once the file is known to be finished (rotated away or deleted). */
  rest(): FileLine | undefined {
    return this.hasPartial ? this.take() : undefined;
  }

  private keep(bytes: Buffer): void {
    const room = this.maxBytes - this.kept;
    if (bytes.length > room) this.truncated = true;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (kept.length > 0) {
      // Copied because the read buffer is reused for the next read.
      this.parts.push(Buffer.from(kept));
      this.kept += kept.length;
    }
  }

  private take(): FileLine {
    let payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.kept);
    if (payload.length > 0 && payload[payload.length - 1] === 0x0d && !this.truncated) payload = payload.subarray(0, payload.length - 1);
    const line = { payload, end: this.position, truncated: this.truncated };
    this.parts = [];
    this.kept = 0;
    this.truncated = false;
    return line;
  }
}
