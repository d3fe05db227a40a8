import type { ParsedArgs } from './args';
import { apiRequest } from './api-request';
import { table } from './rules-command';

export const KEYS_USAGE = `  siem keys create --name NAME --role viewer|analyst|detection|admin|ingest [--tenant T] [--expires 30d|12h|ISO]
                                        create an API key; it is printed this once (stored only as a hash)
  siem keys list [--json]               the keys of your tenant (every tenant for an admin of tenant default)
  siem keys revoke KEY_ID               every API process refuses the key within a second
`;

interface KeyView {
  id: string;
  name: string;
  role: string;
  tenant: string;
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revoked: boolean;
}

const DURATION = /^(\d+)([hdw])$/;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--expires 30d` (h, d, w) or an ISO time, as the ISO time the API takes. */
export function expiresAt(value: string, now: Date = new Date()): string {
  const duration = DURATION.exec(value);
  if (duration) return new Date(now.getTime() + Number(duration[1]) * UNIT_MS[duration[2]!]!).toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`--expires takes a duration (30d, 12h, 2w) or an ISO time, not "${value}".`);
  return new Date(time).toISOString();
}

/** `siem keys create|list|revoke`: a thin client of /api/v1/keys. */
export async function runKeysCommand(args: ParsedArgs, apiUrl: string, write: (text: string) => void): Promise<number> {
  const flag = (name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
  const [action, ...rest] = args.positional;
  switch (action) {
    case 'create': {
      const name = flag('name');
      const role = flag('role');
      if (name === undefined || role === undefined) throw new Error(`keys create needs --name and --role.\n${KEYS_USAGE}`);
      const expires = flag('expires');
      const body = { name, role, ...(flag('tenant') === undefined ? {} : { tenant: flag('tenant') }), ...(expires === undefined ? {} : { expiresAt: expiresAt(expires) }) };
      const { key, record } = await apiRequest<{ key: string; record: KeyView }>(apiUrl, '/api/v1/keys', { method: 'POST', body });
      write(`${key}\n`);
      process.stderr.write(`Key ${record.id} (${record.name}, role ${record.role}, tenant ${record.tenant}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}) created. It is shown only this once: store it now.\n`);
      return 0;
    }
    case 'list': {
      const { keys } = await apiRequest<{ keys: KeyView[] }>(apiUrl, '/api/v1/keys');
      if (args.flags.json === true) write(`${JSON.stringify(keys, null, 2)}\n`);
      else write(renderKeys(keys));
      return 0;
    }
    case 'revoke': {
      if (rest[0] === undefined) throw new Error(`keys revoke needs a key id (see siem keys list).\n${KEYS_USAGE}`);
      await apiRequest(apiUrl, `/api/v1/keys/${encodeURIComponent(rest[0])}`, { method: 'DELETE' });
      write(`Key ${rest[0]} revoked.\n`);
      return 0;
    }
    default:
      process.stderr.write(KEYS_USAGE);
      return 2;
  }
}

export function renderKeys(keys: readonly KeyView[]): string {
  const rows = keys.map((k) => [k.id, k.role, k.tenant, k.createdAt, k.lastUsedAt ?? '-', k.expiresAt ?? '-', k.revoked ? 'revoked' : 'active', k.name]);
  return table(['id', 'role', 'tenant', 'created', 'last used', 'expires', 'state', 'name'], rows, `${keys.length} keys`);
}
