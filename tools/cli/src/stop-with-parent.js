/**
 * Loaded into every app that `siem start` runs (`node --import`): when the
 * supervisor is gone, however it died (SIGKILL included), the IPC channel to
 * it closes and the app stops as on SIGTERM, draining and committing first,
 * instead of running on without anyone to stop it. Cluster workers and worker
 * threads skip it: their parent is the app, which already ends them with it.
 * Plain JavaScript because worker threads inherit `--import` flags and load
 * them before tsx can compile TypeScript for them.
 */
import cluster from 'node:cluster';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && cluster.isPrimary && process.channel !== undefined) {
  // The channel must not keep an app alive that would otherwise exit.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
