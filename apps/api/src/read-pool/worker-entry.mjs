// The entry of every read worker. Plain JavaScript because a worker's entry is loaded before
// any loader hook of the parent applies (Node 20): it registers tsx itself, then imports the
// TypeScript handler module named in workerData and serves the jobs the pool posts.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { createHandler } = await import(workerData.handlerModule);
const handle = await createHandler(workerData.handlerData);

parentPort.on('message', async ({ id, job }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: await handle(job) });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      id,
      ok: false,
      error: { name: failure.name, code: failure.code, message: failure.message, retryable: failure.retryable === true, details: failure.details, position: failure.position, statusCode: failure.statusCode },
    });
  }
});
parentPort.postMessage({ ready: true });
