/**
 * What the asset and identity tables add to an event. ECS has fields for a
 * user's full name, email, domain, roles and group, which are filled when the
 * event lacks them; everything else the organisation knows (owner,
 * criticality, department...) goes under `host.asset.*` and `user.asset.*`,
 * the namespace Elastic Security uses for asset criticality. Values already
 * in the event are never overwritten.
 */
import type { EcsEvent } from '@siem/schema';
import type { Logger } from '@siem/telemetry';
import { ensureObject, objectAt, stringsOf, type Fields } from '../event-fields';
import { loadWatchedFile, type ReloadCounts, type WatchOptions } from '../files/watched-file';
import { readEntityTable, type EntityRow, type EntityTable, type EntityTableSpec } from './entity-table';

export interface TableStage {
  process(event: EcsEvent): void;
  counts(): { rows: number; matched: number };
  reloads(): ReloadCounts;
  close(): void;
}

const ASSET_SPEC: EntityTableSpec = { what: 'asset table', keyColumns: ['host.name', 'host', 'hostname', 'name'], alternateKeyColumns: ['ip'] };
const IDENTITY_SPEC: EntityTableSpec = { what: 'identity table', keyColumns: ['user.name', 'user', 'username', 'name'], alternateKeyColumns: ['email'] };

/** Identity columns with an ECS home under `user`. */
const USER_ECS_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  full_name: ['full_name'],
  email: ['email'],
  domain: ['domain'],
  roles: ['roles'],
  group: ['group', 'name'],
};

export function createAssetStage(path: string, watch: WatchOptions | undefined, logger: Logger): TableStage {
  return createTableStage(path, ASSET_SPEC, watch, logger, (event, table) => {
    const host = objectAt(event, 'host');
    if (!host) return false;
    const row = findHost(host, table);
    if (!row) return false;
    const asset = ensureObject(host, 'asset');
    if (!asset) return false;
    for (const [column, value] of Object.entries(row)) {
      if (column !== 'ip' && asset[column] === undefined) asset[column] = copy(value);
    }
    return true;
  });
}

export function createIdentityStage(path: string, watch: WatchOptions | undefined, logger: Logger): TableStage {
  return createTableStage(path, IDENTITY_SPEC, watch, logger, (event, table) => {
    const user = objectAt(event, 'user');
    if (!user) return false;
    const row = findUser(user, table);
    if (!row) return false;
    for (const [column, value] of Object.entries(row)) {
      const ecsPath = USER_ECS_COLUMNS[column];
      if (ecsPath) setIfAbsent(user, ecsPath, value);
      else setIfAbsent(user, ['asset', column], value);
    }
    return true;
  });
}

function createTableStage(path: string, spec: EntityTableSpec, watch: WatchOptions | undefined, logger: Logger, apply: (event: EcsEvent, table: EntityTable) => boolean): TableStage {
  const load = (content: Buffer, at: string): EntityTable => {
    const table = readEntityTable(content, at, spec);
    const details = { file: at, rows: table.rows, skipped: table.skipped };
    if (table.skipped > 0) logger.warn(details, `Some rows of the ${spec.what} have no usable key and were skipped.`);
    else logger.info(details, `Loaded the ${spec.what}.`);
    return table;
  };
  const file = loadWatchedFile({ path, what: spec.what, load, onReload: (next) => (table = next) }, watch);
  let table = file.initial;
  let matched = 0;
  return {
    process(event) {
      if (apply(event, table)) matched++;
    },
    counts: () => ({ rows: table.rows, matched }),
    reloads: () => file.reloads(),
    close: () => file.close(),
  };
}

/** By name as given, then by short name (`web01` for `web01.corp.example`), then by each of `host.ip`. */
function findHost(host: Fields, table: EntityTable): EntityRow | undefined {
  const name = typeof host.name === 'string' ? host.name.toLowerCase() : undefined;
  if (name) {
    const row = table.byKey.get(name) ?? (name.includes('.') ? table.byKey.get(name.slice(0, name.indexOf('.'))) : undefined);
    if (row) return row;
  }
  for (const ip of stringsOf(host.ip)) {
    const row = table.byKey.get(ip.toLowerCase());
    if (row) return row;
  }
  return undefined;
}

/** By name as given, then without a Windows domain (`CORP\alice`) or a UPN suffix (`alice@corp.example`), then by email. */
function findUser(user: Fields, table: EntityTable): EntityRow | undefined {
  if (typeof user.name === 'string') {
    const name = user.name.toLowerCase();
    const backslash = name.lastIndexOf('\\');
    const at = name.indexOf('@');
    const row =
      table.byKey.get(name) ??
      (backslash !== -1 ? table.byKey.get(name.slice(backslash + 1)) : undefined) ??
      (at > 0 ? table.byKey.get(name.slice(0, at)) : undefined);
    if (row) return row;
  }
  return typeof user.email === 'string' ? table.byKey.get(user.email.toLowerCase()) : undefined;
}

function setIfAbsent(target: Fields, path: readonly string[], value: string | string[]): void {
  let parent: Fields | undefined = target;
  for (const key of path.slice(0, -1)) {
    parent = ensureObject(parent, key);
    if (!parent) return;
  }
  const last = path[path.length - 1]!;
  if (parent[last] === undefined) parent[last] = copy(value);
}

function copy(value: string | string[]): string | string[] {
  return Array.isArray(value) ? [...value] : value;
}
