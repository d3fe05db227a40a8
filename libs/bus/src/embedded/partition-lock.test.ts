import { spawn } from 'node:child_process';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockPath } from './layout';
import { PartitionLock } from './partition-lock';
import { EmbeddedBusProducer } from './producer';
import { ensureEmbeddedTopics } from './topics';
import { consumeAll, recordingLogger, tempDataDir } from './testing/helpers';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('PartitionLock', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  let lock: string;
  beforeEach(async () => {
    ({ dir: dataDir, remove } = await tempDataDir());
    await ensureEmbeddedTopics(dataDir, [{ topic: 't', partitions: 1, replicationFactor: 1 }]);
    lock = lockPath(path.join(dataDir, 'bus', 't', '0'));
  });
  afterEach(() => remove());

  it('breaks a lock left by a process that died, or by an earlier process with our pid, and logs it', async () => {
    for (const pid of [await deadPid(), process.pid]) {
      await writeFile(lock, `${pid}\n`);
      const logger = recordingLogger();
      const producer = new EmbeddedBusProducer({ dataDir, logger });
      await producer.connect();
      await producer.send('t', [{ value: Buffer.from('x') }]);
      await producer.disconnect();
      expect(logger.entries).toMatchObject([{ level: 'warn', fields: { deadPid: pid } }]);
      await expect(access(lock)).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('waits for a live holder and reports a retryable failure naming it when the wait times out', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(lock, `${holder.pid}\n`);
      const producer = new EmbeddedBusProducer({ dataDir, lockTimeoutMs: 200 });
      await producer.connect();
      const error = await producer.send('t', [{ value: Buffer.from('x') }]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SIEM_BUS_PRODUCE_FAILED', retryable: true });
      expect((error as Error).message).toContain(`process ${holder.pid}`);
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
      await producer.send('t', [{ value: Buffer.from('y') }]);
      await producer.disconnect();
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('serialises two writers of the same process', async () => {
    const producers = [new EmbeddedBusProducer({ dataDir }), new EmbeddedBusProducer({ dataDir })];
    await Promise.all(producers.map((producer) => producer.connect()));
    await Promise.all(
      producers.flatMap((producer, p) =>
        Array.from({ length: 10 }, (_, batch) => producer.send('t', Array.from({ length: 20 }, (_, i) => ({ value: Buffer.from(`${p}-${batch}-${i}`) })))),
      ),
    );
    await Promise.all(producers.map((producer) => producer.disconnect()));
    const all = await consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1 }, 't', 400);
    expect(all).toHaveLength(400);
    expect(new Set(all.map((m) => m.value.toString())).size).toBe(400);
  });

  it('treats a lock file still empty after its creator vanished as stale only once it is old', async () => {
    const dir = path.join(dataDir, 'plain');
    await mkdir(dir);
    await writeFile(path.join(dir, 'append.lock'), '');
    await expect(new PartitionLock(path.join(dir, 'append.lock'), recordingLogger()).acquire(100)).rejects.toMatchObject({ retryable: true });
  });
});
