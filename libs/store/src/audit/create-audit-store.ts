import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { EmbeddedAuditStore } from './embedded-audit-store';
import { OpenSearchAuditStore } from './opensearch-audit-store';
import type { AuditStore } from './types';

export function createAuditStore(config: SiemConfig): AuditStore {
  if (config.deployment.store === 'opensearch') return new OpenSearchAuditStore(config.opensearch);
  return new EmbeddedAuditStore({ dataDir: path.resolve(config.deployment.dataDir) });
}
