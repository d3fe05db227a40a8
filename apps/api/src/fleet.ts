import type { Bus } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import { EmbeddedAgentRegistry, EmbeddedSenderStore, OpenSearchAgentRegistry, OpenSearchSenderStore, decodeHeartbeat, missingAgentAlert, raiseMissingAgentAlerts, type AgentRegistry, type SenderStore } from '@siem/fleet';
import type { AlertDocument, DetectionStore } from '@siem/store';
import type { Logger } from '@siem/telemetry';

export interface Fleet {
  readonly registry: AgentRegistry;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The registry of the deployment's store: a table beside the embedded store, or an index beside the events. */
export function createAgentRegistry(config: SiemConfig): AgentRegistry {
  return config.deployment.store === 'opensearch' ? new OpenSearchAgentRegistry(config.opensearch.url, config.opensearch.indexPrefix) : new EmbeddedAgentRegistry({ dataDir: config.deployment.dataDir });
}

/** The sender registry of the deployment's store, beside the agents. */
export function createSenderStore(config: SiemConfig): SenderStore {
  return config.deployment.store === 'opensearch' ? new OpenSearchSenderStore(config.opensearch.url, config.opensearch.indexPrefix) : new EmbeddedSenderStore({ dataDir: config.deployment.dataDir });
}

/**
 * The API's fleet duties: read heartbeats from the agents topic into the
 * registry (consumer group `<SIEM_CONSUMER_GROUP>-fleet`), and run the
 * built-in missing-heartbeat rule, writing its alerts to the alert store.
 * Run by the API because it is the one process that always has the registry
 * and the alert store open; more than one API instance is safe: the alert id
 * names the silence, so a second write of it changes nothing.
 */
export function createFleet(config: SiemConfig, deps: { readonly bus: Bus; readonly detection: DetectionStore; readonly logger: Logger; readonly registry?: AgentRegistry }): Fleet {
  const { logger } = deps;
  const registry = deps.registry ?? createAgentRegistry(config);
  const consumer = deps.bus.consumer({ index: 0, count: 1 }, `${config.kafka.consumerGroup}-fleet`);
  const policy = { missingAfterIntervals: config.api.agentMissingIntervals };
  // Check twice per heartbeat interval, so a silence is seen within the interval after it becomes one.
  const checkMs = Math.max(500, (config.collector.heartbeatIntervalS * 1000) / 2);
  let timer: NodeJS.Timeout | undefined;
  let checking = false;
  let skipped = 0;

  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const raised = await raiseMissingAgentAlerts(
        registry,
        async (agent) => {
          const { id, alert } = missingAgentAlert(agent, Date.now(), config.api.agentMissingLevel);
          const result = await deps.detection.writeAlerts([{ id, alert: alert as unknown as AlertDocument }]);
          if (result.rejected.length > 0) throw new Error(`The alert store refused the missing-heartbeat alert of ${agent.id} (tenant ${agent.tenant}): ${result.rejected[0]!.reason}`);
        },
        policy,
        Date.now(),
      );
      for (const agent of raised) logger.warn({ agent: agent.id, tenant: agent.tenant, host: agent.host, lastSeen: agent.lastSeen }, 'An agent stopped sending heartbeats; an alert was raised.');
    } catch (error) {
      logger.warn({ err: error }, 'The missing-heartbeat check failed; it runs again shortly.');
    } finally {
      checking = false;
    }
  };

  return {
    registry,
    async start() {
      await registry.ensureReady();
      // The API may start before any collector: the agents topic must exist before its consumer joins.
      await deps.bus.ensureTopics();
      await consumer.connect();
      void consumer
        .run({
          topic: config.kafka.agentsTopic,
          chunkSize: 500,
          handleChunk: async (messages) => {
            const receivedAt = new Date().toISOString();
            for (const message of messages) {
              const heartbeat = decodeHeartbeat(message.value);
              if (heartbeat === undefined) {
                if (skipped++ % 1000 === 0) logger.warn({ topic: message.topic, offset: message.offset, skipped }, 'A message in the agents topic is not a heartbeat; skipped.');
                continue;
              }
              await registry.record(heartbeat, receivedAt);
            }
          },
        })
        .catch((error: unknown) => logger.error({ err: error }, 'Reading heartbeats stopped; GET /api/v1/agents shows the state before.'));
      timer = setInterval(() => void check(), checkMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await consumer.disconnect();
      await registry.close();
    },
  };
}
