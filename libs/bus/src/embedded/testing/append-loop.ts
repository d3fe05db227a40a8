/**
 * Test helper run as its own process (`node --import tsx append-loop.ts '<json>'`):
 * appends numbered batches to one topic and prints `ack <batch> <partition>
 * <firstOffset> <lastOffset>` after each send() resolved, so a test that
 * kills it knows exactly what was acknowledged. Each value reads
 * `<runId>:<batch>:<index>:` padded to valueBytes.
 */
import { EmbeddedBusProducer } from '../producer';
import { loopValue } from './helpers';

export interface AppendLoopOptions {
  readonly dataDir: string;
  readonly topic: string;
  readonly runId: string;
  readonly batches: number;
  readonly batchSize: number;
  readonly valueBytes: number;
  readonly key?: string;
  readonly segmentBytes?: number;
}

async function main(options: AppendLoopOptions): Promise<void> {
  const producer = new EmbeddedBusProducer({ dataDir: options.dataDir, segmentBytes: options.segmentBytes });
  await producer.connect();
  process.stdout.write('ready\n');
  for (let batch = 0; batch < options.batches; batch++) {
    const records = Array.from({ length: options.batchSize }, (_, index) => ({
      key: options.key,
      value: loopValue(options.runId, batch, index, options.valueBytes),
      headers: { run: options.runId },
    }));
    try {
      for (const append of await producer.sendWithOffsets(options.topic, records)) {
        process.stdout.write(`ack ${batch} ${append.partition} ${append.firstOffset} ${append.lastOffset}\n`);
      }
    } catch (error) {
      const { code, retryable, message } = error as { code?: string; retryable?: boolean; message?: string };
      process.stdout.write(`error ${code} ${retryable} ${message}\n`);
      process.exitCode = 1;
      break;
    }
  }
  await producer.disconnect();
  process.stdout.write('done\n');
}

await main(JSON.parse(process.argv[2] ?? '{}') as AppendLoopOptions);
