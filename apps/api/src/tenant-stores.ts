import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT, GLOBAL_TENANT } from '@siem/schema';
import { StoreError, StoreErrorCodes, tenantQuery, type AlertModification, type DetectionStore, type RuleDocument, type SavedSearchStore, type StoredAlert, type StoredRule } from '@siem/store';
import { callerTenant } from './caller-tenant';
import { ApiError, ApiErrorCodes } from './errors';

/**
 * Rules, alerts and saved searches confined to the caller's tenant, in one place: the API
 * hands its routes these wrappers instead of the stores, and each call reads the tenant of
 * the request it runs in (set by a preHandler hook), so no route can forget it. A call made
 * outside a request fails instead of seeing every tenant.
 *
 * Rules: a tenant sees its own and the global ones (tenant `*`), and changes only its own;
 * an admin of `default` creates a global rule with `?scope=global` and may change global ones.
 * A rule of another tenant, an alert or saved search of another tenant, is answered as absent.
 */
interface RequestScope {
  readonly tenant: string;
  /** An admin of the default tenant: may create and change global rules. */
  readonly globalAdmin: boolean;
  /** The request asked for a global rule (`?scope=global`). */
  readonly wantsGlobal: boolean;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function registerTenantScope(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const tenant = callerTenant(request);
    const globalAdmin = tenant === DEFAULT_TENANT && (request.principal === undefined || request.principal.role === 'admin');
    const wantsGlobal = (request.query as { scope?: unknown } | undefined)?.scope === 'global';
    scopes.run({ tenant, globalAdmin, wantsGlobal }, done);
  });
}

function scope(): RequestScope {
  const current = scopes.getStore();
  if (!current) throw new StoreError(StoreErrorCodes.searchFailed, 'A tenant store was used outside a request; nothing was read.', { retryable: false });
  return current;
}

const tenantOfRule = (rule: RuleDocument): string => (typeof rule.tenant === 'string' ? rule.tenant : DEFAULT_TENANT);
const tenantOfAlert = (alert: StoredAlert): string | undefined => {
  const organization = alert.alert.organization as { id?: unknown } | undefined;
  return typeof organization?.id === 'string' ? organization.id : undefined;
};

/** The rule as clients see and send it: without the store's tenant key, which the rule schema does not know. */
function clientRule(stored: StoredRule): StoredRule {
  const rule: Record<string, unknown> = { ...stored.rule };
  delete rule.tenant;
  return { ...stored, rule: rule as RuleDocument };
}

function ruleConflict(id: string): ApiError {
  return new ApiError(ApiErrorCodes.ruleExists, `A rule with the id ${id} exists and is not this tenant's to change; give the rule another id.`, 409);
}

export function tenantDetection(store: DetectionStore): DetectionStore {
  const visible = (rule: RuleDocument, tenant: string) => tenantOfRule(rule) === tenant || tenantOfRule(rule) === GLOBAL_TENANT;
  const writable = (rule: RuleDocument, current: RequestScope) => tenantOfRule(rule) === current.tenant || (tenantOfRule(rule) === GLOBAL_TENANT && current.globalAdmin);
  const ownAlert = async (id: string, tenant: string) => {
    const stored = await store.getAlert(id);
    return stored !== undefined && tenantOfAlert(stored) === tenant ? stored : undefined;
  };
  return {
    ...store,
    ensureReady: () => store.ensureReady(),
    close: () => store.close(),
    rulesRevision: () => store.rulesRevision(),
    writeAlerts: (alerts) => store.writeAlerts(alerts),
    mergeAlerts: (alerts) => store.mergeAlerts(alerts),
    async listRules(filter) {
      const { tenant } = scope();
      return (await store.listRules(filter)).filter((stored) => visible(stored.rule, tenant)).map(clientRule);
    },
    async getRule(id) {
      const { tenant } = scope();
      const stored = await store.getRule(id);
      return stored && visible(stored.rule, tenant) ? clientRule(stored) : undefined;
    },
    async ruleVersions(id) {
      const { tenant } = scope();
      const versions = await store.ruleVersions(id);
      return versions.length > 0 && visible(versions[0]!.rule, tenant) ? versions.map(clientRule) : [];
    },
    async saveRules(rules) {
      const current = scope();
      const stamped: RuleDocument[] = [];
      for (const rule of rules) {
        const existing = await store.getRule(rule.id);
        if (existing && !writable(existing.rule, current)) throw ruleConflict(rule.id);
        const tenant = existing ? tenantOfRule(existing.rule) : current.wantsGlobal && current.globalAdmin ? GLOBAL_TENANT : current.tenant;
        stamped.push({ ...rule, tenant });
      }
      return (await store.saveRules(stamped)).map((result) => ({ ...result, stored: clientRule(result.stored) }));
    },
    async deleteRule(id) {
      const current = scope();
      const existing = await store.getRule(id);
      if (!existing || !writable(existing.rule, current)) return false;
      return store.deleteRule(id);
    },
    async searchAlerts(search) {
      const { tenant } = scope();
      return store.searchAlerts({ ...search, query: tenantQuery(search.query ?? { root: { kind: 'all' } }, tenant) });
    },
    async getAlert(id) {
      return ownAlert(id, scope().tenant);
    },
    async modifyAlerts(ids, change) {
      const { tenant } = scope();
      const own: string[] = [];
      for (const id of ids) if (await ownAlert(id, tenant)) own.push(id);
      const changed = new Map((await store.modifyAlerts(own, (current) => (tenantOfAlert(current) === tenant ? change(current) : undefined))).map((result) => [result.id, result]));
      return ids.map((id): AlertModification => changed.get(id) ?? { id, outcome: 'not_found' });
    },
  };
}

export function tenantSavedSearches(store: SavedSearchStore): SavedSearchStore {
  const tenantOf = (saved: { tenant?: unknown }) => (typeof saved.tenant === 'string' ? saved.tenant : DEFAULT_TENANT);
  const own = async (id: string, tenant: string) => {
    const saved = await store.get(id);
    return saved && tenantOf(saved) === tenant ? saved : undefined;
  };
  return {
    ensureReady: () => store.ensureReady(),
    close: () => store.close(),
    async list() {
      const { tenant } = scope();
      return (await store.list()).filter((saved) => tenantOf(saved) === tenant);
    },
    get: async (id) => own(id, scope().tenant),
    create: async (input) => store.create({ ...input, tenant: scope().tenant }),
    async update(id, input) {
      const { tenant } = scope();
      return (await own(id, tenant)) ? store.update(id, { ...input, tenant }) : undefined;
    },
    async delete(id) {
      return (await own(id, scope().tenant)) ? store.delete(id) : false;
    },
  };
}
