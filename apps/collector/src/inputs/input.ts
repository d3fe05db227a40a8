import type { RawRecord } from '@siem/schema';
import type { Logger } from '@siem/telemetry';

/** What every input gets from the collector: where records go and how to report. */
export interface InputContext {
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  /** Queues records for the bus, in order; resolves once all of them are durable there. */
  accept(records: readonly RawRecord[]): Promise<void>;
  rejected(input: string, reason: string): void;
  /** True while the bus cannot keep up; stream inputs stop reading until `onDrain`. */
  isBackedUp(): boolean;
  onDrain(listener: () => void): void;
}

export interface RunningInput {
  readonly name: string;
  readonly address: string;
  close(): Promise<void>;
}
