export { HeartbeatSchema, encodeHeartbeat, decodeHeartbeat, type Heartbeat } from './heartbeat';
export { agentHealth, silentSeconds, type AgentRecord, type AgentHealth, type HealthPolicy } from './agent-health';
export { nextRecord, type AgentRegistry } from './agent-registry';
export { EmbeddedAgentRegistry } from './embedded-agent-registry';
export { OpenSearchAgentRegistry, agentIndexName } from './opensearch-agent-registry';
export { raiseMissingAgentAlerts, missingAgentAlert, MISSING_AGENT_RULE } from './missing-agents';
export { ALL_AGENTS, configFor, type AgentConfig, type AgentConfigStore } from './agent-config';
export {
  EmbeddedSenderStore,
  OpenSearchSenderStore,
  SenderIdSchema,
  SenderJoin,
  SenderKindSchema,
  SenderMetadataSchema,
  applySender,
  senderKey,
  sendersOf,
  type Sender,
  type SenderKind,
  type SenderMetadata,
  type SenderStore,
  type UnknownSender,
} from './senders';
