import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_TENANT } from '../permissions';
import type { ApiKeys } from './api-keys';

/** Where the first admin key is written, readable by its owner only. */
export function adminKeyFile(dataDir: string): string {
  return path.join(dataDir, 'admin.key');
}

/**
 * Makes sure a deployment can be administered. With `adminKey` (SIEM_ADMIN_KEY) that key is stored
 * (hashed, once); without it, a random admin key is created when the store holds no usable
 * admin key of tenant `default`. A key whose text is known here is written to `<dataDir>/admin.key`
 * (mode 0600), the file the CLI and the ready banner read. `created` says the key is new.
 * Processes starting at once create one key between them (`ApiKeys.createFirstAdmin`): the one
 * that created it writes the file, the others leave it alone.
 */
export async function ensureAdminKey(keys: ApiKeys, options: { readonly dataDir: string; readonly adminKey?: string }): Promise<{ created: boolean; file?: string }> {
  const file = adminKeyFile(options.dataDir);
  if (options.adminKey !== undefined) {
    const created = await keys.adopt(options.adminKey, { name: 'admin (SIEM_ADMIN_KEY)', role: 'admin', tenant: DEFAULT_TENANT });
    await writeKeyFile(file, options.adminKey);
    return { created, file };
  }
  const key = await keys.createFirstAdmin();
  if (key === undefined) return { created: false };
  await writeKeyFile(file, key);
  return { created: true, file };
}

async function writeKeyFile(file: string, key: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current?.trim() !== key) {
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed over: a reader (the CLI, another start) sees the old key or the new, never half a file.
    const aside = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(aside, `${key}\n`, { mode: 0o600, flag: 'wx' });
      await rename(aside, file);
    } finally {
      await rm(aside, { force: true });
    }
  }
  // A file that existed before keeps its old mode through writeFile.
  await chmod(file, 0o600);
}
