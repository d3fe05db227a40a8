import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, ENV_VARIABLES } from './schema';

/** Defaults that depend on the machine or on other settings, as the reference states them (their descriptions say how). */
const SHOWN_DEFAULTS: Readonly<Record<string, string>> = { partitions: 'CPU cores', workers: 'CPU cores, or one fewer', bulkRequests: 'CPU cores / workers', chunksInFlight: 'bulk requests + 1', readWorkers: 'CPU cores, 2 to 4' };

/** docs/configuration.md, rendered from the schema and the variable table so that it cannot drift. */
export function renderConfigurationReference(): string {
  const defaults = Value.Default(ConfigSchema, Object.fromEntries(Object.keys(ConfigSchema.properties).map((k) => [k, {}]))) as Record<string, Record<string, unknown>>;
  const rows = ENV_VARIABLES.map((variable) => {
    const [section, key] = variable.path;
    const fallback = variable.defaultValue ?? defaults[section]?.[key];
    const shown = SHOWN_DEFAULTS[key] ?? (Array.isArray(fallback) ? fallback.join(',') : String(fallback));
    return `| \`${variable.name}\` | \`${shown}\` | ${variable.description} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `libs/config/src/schema.ts` by `npm run docs`; do not edit by hand.',
    '',
    'Every app reads these environment variables at start and refuses to start, naming the variable, when one is invalid or when a `SIEM_*` variable is unknown (a typo). `SIEM_INFRA_*` and `SIEM_TEST_*` belong to the tooling.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
