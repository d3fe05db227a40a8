import path from 'node:path';
import { ApiKeys, JwtVerifier, createKeyStore, ensureAdminKey } from '@siem/auth';
import { createBus } from '@siem/bus';
import { createActionDispatcher } from '@siem/actions';
import { loadConfig } from '@siem/config';
import { createActionDeadLetterStore, createAuditStore, createDetectionStore, createSavedSearchStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildApi } from './build-api';
import { createFleet, createSenderStore } from './fleet';
import { poolReader } from './event-reader';
import type { ReadHandlerData } from './read-pool/read-handler';
import { ReadPool } from './read-pool/read-pool';
import { readApiTls, type ApiTls } from './security/tls';

const config = loadConfig();
const logger = createLogger('api', config.log.level);
const pool = new ReadPool({
  handlerModule: new URL('./read-pool/read-handler.ts', import.meta.url),
  handlerData: { config } satisfies ReadHandlerData,
  workers: config.api.readWorkers,
  budgetMs: config.api.budgetMs,
  memoryMb: config.api.readWorkerMemoryMb,
  logger,
});
const detection = createDetectionStore(config);
const metrics = new MetricsRegistry();
const deadLetters = createActionDeadLetterStore(config);
// Resends webhook, Slack and syslog dead letters; Kafka ones need a bus producer, which the processor has.
const actionDispatcher = createActionDispatcher({ deadLetters, logger, metrics });
const savedSearches = createSavedSearchStore(config);
const keyStore = createKeyStore(config);
const keys = new ApiKeys(keyStore, { onBackgroundError: (error) => logger.warn({ err: error }, 'The last use of an API key could not be recorded.') });
const { api } = config;
const audit = createAuditStore(config);
let tls: ApiTls | undefined;
let jwt: JwtVerifier | undefined;
try {
  tls = readApiTls(api);
  jwt =
    api.jwks === undefined
      ? undefined
      : new JwtVerifier({ jwks: api.jwks, roleClaim: api.jwtRoleClaim, tenantClaim: api.jwtTenantClaim, ...(api.jwtIssuer ? { issuer: api.jwtIssuer } : {}), ...(api.jwtAudience ? { audience: api.jwtAudience } : {}) });
} catch (error) {
  logger.fatal({ err: error }, 'The API could not start.');
  process.exit(1);
}
const security = { ...api, audit, ...(tls ? { tls } : {}) };
const fleet = createFleet(config, { bus: createBus(config, logger, 'api'), detection, logger });
const senders = createSenderStore(config);
const agents = { registry: fleet.registry, policy: { missingAfterIntervals: api.agentMissingIntervals }, keys, senders };
const app = buildApi({ reader: poolReader(pool), logger, metrics, detection, savedSearches, actions: { deadLetters, dispatcher: actionDispatcher }, keys, agents, ...(jwt ? { jwt } : {}), metricsPublic: api.metricsPublic, security });

try {
  await detection.ensureReady();
  await deadLetters.ensureReady();
  await savedSearches.ensureReady();
  await keyStore.ensureReady();
  await audit.ensureReady();
  await fleet.start();
  await senders.ensureReady();
  // An identity provider that cannot be reached now may be later: API keys work meanwhile, and jose fetches again on the next token.
  await jwt?.fetchKeys().catch((error: unknown) => logger.warn({ err: error }, 'Bearer tokens are refused until the JWKS can be fetched.'));
  const adminKey = await ensureAdminKey(keys, { dataDir: path.resolve(config.deployment.dataDir), ...(api.adminKey === undefined ? {} : { adminKey: api.adminKey }) });
  if (adminKey.created) logger.info({ file: adminKey.file }, 'The first admin key was created; it is in the file named here, readable only by this user.');
  // Searches start once the read workers have loaded the query parser and opened the store.
  await pool.ready();
  await app.listen({ host: config.api.host, port: config.api.port });
  logger.info({ url: `${tls ? 'https' : 'http'}://${config.api.host}:${config.api.port}/api/v1/search`, store: config.deployment.store }, 'The API is listening.');
} catch (error) {
  logger.fatal({ err: error }, 'The API could not start.');
  process.exit(1);
}

const shutdown = async () => {
  await app.close();
  await audit.close();
  await fleet.stop();
  await senders.close();
  await pool.close();
  await detection.close();
  await deadLetters.close();
  await savedSearches.close();
  await keyStore.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
