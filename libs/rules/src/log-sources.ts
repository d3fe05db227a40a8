/**
 * Which Sigma log sources this project's parsers produce, how an event is
 * routed to its log sources (`logSourceOf`), and the default field mapping
 * table that turns Sigma field names into the fields the parsers write.
 *
 * Windows follows pySigma's ecs_windows pipeline (Image → process.executable,
 * EventID → event.code, ..., anything else → winlog.event_data.<name>), with
 * one difference: the raw `winlog.event_data` value is read first and the ECS
 * field only when the record has no such data, because Sigma values are
 * written against the raw text (`User: 'NT AUTHORITY\SYSTEM'`, which the ECS
 * `user.name` splits) and Security 4688 names its image `NewProcessName`.
 * Sysmon for Linux writes the same records (channel `Linux-Sysmon/Operational`),
 * read with the same names, as Linux log sources.
 */
import { Type, type Static } from '@sinclair/typebox';

/** A field of a log source: the event paths tried in order (the first present one is read). */
const FieldPathsSchema = Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]);

export const LogSourceMappingSchema = Type.Object(
  {
    product: Type.Optional(Type.String({ minLength: 1 })),
    category: Type.Optional(Type.String({ minLength: 1 })),
    service: Type.Optional(Type.String({ minLength: 1 })),
    producedBy: Type.Array(Type.String(), {
      description: 'Parsers that produce events of this log source; empty: none here does, and its rules are saved disabled.',
    }),
    fields: Type.Record(Type.String(), FieldPathsSchema, { default: {}, description: 'Sigma field name → event field path(s).' }),
    passthrough: Type.Optional(Type.String({ description: 'Prefix under which a field name not in `fields` is looked up (e.g. winlog.event_data.).' })),
    jsonText: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Sigma field prefix → event field holding that object as JSON text (CloudTrail requestParameters).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const FieldMappingTableSchema = Type.Object(
  { logsources: Type.Array(LogSourceMappingSchema) },
  { additionalProperties: false, description: 'Log sources and their field mappings; entries here replace the defaults with the same product/category/service.' },
);

export type LogSourceMapping = Static<typeof LogSourceMappingSchema>;
export type FieldMappingTable = Static<typeof FieldMappingTableSchema>;

export const WINDOWS_SERVICE_CHANNELS: Readonly<Record<string, readonly string[]>> = {
  security: ['Security'],
  system: ['System'],
  application: ['Application'],
  sysmon: ['Microsoft-Windows-Sysmon/Operational'],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'msexchange-management': ['MSExchange Management'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  openssh: ['OpenSSH/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
};

/** Sysmon event ids → Sigma categories (Sysmon's own event list). */
const SYSMON_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  '1': ['process_creation'],
  '2': ['file_change'],
  '3': ['network_connection'],
  '4': ['sysmon_status'],
  '5': ['process_termination'],
  '6': ['driver_load'],
  '7': ['image_load'],
  '8': ['create_remote_thread'],
  '9': ['raw_access_thread'],
  '10': ['process_access'],
  '11': ['file_event'],
  '12': ['registry_add', 'registry_delete', 'registry_event'],
  '13': ['registry_set', 'registry_event'],
  '14': ['registry_rename', 'registry_event'],
  '15': ['create_stream_hash'],
  '16': ['sysmon_status'],
  '17': ['pipe_created'],
  '18': ['pipe_created'],
  '19': ['wmi_event'],
  '20': ['wmi_event'],
  '21': ['wmi_event'],
  '22': ['dns_query'],
  '23': ['file_delete'],
  '24': ['clipboard_capture'],
  '25': ['process_tampering'],
  '26': ['file_delete'],
  '27': ['file_block_executable'],
  '28': ['file_block_shredding'],
  '29': ['file_executable_detected'],
  '255': ['sysmon_error'],
};

const LINUX_SYSMON_CHANNEL = 'Linux-Sysmon/Operational';

/** Sysmon for Linux event ids → Sigma categories: the events it has (its manifest) that Sigma's Linux rules use. */
const LINUX_SYSMON_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  '1': ['process_creation'],
  '3': ['network_connection'],
  '5': ['process_termination'],
  '11': ['file_event', 'file_create'],
  '23': ['file_delete'],
};

const POWERSHELL_CATEGORIES: Readonly<Record<string, readonly string[]>> = { '4103': ['ps_module'], '4104': ['ps_script'] };
const POWERSHELL_CLASSIC_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  '400': ['ps_classic_start'],
  '600': ['ps_classic_provider_start'],
  '800': ['ps_classic_script'],
};
const SECURITY_CATEGORIES: Readonly<Record<string, readonly string[]>> = { '4688': ['process_creation'] };

/** pySigma ecs_windows names, each read from the raw event data first (see the module comment). */
const WINDOWS_ECS: Readonly<Record<string, string>> = {
  Image: 'process.executable',
  ParentImage: 'process.parent.executable',
  CommandLine: 'process.command_line',
  ParentCommandLine: 'process.parent.command_line',
  OriginalFileName: 'process.pe.original_file_name',
  Description: 'process.pe.description',
  Product: 'process.pe.product',
  Company: 'process.pe.company',
  CurrentDirectory: 'process.working_directory',
  ProcessId: 'process.pid',
  ParentProcessId: 'process.parent.pid',
  IntegrityLevel: 'winlog.event_data.IntegrityLevel',
  TargetFilename: 'file.path',
  ImageLoaded: 'file.path',
  TargetObject: 'registry.path',
  QueryName: 'dns.question.name',
  User: 'user.name',
  SourceIp: 'source.ip',
  SourcePort: 'source.port',
  SourceHostname: 'source.domain',
  DestinationIp: 'destination.ip',
  DestinationPort: 'destination.port',
  DestinationHostname: 'destination.domain',
  Protocol: 'network.transport',
  ComputerName: 'host.name',
};

function windowsFields(): Record<string, string[]> {
  const fields: Record<string, string[]> = {
    EventID: ['winlog.event_id', 'event.code'],
    Channel: ['winlog.channel'],
    Provider_Name: ['winlog.provider_name', 'event.provider'],
    Computer: ['winlog.computer_name', 'host.name'],
    Level: ['winlog.event_data.Level', 'log.level'],
  };
  for (const [name, ecs] of Object.entries(WINDOWS_ECS)) fields[name] = [`winlog.event_data.${name}`, ecs];
  return fields;
}

const WEB_FIELDS: Readonly<Record<string, string>> = {
  'c-ip': 'source.ip',
  'cs-username': 'user.name',
  'cs-method': 'http.request.method',
  'cs-uri': 'url.original',
  'c-uri': 'url.original',
  'cs-uri-stem': 'url.path',
  'c-uri-stem': 'url.path',
  'cs-uri-query': 'url.query',
  'c-uri-query': 'url.query',
  'c-uri-extension': 'url.extension',
  'cs-version': 'http.version',
  'sc-status': 'http.response.status_code',
  'sc-bytes': 'http.response.body.bytes',
  'cs-bytes': 'http.request.bytes',
  'cs-user-agent': 'user_agent.original',
  'c-useragent': 'user_agent.original',
  'cs-referer': 'http.request.referrer',
  'cs-referrer': 'http.request.referrer',
  'cs-host': 'url.domain',
  'r-dns': 'url.domain',
  'dst_ip': 'destination.ip',
  'src_ip': 'source.ip',
};

const CLOUDTRAIL_FIELDS: Readonly<Record<string, string>> = {
  eventName: 'event.action',
  eventSource: 'event.provider',
  awsRegion: 'cloud.region',
  recipientAccountId: 'cloud.account.id',
  errorCode: 'aws.cloudtrail.error_code',
  errorMessage: 'aws.cloudtrail.error_message',
  eventType: 'aws.cloudtrail.event_type',
  eventVersion: 'aws.cloudtrail.event_version',
  eventID: 'aws.cloudtrail.event_id',
  requestID: 'aws.cloudtrail.request_id',
  userAgent: 'user_agent.original',
  sourceIPAddress: 'source.address',
  'userIdentity.type': 'aws.cloudtrail.user_identity.type',
  'userIdentity.arn': 'aws.cloudtrail.user_identity.arn',
  'userIdentity.accountId': 'cloud.account.id',
  'userIdentity.principalId': 'user.id',
  'userIdentity.userName': 'user.name',
  'userIdentity.accessKeyId': 'aws.cloudtrail.user_identity.access_key_id',
  'userIdentity.invokedBy': 'aws.cloudtrail.user_identity.invoked_by',
  'userIdentity.sessionContext.sessionIssuer.type': 'aws.cloudtrail.user_identity.session_context.session_issuer.type',
  'userIdentity.sessionContext.sessionIssuer.arn': 'aws.cloudtrail.user_identity.session_context.session_issuer.arn',
  'userIdentity.sessionContext.sessionIssuer.userName': 'aws.cloudtrail.user_identity.session_context.session_issuer.user_name',
  'userIdentity.sessionContext.attributes.mfaAuthenticated': 'aws.cloudtrail.user_identity.session_context.mfa_authenticated',
};

const LINUX_AUTH_FIELDS: Readonly<Record<string, string | string[]>> = {
  USER: ['system.auth.sudo.user', 'user.effective.name'],
  User: 'user.name',
  COMMAND: 'system.auth.sudo.command',
  PWD: 'system.auth.sudo.pwd',
  TTY: 'system.auth.sudo.tty',
};

const FIREWALL_FIELDS: Readonly<Record<string, string>> = {
  src_ip: 'source.ip',
  src_port: 'source.port',
  dst_ip: 'destination.ip',
  dst_port: 'destination.port',
  action: 'event.action',
  protocol: 'network.transport',
};

const LINUX_SYSLOG_SERVICES = ['sshd', 'sudo', 'su', 'cron', 'vsftpd', 'clamav', 'guacamole', 'auth'];

function windowsSources(): LogSourceMapping[] {
  const common: LogSourceMapping = { product: 'windows', producedBy: ['windows', 'json'], fields: windowsFields(), passthrough: 'winlog.event_data.' };
  const sources: LogSourceMapping[] = [common];
  for (const service of Object.keys(WINDOWS_SERVICE_CHANNELS)) sources.push({ product: 'windows', service, producedBy: common.producedBy, fields: {} });
  const categories = new Set([
    ...Object.values(SYSMON_CATEGORIES).flat(),
    ...Object.values(POWERSHELL_CATEGORIES).flat(),
    ...Object.values(POWERSHELL_CLASSIC_CATEGORIES).flat(),
  ]);
  for (const category of categories) sources.push({ product: 'windows', category, producedBy: common.producedBy, fields: {} });
  return sources;
}

function linuxSysmonSources(): LogSourceMapping[] {
  const categories = new Set(Object.values(LINUX_SYSMON_CATEGORIES).flat());
  return [...categories].map((category) => ({ product: 'linux', category, producedBy: ['sysmon_linux'], fields: windowsFields(), passthrough: 'winlog.event_data.' }));
}

const NOT_PRODUCED: ReadonlyArray<Partial<LogSourceMapping>> = [
  { product: 'azure', service: 'auditlogs' },
  { product: 'azure', service: 'activitylogs' },
  { product: 'azure', service: 'signinlogs' },
  { product: 'okta', service: 'okta' },
  { product: 'github', service: 'audit' },
];

/** The defaults: every log source some parser here produces, and a few well-known ones no parser produces yet. */
export const DEFAULT_FIELD_MAPPINGS: FieldMappingTable = {
  logsources: [
    ...windowsSources(),
    { product: 'linux', producedBy: ['syslog', 'linux_auth', 'auditd', 'iptables', 'sysmon_linux'], fields: {} },
    ...linuxSysmonSources(),
    { product: 'linux', service: 'auditd', producedBy: ['auditd'], fields: { type: 'auditd.message_type', SYSCALL: ['auditd.enriched.SYSCALL', 'auditd.log.syscall'] }, passthrough: 'auditd.log.' },
    ...LINUX_SYSLOG_SERVICES.map((service) => ({ product: 'linux', service, producedBy: ['syslog', 'linux_auth'], fields: { ...LINUX_AUTH_FIELDS } })),
    { product: 'linux', service: 'syslog', producedBy: ['syslog'], fields: {} },
    { category: 'webserver', producedBy: ['apache_access', 'nginx_access'], fields: { ...WEB_FIELDS } },
    { category: 'proxy', producedBy: ['apache_access', 'nginx_access'], fields: { ...WEB_FIELDS } },
    { service: 'apache', producedBy: ['apache_access', 'apache_error'], fields: { ...WEB_FIELDS } },
    { service: 'nginx', producedBy: ['nginx_access', 'nginx_error'], fields: { ...WEB_FIELDS } },
    { category: 'firewall', producedBy: ['iptables'], fields: { ...FIREWALL_FIELDS } },
    {
      product: 'aws',
      service: 'cloudtrail',
      producedBy: ['cloudtrail'],
      fields: { ...CLOUDTRAIL_FIELDS },
      jsonText: {
        requestParameters: 'aws.cloudtrail.request_parameters',
        responseElements: 'aws.cloudtrail.response_elements',
        additionalEventData: 'aws.cloudtrail.additional_eventdata',
        serviceEventDetails: 'aws.cloudtrail.service_event_details',
      },
    },
    ...NOT_PRODUCED.map((source) => ({ ...source, producedBy: [], fields: {} })),
  ],
};

/** The routing key of a (product, category, service) triple; empty parts are wildcards on the rule side. */
export function logSourceKey(product: string | undefined, category: string | undefined, service: string | undefined): string {
  return `${product ?? ''}/${category ?? ''}/${service ?? ''}`;
}

function keysOf(product: string | undefined, categories: readonly string[], services: readonly string[]): readonly string[] {
  const keys = new Set<string>();
  for (const p of product === undefined ? [undefined] : [product, undefined]) {
    for (const c of [...categories, undefined]) {
      for (const s of [...services, undefined]) if (p !== undefined || c !== undefined || s !== undefined) keys.add(logSourceKey(p, c, s));
    }
  }
  return Object.freeze([...keys]);
}

const CHANNEL_SERVICES = new Map<string, string>();
for (const [service, channels] of Object.entries(WINDOWS_SERVICE_CHANNELS)) for (const channel of channels) CHANNEL_SERVICES.set(channel.toLowerCase(), service);

const NONE: readonly string[] = Object.freeze([]);
const eventLogKeyCache = new Map<string, readonly string[]>();

/** Sysmon for Linux comes through syslog, so its events keep the syslog service's rules too. */
const LINUX_SYSMON_SERVICES: readonly string[] = ['syslog'];

function eventLogKeys(channel: string, eventId: string): readonly string[] {
  const cacheKey = `${channel}\u0000${eventId}`;
  const cached = eventLogKeyCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const keys = channel === LINUX_SYSMON_CHANNEL ? keysOf('linux', LINUX_SYSMON_CATEGORIES[eventId] ?? NONE, LINUX_SYSMON_SERVICES) : windowsKeys(channel, eventId);
  // Channels and event ids are few; the bound only guards against a sender inventing them.
  if (eventLogKeyCache.size < 10_000) eventLogKeyCache.set(cacheKey, keys);
  return keys;
}

function windowsKeys(channel: string, eventId: string): readonly string[] {
  const service = CHANNEL_SERVICES.get(channel.toLowerCase());
  const table =
    service === 'sysmon' ? SYSMON_CATEGORIES : service === 'powershell' ? POWERSHELL_CATEGORIES : service === 'powershell-classic' ? POWERSHELL_CLASSIC_CATEGORIES : service === 'security' ? SECURITY_CATEGORIES : undefined;
  return keysOf('windows', table?.[eventId] ?? NONE, service === undefined ? NONE : [service]);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const FIXED_KEYS = {
  auditd: keysOf('linux', NONE, ['auditd']),
  cloudtrail: keysOf('aws', NONE, ['cloudtrail']),
  iptables: keysOf('linux', ['firewall'], NONE),
  apacheAccess: keysOf(undefined, ['webserver'], ['apache']),
  nginxAccess: keysOf(undefined, ['webserver'], ['nginx']),
  apacheProxy: keysOf(undefined, ['webserver', 'proxy'], ['apache']),
  nginxProxy: keysOf(undefined, ['webserver', 'proxy'], ['nginx']),
  apacheError: keysOf(undefined, NONE, ['apache']),
  nginxError: keysOf(undefined, NONE, ['nginx']),
};
const syslogKeyCache = new Map<string, readonly string[]>();

function syslogKeys(program: string | undefined, auth: boolean): readonly string[] {
  const name = program?.toLowerCase() ?? '';
  const cacheKey = `${auth ? 'a' : 's'}${name}`;
  const cached = syslogKeyCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const services = ['syslog'];
  if (auth) services.push('auth');
  if (LINUX_SYSLOG_SERVICES.includes(name)) services.push(name);
  const keys = keysOf('linux', NONE, services);
  if (syslogKeyCache.size < 10_000) syslogKeyCache.set(cacheKey, keys);
  return keys;
}

/** A request-target in absolute form or a CONNECT: what a forward proxy logs, and a web server does not. */
function isProxyRequest(event: Record<string, unknown>): boolean {
  const original = text(record(event.url)?.original);
  if (original !== undefined && (original.startsWith('http://') || original.startsWith('https://'))) return true;
  return text(record(record(event.http)?.request)?.method) === 'CONNECT';
}

/**
 * The routing keys (`product/category/service`, with every combination of
 * left-out parts) of the log sources an event belongs to, derived from the
 * fields the parsers write. The arrays are shared and frozen.
 */
export function logSourceOf(event: Record<string, unknown>): readonly string[] {
  const winlog = record(event.winlog);
  if (winlog !== undefined) {
    const channel = text(winlog.channel);
    if (channel !== undefined) return eventLogKeys(channel, text(winlog.event_id) ?? text(record(event.event)?.code) ?? '');
  }
  const dataset = text(record(event.event)?.dataset);
  switch (dataset) {
    case 'auditd':
      return FIXED_KEYS.auditd;
    case 'cloudtrail':
      return FIXED_KEYS.cloudtrail;
    case 'iptables':
      return FIXED_KEYS.iptables;
    case 'apache_access':
      return isProxyRequest(event) ? FIXED_KEYS.apacheProxy : FIXED_KEYS.apacheAccess;
    case 'nginx_access':
      return isProxyRequest(event) ? FIXED_KEYS.nginxProxy : FIXED_KEYS.nginxAccess;
    case 'apache_error':
      return FIXED_KEYS.apacheError;
    case 'nginx_error':
      return FIXED_KEYS.nginxError;
    case 'linux_auth':
      return syslogKeys(text(record(event.process)?.name), true);
    case 'syslog':
    case 'syslog_rfc3164':
    case 'syslog_rfc5424':
      return syslogKeys(text(record(event.process)?.name), false);
    default:
      return NONE;
  }
}

/** The mapping entries that apply to a rule's log source, the most general first. */
export function mappingsFor(table: FieldMappingTable, product: string | undefined, category: string | undefined, service: string | undefined): LogSourceMapping[] {
  const applies = (entry: LogSourceMapping): boolean =>
    (entry.product === undefined || entry.product === product) &&
    (entry.category === undefined || entry.category === category) &&
    (entry.service === undefined || entry.service === service);
  const specificity = (entry: LogSourceMapping): number => (entry.product ? 1 : 0) + (entry.category ? 1 : 0) + (entry.service ? 1 : 0);
  return table.logsources.filter(applies).sort((a, b) => specificity(a) - specificity(b));
}

/** Defaults with the configured entries in place of those with the same product/category/service. */
export function mergeMappingTables(defaults: FieldMappingTable, overrides: FieldMappingTable | undefined): FieldMappingTable {
  if (overrides === undefined) return defaults;
  const same = (a: LogSourceMapping, b: LogSourceMapping): boolean => a.product === b.product && a.category === b.category && a.service === b.service;
  return { logsources: [...defaults.logsources.filter((entry) => !overrides.logsources.some((override) => same(entry, override))), ...overrides.logsources] };
}
