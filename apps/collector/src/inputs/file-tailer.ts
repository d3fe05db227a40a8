/**
 * Reads one file (one device and inode) from an offset, turns its lines into
 * records and reports how far the bus has made them durable. The checkpoint
 * offset only moves over a contiguous run of durable events: if the bus gives
 * up on one, reading rewinds to it, so a later success cannot skip a loss.
 */
import type { FileHandle } from 'node:fs/promises';
import { LineSplitter, type FileLine } from './file-lines';
import type { InputContext } from './input';
import { MultilineJoiner } from './multiline';

export const FILE_INPUT = 'file';

const READ_BYTES = 256 * 1024;
/** Bytes read from one file per poll, so one busy file cannot starve the others. */
const READ_BYTES_PER_POLL = 16 * 1024 * 1024;

export interface TailerOptions {
  readonly multilineStart: RegExp | undefined;
  readonly multilineTimeoutMs: number;
  /** Called whenever `durableOffset` moved. */
  readonly onDurable: (tailer: FileTailer) => void;
}

interface InFlight {
  readonly end: number;
  state: 'pending' | 'durable' | 'failed';
}

export class FileTailer {
  path: string;
  /** The file is no longer at any matched path (rotated away or deleted); it is read to its end and closed. */
  gone = false;
  private readOffset: number;
  private durable: number;
  private splitter: LineSplitter;
  private joiner: MultilineJoiner;
  private lastLineAt = 0;
  private inFlight: InFlight[] = [];
  private generation = 0;
  private rewind = false;
  private accepted: Promise<unknown> = Promise.resolve();
  private idlePolls = 0;
  private readonly buffer = Buffer.allocUnsafe(READ_BYTES);

  constructor(
    readonly device: string,
    readonly inode: string,
    filePath: string,
    private readonly handle: FileHandle,
    offset: number,
    private readonly context: InputContext,
    private readonly options: TailerOptions,
  ) {
    this.path = filePath;
    this.readOffset = offset;
    this.durable = offset;
    this.splitter = new LineSplitter(context.maxMessageBytes, offset);
    this.joiner = new MultilineJoiner(options.multilineStart, context.maxMessageBytes);
  }

  get durableOffset(): number {
    return this.durable;
  }

  /** True once a gone file has been read to its end and every event of it is durable. */
  get finished(): boolean {
    return this.gone && this.idlePolls >= 2 && this.inFlight.length === 0 && !this.joiner.hasPending && !this.splitter.hasPartial;
  }

  /** Reads what was appended since the last poll; returns the number of bytes read. */
  async poll(now: number): Promise<number> {
    if (this.rewind) this.restartAt(this.durable);
    const size = (await this.handle.stat()).size;
    if (size < this.splitter.offset) {
      this.context.logger.info({ path: this.path, size, offset: this.splitter.offset }, 'A tailed file was truncated; reading it again from the start.');
      this.restartAt(0);
      this.durable = 0;
      this.options.onDurable(this);
    }
    let read = 0;
    while (this.readOffset < size && read < READ_BYTES_PER_POLL && !this.context.isBackedUp()) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, Math.min(READ_BYTES, size - this.readOffset), this.readOffset);
      if (bytesRead === 0) break;
      this.readOffset += bytesRead;
      read += bytesRead;
      for (const line of this.splitter.push(this.buffer.subarray(0, bytesRead))) {
        this.lastLineAt = now;
        for (const event of this.joiner.push(line)) this.send(event);
      }
    }
    this.idlePolls = read === 0 ? this.idlePolls + 1 : 0;
    if (this.joiner.hasPending && now - this.lastLineAt >= this.options.multilineTimeoutMs) for (const event of this.joiner.flush()) this.send(event);
    if (this.gone && this.idlePolls >= 2) {
      // Nothing more will be appended to a file that is gone, so its unterminated last line is complete.
      const rest = this.splitter.rest();
      if (rest) for (const event of this.joiner.push(rest)) this.send(event);
      for (const event of this.joiner.flush()) this.send(event);
    }
    return read;
  }

  /** Resolves once every event handed to the bus so far is durable or given up. */
  async settled(): Promise<void> {
    await this.accepted;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private restartAt(offset: number): void {
    this.rewind = false;
    this.generation++;
    this.inFlight = [];
    this.readOffset = offset;
    this.splitter = new LineSplitter(this.context.maxMessageBytes, offset);
    this.joiner = new MultilineJoiner(this.options.multilineStart, this.context.maxMessageBytes);
  }

  private send(event: FileLine): void {
    const entry: InFlight = { end: event.end, state: 'pending' };
    this.inFlight.push(entry);
    if (isBlank(event.payload)) {
      this.context.rejected(FILE_INPUT, 'empty');
      entry.state = 'durable';
      this.advance();
      return;
    }
    if (event.truncated) this.context.rejected(FILE_INPUT, 'truncated');
    const generation = this.generation;
    const durable = this.context.accept([{ payload: event.payload, receivedAt: new Date().toISOString(), input: FILE_INPUT, filePath: this.path }]);
    this.accepted = Promise.allSettled([this.accepted, durable]);
    durable.then(
      () => {
        if (generation !== this.generation) return;
        entry.state = 'durable';
        this.advance();
      },
      () => {
        if (generation !== this.generation) return;
        entry.state = 'failed';
        this.advance();
      },
    );
  }

  private advance(): void {
    const before = this.durable;
    while (this.inFlight.length > 0 && this.inFlight[0]!.state === 'durable') this.durable = this.inFlight.shift()!.end;
    if (this.inFlight[0]?.state === 'failed') {
      this.rewind = true;
      this.context.logger.warn({ path: this.path, offset: this.durable }, 'The bus did not take lines of a tailed file; reading them again.');
    }
    if (this.durable !== before) this.options.onDurable(this);
  }
}

function isBlank(payload: Buffer): boolean {
  for (const byte of payload) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
