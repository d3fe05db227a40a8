import { loadConfig } from '@siem/config';
import { createStore } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { buildApi } from './build-api';

const config = loadConfig();
const logger = createLogger('api', config.log.level);
const store = createStore(config);
const app = buildApi({ store, logger });

try {
  await app.listen({ host: config.api.host, port: config.api.port });
  logger.info({ url: `http://${config.api.host}:${config.api.port}/api/v1/search`, store: config.deployment.store }, 'The API is listening.');
} catch (error) {
  logger.fatal({ err: error }, 'The API could not start.');
  process.exit(1);
}

const shutdown = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
