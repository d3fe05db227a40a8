import { availableParallelism } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, ConfigErrorCodes } from './errors';
import { ConfigSchema, ENV_VARIABLES, NON_SETTING_PREFIXES, type EnvVariable, type SiemConfig } from './schema';
import { processorConcurrency } from './processor-concurrency';

type Env = Readonly<Record<string, string | undefined>>;

function coerce(variable: EnvVariable, raw: string): unknown {
  const text = raw.trim();
  switch (variable.kind) {
    case 'string':
      return text;
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    case 'boolean':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      throw new ConfigError(ConfigErrorCodes.invalid, variable.name, `${variable.name}="${raw}" is not a boolean; set it to true or false.`);
    case 'integer':
      if (!/^-?\d+$/.test(text)) {
        throw new ConfigError(ConfigErrorCodes.invalid, variable.name, `${variable.name}="${raw}" is not an integer; ${variable.description}`);
      }
      return Number(text);
  }
}

/** An empty variable counts as unset, as in most shells' `VAR= cmd`. */
function present(raw: string | undefined): raw is string {
  return raw !== undefined && raw !== '';
}

function rejectUnknownVariables(env: Env): void {
  const known = new Set(ENV_VARIABLES.map((v) => v.name));
  for (const name of Object.keys(env)) {
    if (!name.startsWith('SIEM_') || known.has(name)) continue;
    if (NON_SETTING_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    throw new ConfigError(
      ConfigErrorCodes.unknownVariable,
      name,
      `${name} is not a SIEM setting (a typo?). Known settings are listed in docs/configuration.md.`,
    );
  }
}

/**
 * Reads the configuration from environment variables, fills defaults from the
 * schema, validates it and returns it frozen. Throws a ConfigError naming the
 * variable at fault: this runs once at start, where failing fast is the point.
 */
export function loadConfig(env: Env = process.env): SiemConfig {
  rejectUnknownVariables(env);
  const draft: Record<string, Record<string, unknown>> = {};
  for (const section of Object.keys(ConfigSchema.properties)) draft[section] = {};
  for (const variable of ENV_VARIABLES) {
    const [section, key] = variable.path;
    const raw = env[variable.name];
    const value = present(raw) ? coerce(variable, raw) : variable.defaultValue;
    if (value !== undefined) draft[section]![key] = value;
  }
  // Naming a broker or a cluster is choosing it; an explicit SIEM_BUS/SIEM_STORE still wins.
  if (!env.SIEM_BUS && env.SIEM_KAFKA_BROKERS) draft.deployment!.bus = 'kafka';
  if (!env.SIEM_STORE && env.SIEM_OPENSEARCH_URL) draft.deployment!.store = 'opensearch';
  const config = Value.Default(ConfigSchema, draft) as SiemConfig;
  const concurrency = processorConcurrency({
    cores: availableParallelism(),
    store: config.deployment.store,
    opensearchUrl: config.opensearch.url,
    workers: present(env.SIEM_PROCESSOR_WORKERS) ? config.processor.workers : undefined,
    bulkRequestsPerWorker: present(env.SIEM_OPENSEARCH_BULK_REQUESTS) ? config.opensearch.bulkRequests : undefined,
    chunksInFlight: present(env.SIEM_PROCESSOR_CHUNKS_IN_FLIGHT) ? config.processor.chunksInFlight : undefined,
  });
  config.processor.workers = concurrency.workers;
  config.opensearch.bulkRequests = concurrency.bulkRequestsPerWorker;
  config.processor.chunksInFlight = concurrency.chunksInFlight;
  const firstError = Value.Errors(ConfigSchema, config).First();
  if (firstError) {
    const variable = ENV_VARIABLES.find((v) => firstError.path.startsWith(`/${v.path[0]}/${v.path[1]}`));
    const name = variable?.name ?? firstError.path;
    throw new ConfigError(
      ConfigErrorCodes.invalid,
      name,
      `${name} is invalid: ${firstError.message} (got ${JSON.stringify(firstError.value)}). ${variable?.description ?? ''}`.trim(),
    );
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
