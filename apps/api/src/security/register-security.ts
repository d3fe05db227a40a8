import type { FastifyInstance } from 'fastify';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type SiemConfig } from '@siem/config';
import type { AuditStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { auditRoutes } from '../routes/audit';
import { AuditQueue } from './audit-queue';
import { registerAuditTrail } from './audit-trail';
import { registerAuthFailureLimit } from './auth-failure-limit';
import { registerRateLimit } from './rate-limit';
import { registerSecurityHeaders } from './security-headers';
import type { ApiTls } from './tls';

/** What main.ts reads from the configuration for the API's limits, audit trail and TLS. */
export interface SecurityOptions {
  readonly maxBodyBytes: number;
  readonly rateLimitPerMinute: number;
  readonly authFailuresPerMinute: number;
  readonly exportMaxSeconds: number;
  readonly auditQueueRecords: number;
  /** Where audit records go; without it (tests of other routes) nothing is audited and /audit is not served. */
  readonly audit?: AuditStore;
  /** How often queued audit records are written (tests shorten it). */
  readonly auditFlushMs?: number;
  readonly tls?: ApiTls;
}

const API_DEFAULTS = Value.Create(ConfigSchema.properties.api) as SiemConfig['api'];

/** The limits of the configuration schema's defaults, with `overrides` on top. */
export function securityOptions(overrides: Partial<SecurityOptions> = {}): SecurityOptions {
  const { maxBodyBytes, rateLimitPerMinute, authFailuresPerMinute, exportMaxSeconds, auditQueueRecords } = API_DEFAULTS;
  return { maxBodyBytes, rateLimitPerMinute, authFailuresPerMinute, exportMaxSeconds, auditQueueRecords, ...overrides };
}

/**
 * Headers, the failed-authentication limit, the per-caller rate limit and the audit trail,
 * with GET /api/v1/audit. Call it after the OpenAPI plugin and before the auth hook and the
 * routes: its onRequest hook must refuse a blocked address before the auth hook checks keys.
 */
export function registerSecurity(app: FastifyInstance, options: SecurityOptions, telemetry: { readonly logger: Logger; readonly metrics: MetricsRegistry }): void {
  registerSecurityHeaders(app, { tls: options.tls !== undefined });
  registerAuthFailureLimit(app, { perMinute: options.authFailuresPerMinute, metrics: telemetry.metrics });
  registerRateLimit(app, options.rateLimitPerMinute);
  if (options.audit) {
    const queue = new AuditQueue({ store: options.audit, logger: telemetry.logger, metrics: telemetry.metrics, capacity: options.auditQueueRecords, flushMs: options.auditFlushMs });
    registerAuditTrail(app, queue);
    app.register(auditRoutes, { prefix: '/api/v1', audit: options.audit });
  }
}
