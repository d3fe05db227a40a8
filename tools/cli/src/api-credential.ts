import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type SiemConfig } from '@siem/config';

let cached: Record<string, string> | undefined;

/** The key the CLI sends: SIEM_API_KEY, else the first admin key the API wrote to `<dataDir>/admin.key`; none when neither exists. */
export function cliApiKey(config: SiemConfig): string | undefined {
  if (config.api.clientKey !== undefined) return config.api.clientKey;
  try {
    const key = readFileSync(path.resolve(config.deployment.dataDir, 'admin.key'), 'utf8').trim();
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}

/** The Authorization header of every API call the CLI makes (read once per run). */
export function apiAuthHeaders(): Record<string, string> {
  if (cached === undefined) {
    const key = cliApiKey(loadConfig());
    cached = key === undefined ? {} : { authorization: `ApiKey ${key}` };
  }
  return cached;
}
