/**
 * One flat configuration for the whole enricher, so that the `enrich` section
 * of @siem/config (environment variables are one level deep) can be passed in
 * as it is. Validated once at start, then frozen.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EnrichError, EnrichErrorCodes } from './errors';

const FilePath = Type.String({ minLength: 1 });

export const EnrichConfigSchema = Type.Object(
  {
    geoipEnabled: Type.Boolean({ default: true, description: 'Add <field>.geo and <field>.as to source, destination, client and server.' }),
    geoipDatabase: Type.Optional(Type.String({ minLength: 1, description: 'MaxMind-format (.mmdb) city or country database; the bundled country database when absent.' })),
    geoipAsnDatabase: Type.Optional(Type.String({ minLength: 1, description: 'MaxMind-format (.mmdb) ASN database for <field>.as.' })),
    geoipCacheSize: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000, description: 'Addresses whose GeoIP result is kept (LRU); 0 turns the cache off.' }),
    threatIntelFiles: Type.Array(FilePath, { default: [], description: 'Indicator files: plain lists, CSV, STIX 2.1 bundles, MISP JSON exports.' }),
    assetFile: Type.Optional(Type.String({ minLength: 1, description: 'CSV of hosts: host.name plus any columns, written under host.asset.' })),
    identityFile: Type.Optional(Type.String({ minLength: 1, description: 'CSV of users: user.name plus any columns, written under user.* and user.asset.' })),
    watchFiles: Type.Boolean({ default: true, description: 'Reload the files above when they change, without restart.' }),
    reloadPollMs: Type.Integer({ minimum: 50, maximum: 3_600_000, default: 5_000, description: 'How often files are checked for changes when file system events are missed.' }),
    reloadDebounceMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 250, description: 'Quiet time after a change before a file is read, so that a file being written is read once, whole.' }),
  },
  { additionalProperties: false },
);

export type EnrichConfig = Static<typeof EnrichConfigSchema>;

/** Applies the defaults, rejects unknown keys and bad values with the key's name, and freezes the result. */
export function resolveEnrichConfig(input: Readonly<Partial<EnrichConfig>> = {}): Readonly<EnrichConfig> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new EnrichError(EnrichErrorCodes.invalidConfig, 'The enrich configuration must be an object; pass {} for the defaults.');
  }
  const candidate = Value.Default(EnrichConfigSchema, structuredClone(input));
  const firstError = Value.Errors(EnrichConfigSchema, candidate).First();
  if (firstError !== undefined) {
    const key = firstError.path.slice(1).replaceAll('/', '.') || 'the configuration';
    throw new EnrichError(
      EnrichErrorCodes.invalidConfig,
      `Enrich configuration "${key}": ${firstError.message.toLowerCase()} (got ${JSON.stringify(firstError.value)}); the accepted keys are ${Object.keys(EnrichConfigSchema.properties).join(', ')}.`,
    );
  }
  const config = candidate as EnrichConfig;
  Object.freeze(config.threatIntelFiles);
  return Object.freeze(config);
}
