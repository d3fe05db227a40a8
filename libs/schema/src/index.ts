export type { RawRecord } from './raw-record';
export { RAW_HEADERS } from './raw-record';
export type { EcsEvent, SyslogFields } from './ecs-event';
export { SiemError } from './siem-error';
export { DEFAULT_TENANT, GLOBAL_TENANT, TENANT_ID_PATTERN, isTenantId } from './tenant';
