import { startApp, type AppProcess } from '../app-process';

/** Starts collector, processor and API with `env` and resolves once each says it is ready. */
export async function startPipelineApps(env: Record<string, string>): Promise<AppProcess[]> {
  const collector = startApp('collector', env);
  const processor = startApp('processor', env);
  const api = startApp('api', env);
  await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
  await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.');
  await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');
  return [collector, processor, api];
}
