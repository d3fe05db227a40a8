export { MAX_AUDIT_PAGE, type AuditPage, type AuditPrincipal, type AuditQuery, type AuditRecord, type AuditStore } from './types';
export { EmbeddedAuditStore } from './embedded-audit-store';
export { OpenSearchAuditStore, auditStreamName } from './opensearch-audit-store';
export { createAuditStore } from './create-audit-store';
