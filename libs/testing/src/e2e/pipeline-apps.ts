import { startApp, type AppProcess } from '../app-process';

/**
 * Starts collector, processor and API with `env` and resolves once each says it is ready.
 * If one fails to start, the others are stopped before the error is thrown: the caller never
 * got them, and left running they would recreate the run's topics after its cleanup.
 */
export async function startPipelineApps(env: Record<string, string>): Promise<AppProcess[]> {
  const collector = startApp('collector', env);
  const processor = startApp('processor', env);
  const api = startApp('api', env);
  try {
    await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
    await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.');
    await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');
  } catch (error) {
    await Promise.all([collector, processor, api].map((app) => app.stop()));
    throw error;
  }
  return [collector, processor, api];
}
