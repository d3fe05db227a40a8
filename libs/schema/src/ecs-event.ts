/**
 * The normalized event, named after the Elastic Common Schema (ECS).
 * Only the fields the pipeline writes itself are typed; parsers may add any
 * other ECS field, hence the index signatures.
 */
export interface EcsEvent {
  '@timestamp': string;
  message?: string;
  event: {
    original?: string;
    ingested?: string;
    dataset?: string;
    kind?: string;
    category?: string[];
    outcome?: string;
    [field: string]: unknown;
  };
  host?: { name?: string; hostname?: string; [field: string]: unknown };
  log?: {
    source?: { address?: string };
    syslog?: SyslogFields;
    [field: string]: unknown;
  };
  process?: { name?: string; pid?: number; [field: string]: unknown };
  source?: { ip?: string; port?: number; [field: string]: unknown };
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface SyslogFields {
  priority?: number;
  facility?: { code: number; name: string };
  severity?: { code: number; name: string };
  version?: string;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  structured_data?: Record<string, Record<string, string>>;
}
