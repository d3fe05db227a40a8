import { hostname } from 'node:os';
import type { SiemConfig } from '@siem/config';

export interface CollectorIdentity {
  /** SIEM_AGENT_ID, or the host name with the role. */
  readonly id: string;
  readonly hostname: string;
  /** `agent` for `siem agent` (no listeners), else `collector`. */
  readonly role: 'collector' | 'agent';
}

export function collectorIdentity(config: SiemConfig, host: string = hostname()): CollectorIdentity {
  const role = config.collector.listen ? 'collector' : 'agent';
  return { id: config.collector.agentId ?? `${host}-${role}`, hostname: host, role };
}
