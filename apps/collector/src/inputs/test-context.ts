import type { RawRecord } from '@siem/schema';
import { createLogger } from '@siem/telemetry';
import type { InputContext } from './input';

/** An InputContext that keeps what inputs hand over, for unit tests. */
export function recordingContext(overrides: Partial<InputContext> = {}): InputContext & { records: RawRecord[]; rejections: string[] } {
  const records: RawRecord[] = [];
  const rejections: string[] = [];
  return {
    logger: createLogger('collector-test', 'silent'),
    maxMessageBytes: 1024,
    accept: async (accepted) => {
      records.push(...accepted);
    },
    rejected: (input, reason) => rejections.push(`${input}:${reason}`),
    isBackedUp: () => false,
    onDrain: () => undefined,
    records,
    rejections,
    ...overrides,
  };
}
