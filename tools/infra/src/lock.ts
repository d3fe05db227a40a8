import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError, InfraErrorCodes } from './errors';
import { isErrno, isProcessAlive } from './process';

/**
 * Serialises fetch, start and stop across processes: parallel test workers each call
 * ensureInfra(), and only one of them may download or spawn. A lock whose holder died is taken over.
 */
export async function withLock<T>(lockFile: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && !isProcessAlive(holder)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(
        InfraErrorCodes.lockTimeout,
        `Another process (pid ${holder || 'unknown'}) has held ${lockFile} for over ${Math.round(timeoutMs / 1000)} s while starting or stopping the infra. Wait for it, or delete the file if that process is gone.`,
        { retryable: true },
      );
    }
    await sleep(250);
  }
  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}
