/**
 * Splits a syslog TCP stream into messages (RFC 6587). Each frame is detected
 * on its own: a frame that starts with digits and a space is octet-counted
 * (`MSG-LEN SP MSG`), anything else ends at LF (non-transparent framing).
 * A frame longer than `maxMessageBytes` is cut there; the rest is discarded.
 */
export interface Frame {
  readonly payload: Buffer;
  readonly truncated: boolean;
}

const LF = 0x0a;
const SPACE = 0x20;
const MAX_LENGTH_DIGITS = 10;

type State =
  | { kind: 'start' }
  | { kind: 'counted'; remaining: number; parts: Buffer[]; kept: number; truncated: boolean }
  | { kind: 'line'; parts: Buffer[]; kept: number; truncated: boolean };

export class SyslogTcpFramer {
  private state: State = { kind: 'start' };
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes: number) {}

  /** Feeds received bytes; returns the messages completed by them. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    let pos = 0;
    while (pos < data.length) {
      if (this.state.kind === 'start') {
        const header = this.readLengthHeader(data, pos);
        if (header === 'incomplete') {
          this.pending = data.subarray(pos);
          return frames;
        }
        if (header === null) {
          this.state = { kind: 'line', parts: [], kept: 0, truncated: false };
        } else {
          pos = header.next;
          this.state = { kind: 'counted', remaining: header.length, parts: [], kept: 0, truncated: false };
          if (header.length === 0) this.emit(frames);
        }
        continue;
      }
      if (this.state.kind === 'counted') {
        const take = Math.min(this.state.remaining, data.length - pos);
        this.keep(data.subarray(pos, pos + take));
        this.state.remaining -= take;
        pos += take;
        if (this.state.remaining === 0) this.emit(frames);
        continue;
      }
      const newline = data.indexOf(LF, pos);
      if (newline === -1) {
        this.keep(data.subarray(pos));
        pos = data.length;
      } else {
        let end = newline;
        if (end > pos && data[end - 1] === 0x0d) end--;
        this.keep(data.subarray(pos, end));
        pos = newline + 1;
        this.emit(frames);
      }
    }
    data = Buffer.alloc(0);
    return frames;
  }

  /** Returns the unterminated last line when the peer closes the connection. */
  end(): Frame[] {
    const frames: Frame[] = [];
    if (this.state.kind === 'line' && this.state.kept > 0) this.emit(frames);
    this.state = { kind: 'start' };
    this.pending = Buffer.alloc(0);
    return frames;
  }

  private readLengthHeader(data: Buffer, start: number): { length: number; next: number } | null | 'incomplete' {
    let pos = start;
    let length = 0;
    while (pos < data.length && pos - start <= MAX_LENGTH_DIGITS) {
      const byte = data[pos]!;
      if (byte >= 0x30 && byte <= 0x39) {
        length = length * 10 + (byte - 0x30);
        pos++;
        continue;
      }
      if (byte === SPACE && pos > start && data[start] !== 0x30) return { length, next: pos + 1 };
      return null;
    }
    return pos - start > MAX_LENGTH_DIGITS ? null : 'incomplete';
  }

  private keep(bytes: Buffer): void {
    const state = this.state as Exclude<State, { kind: 'start' }>;
    const room = this.maxMessageBytes - state.kept;
    if (room <= 0) {
      if (bytes.length > 0) state.truncated = true;
      return;
    }
    const slice = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (bytes.length > room) state.truncated = true;
    // Copy: the socket may reuse its buffer after this call returns.
    state.parts.push(Buffer.from(slice));
    state.kept += slice.length;
  }

  private emit(frames: Frame[]): void {
    const state = this.state as Exclude<State, { kind: 'start' }>;
    const payload = state.parts.length === 1 ? state.parts[0]! : Buffer.concat(state.parts);
    if (payload.length > 0 || state.kind === 'counted') frames.push({ payload, truncated: state.truncated });
    this.state = { kind: 'start' };
  }
}
