/** Bounded reads outside a running consumer group, on either bus (see Bus.positions and Bus.readRange). */

/** Where a consumer group stands in one partition of a topic. Offsets are decimal strings. */
export interface PartitionPosition {
  readonly partition: number;
  /** The oldest record still kept (retention deletes older ones); equals `end` when none is. */
  readonly oldest: string;
  /** Where the group reads next: its committed offset, or `oldest` when it has none (or retention passed it). */
  readonly next: string;
  /** The offset the next record written gets: everything before it can be read now. */
  readonly end: string;
}

/** The records of one partition with offsets from `from` up to, not including, `until`. */
export interface OffsetRange {
  readonly partition: number;
  readonly from: string;
  readonly until: string;
}

/** A record read from a range: where it is, and what it holds. */
export interface RangeMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key?: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ReadRangeOptions {
  /** Most messages handed to `handleChunk` at once. */
  readonly chunkSize: number;
  /** Handles one chunk of one partition, in offset order; a rejection ends the read with that error. */
  readonly handleChunk: (messages: readonly RangeMessage[]) => Promise<void>;
  /** Commits each handled chunk's next offset for this group, which must have no running consumer, so `positions` shows the progress. */
  readonly commitGroup?: string;
}
