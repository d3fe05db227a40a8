import type { FileLine } from './file-lines';

const NEWLINE = Buffer.from('\n');

/**
 * Joins continuation lines to the line that starts their event: a line that
 * does not match the start pattern belongs to the event before it (a Java
 * stack trace under its exception line). Without a pattern every line is an
 * event. The joined event is cut at `maxBytes` like a single line, and what
 * lies past the cut is not kept, so an endless trace cannot fill the memory.
 */
export class MultilineJoiner {
  private parts: Buffer[] = [];
  private bytes = 0;
  private end = -1;
  private truncated = false;

  constructor(
    private readonly start: RegExp | undefined,
    private readonly maxBytes: number,
  ) {}

  get hasPending(): boolean {
    return this.end !== -1;
  }

  push(line: FileLine): FileLine[] {
    if (this.start === undefined) return [line];
    // The pattern is written against the text the user sees, so it runs on the decoded line.
    const starts = this.start.test(line.payload.toString('utf8'));
    const out = starts && this.hasPending ? this.flush() : [];
    this.add(line);
    return out;
  }

  flush(): FileLine[] {
    if (!this.hasPending) return [];
    const payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    const event = { payload, end: this.end, truncated: this.truncated };
    this.parts = [];
    this.bytes = 0;
    this.end = -1;
    this.truncated = false;
    return [event];
  }

  private add(line: FileLine): void {
    const pieces = this.hasPending ? [NEWLINE, line.payload] : [line.payload];
    for (const piece of pieces) {
      const room = this.maxBytes - this.bytes;
      if (piece.length > room) this.truncated = true;
      const kept = piece.length > room ? piece.subarray(0, room) : piece;
      if (kept.length > 0) {
        this.parts.push(kept);
        this.bytes += kept.length;
      }
    }
    this.truncated ||= line.truncated;
    this.end = line.end;
  }
}
