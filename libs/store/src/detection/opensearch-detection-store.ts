import { Client } from '@opensearch-project/opensearch';
import { StoreError, StoreErrorCodes } from '../errors';
import type { RejectedEvent } from '../types';
import { detectionIndexNames, type DetectionIndexNames } from './index-names';
import { MAX_SUPPRESSED_EVENT_IDS } from './alert-model';
import { byTitle, matchesRuleFilter, sameDocument } from './rule-filter';
import { SUPPRESSION_MERGE_SCRIPT, firstOfGroup } from './suppression-merge';
import { toTenantOpenSearchQuery } from '../tenant-scope';
import type {
  AlertChange,
  AlertModification,
  AlertSearch,
  AlertSearchResult,
  AlertWriteResult,
  DetectionStore,
  RuleDocument,
  RuleFilter,
  RuleSaveResult,
  StoredAlert,
  StoredRule,
} from './types';

export interface OpenSearchDetectionStoreOptions {
  readonly url: string;
  /** The event index prefix; the rule and alert indices are named after it (`detectionIndexNames`). */
  readonly indexPrefix: string;
  readonly replicas: number;
}

/** Rule documents hold arbitrary field names (Sigma selections): kept whole, never mapped. */
interface RuleSource {
  readonly ruleId: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly rule: RuleDocument;
}

const MAX_RULES = 10_000;
/**
 * Rounds of read-modify-write for alerts another writer changed in between. Every round one of the
 * racing writers wins, so a writer among N loses at most N - 1 times: this is room for 30 at once.
 */
const MODIFY_ATTEMPTS = 32;
/** Upper bound of the random pause before a retried round, so racing writers stop colliding in step. */
const MODIFY_RETRY_JITTER_MS = 25;
const endpoint = { properties: { ip: { type: 'ip' }, port: { type: 'integer' } } };
const ruleMappings = {
  dynamic: 'strict',
  properties: { ruleId: { type: 'keyword' }, version: { type: 'integer' }, createdAt: { type: 'date' }, updatedAt: { type: 'date' }, rule: { type: 'object', enabled: false } },
};
const alertMappings = {
  dynamic_templates: [{ strings_as_keywords: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 2048 } } }],
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
    alert: {
      properties: {
        detected_at: { type: 'date' },
        status: { type: 'keyword' },
        count: { type: 'long' },
        first_seen: { type: 'date' },
        last_seen: { type: 'date' },
        updated_at: { type: 'date' },
        comments: { properties: { at: { type: 'date' }, text: { type: 'text' } } },
        history: { properties: { at: { type: 'date' } } },
      },
    },
    source: endpoint,
    destination: endpoint,
    process: { properties: { pid: { type: 'long' } } },
  },
};

function storedRule(source: RuleSource): StoredRule {
  return { rule: source.rule, version: source.version, createdAt: source.createdAt, updatedAt: source.updatedAt };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

interface BulkItem {
  [operation: string]: { _id?: string; status: number; result?: string; error?: { type?: string; reason?: string } };
}

/** Rules, rule versions and alerts in their own OpenSearch indices beside the events. */
export class OpenSearchDetectionStore implements DetectionStore {
  readonly indices: DetectionIndexNames;
  private readonly client: Client;

  constructor(private readonly options: OpenSearchDetectionStoreOptions) {
    this.client = new Client({ node: options.url, requestTimeout: 30_000 });
    this.indices = detectionIndexNames(options.indexPrefix);
  }

  async ensureReady(): Promise<void> {
    const settings = { number_of_shards: 1, number_of_replicas: this.options.replicas };
    const wanted = [
      { index: this.indices.rules, mappings: ruleMappings },
      { index: this.indices.ruleVersions, mappings: ruleMappings },
      { index: this.indices.alerts, mappings: alertMappings },
    ];
    for (const { index, mappings } of wanted) {
      try {
        const exists = await this.client.indices.exists({ index });
        if (!exists.body) await this.client.indices.create({ index, body: { settings, mappings } as never });
      } catch (cause) {
        if (errorType(cause) === 'resource_already_exists_exception') continue;
        throw new StoreError(StoreErrorCodes.setupFailed, `Could not create the index ${index} at ${this.options.url}: ${(cause as Error).message}. Check SIEM_OPENSEARCH_URL and that the cluster is up.`, {
          cause,
          retryable: true,
        });
      }
    }
  }

  async listRules(filter: RuleFilter = {}): Promise<StoredRule[]> {
    const sources = await this.attempt(StoreErrorCodes.searchFailed, 'Listing the rules', async () => {
      const response = await this.client.search({ index: this.indices.rules, body: { query: { match_all: {} }, size: MAX_RULES } as never });
      return response.body.hits.hits.map((hit) => hit._source as RuleSource);
    });
    return sources
      .map(storedRule)
      .filter((stored) => matchesRuleFilter(stored.rule, filter))
      .sort(byTitle);
  }

  async getRule(id: string): Promise<StoredRule | undefined> {
    const [source] = await this.currentSources([id]);
    return source && storedRule(source);
  }

  async saveRules(rules: readonly RuleDocument[]): Promise<RuleSaveResult[]> {
    const previous = await this.currentSources(rules.map((rule) => rule.id));
    const now = new Date().toISOString();
    const results: RuleSaveResult[] = [];
    const written: { id: string; before?: RuleSource; source: RuleSource }[] = [];
    rules.forEach((rule, position) => {
      const before = previous[position];
      if (before && sameDocument(before.rule, rule)) {
        results.push({ stored: storedRule(before), outcome: 'unchanged' });
        return;
      }
      const source: RuleSource = { ruleId: rule.id, version: (before?.version ?? 0) + 1, createdAt: before?.createdAt ?? now, updatedAt: now, rule };
      written.push({ id: rule.id, before, source });
      results.push({ stored: storedRule(source), outcome: before ? 'updated' : 'created' });
    });
    if (written.length === 0) return results;
    const body = written.flatMap(({ id, source }) => [
      { index: { _index: this.indices.ruleVersions, _id: `${id}:${source.version}` } },
      source,
      { index: { _index: this.indices.rules, _id: id } },
      source,
    ]);
    const failed = await this.bulk(body, 'Saving rules');
    if (failed.length > 0) {
      // OpenSearch has no transactions: put back what this call changed, so that no import is half-saved.
      const undo = written.flatMap(({ id, before, source }) => [
        { delete: { _index: this.indices.ruleVersions, _id: `${id}:${source.version}` } },
        ...(before ? [{ index: { _index: this.indices.rules, _id: id } }, before] : [{ delete: { _index: this.indices.rules, _id: id } }]),
      ]);
      await this.bulk(undo, 'Undoing a failed rule save').catch(() => undefined);
      throw new StoreError(StoreErrorCodes.unavailable, `Saving ${written.length} rules failed (${failed[0]!.reason}); none was saved.`, { retryable: true });
    }
    return results;
  }

  async deleteRule(id: string): Promise<boolean> {
    return this.attempt(StoreErrorCodes.unavailable, 'Deleting a rule', async () => {
      const response = await this.client.delete({ index: this.indices.rules, id, refresh: true }, { ignore: [404] });
      await this.client.deleteByQuery({ index: this.indices.ruleVersions, refresh: true, body: { query: { term: { ruleId: id } } } as never });
      return response.body.result === 'deleted';
    });
  }

  async ruleVersions(id: string): Promise<StoredRule[]> {
    return this.attempt(StoreErrorCodes.searchFailed, 'Reading rule versions', async () => {
      const response = await this.client.search({
        index: this.indices.ruleVersions,
        body: { query: { term: { ruleId: id } }, sort: [{ version: { order: 'desc' } }], size: MAX_RULES } as never,
      });
      return response.body.hits.hits.map((hit) => storedRule(hit._source as RuleSource));
    });
  }

  async rulesRevision(): Promise<string> {
    return this.attempt(StoreErrorCodes.searchFailed, 'Reading the rules revision', async () => {
      // Creating or deleting changes the count, any change raises the sum of versions and the latest update.
      const response = await this.client.search({
        index: this.indices.rules,
        body: { size: 0, track_total_hits: true, aggs: { versions: { sum: { field: 'version' } }, latest: { max: { field: 'updatedAt' } } } } as never,
      });
      const total = response.body.hits.total;
      const aggregations = response.body.aggregations as { versions: { value: number }; latest: { value: number | null } };
      return `${typeof total === 'number' ? total : total?.value}:${aggregations.versions.value}:${aggregations.latest.value ?? 0}`;
    });
  }

  async writeAlerts(alerts: readonly StoredAlert[]): Promise<AlertWriteResult> {
    if (alerts.length === 0) return { rejected: [] };
    // `create` keeps an alert that exists: a redelivered event neither duplicates it nor resets its status.
    const body = alerts.flatMap(({ id, alert }) => [{ create: { _index: this.indices.alerts, _id: id } }, alert]);
    const created: string[] = [];
    const failures = await this.bulk(body, `Writing ${alerts.length} alerts`, { refresh: false, conflictsAreFine: true, created });
    return { rejected: failures, created };
  }

  async mergeAlerts(alerts: readonly StoredAlert[]): Promise<AlertWriteResult> {
    if (alerts.length === 0) return { rejected: [] };
    // An update retried on version conflicts: concurrent workers merging into one alert each count once.
    const body = alerts.flatMap(({ id, alert }) => [
      { update: { _index: this.indices.alerts, _id: id, retry_on_conflict: 10 } },
      {
        script: { lang: 'painless', source: SUPPRESSION_MERGE_SCRIPT, params: { event_id: alert.event.id, time: alert.alert.first_seen ?? alert['@timestamp'], max_ids: MAX_SUPPRESSED_EVENT_IDS } },
        upsert: firstOfGroup(alert),
      },
    ]);
    const created: string[] = [];
    const rejected = await this.bulk(body, `Merging ${alerts.length} suppressed alerts`, { refresh: false, created });
    return { rejected, created };
  }

  async modifyAlerts(ids: readonly string[], change: AlertChange): Promise<AlertModification[]> {
    const results = new Map<string, AlertModification>();
    let pending = [...new Set(ids)];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MODIFY_ATTEMPTS) {
        throw new StoreError(StoreErrorCodes.unavailable, `${pending.length} alerts kept changing under this update for ${MODIFY_ATTEMPTS} attempts; retry.`, { retryable: true });
      }
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * MODIFY_RETRY_JITTER_MS));
      const docs = await this.attempt(StoreErrorCodes.searchFailed, 'Reading alerts', async () => {
        const response = await this.client.mget({ index: this.indices.alerts, body: { ids: pending } as never, realtime: true });
        return response.body.docs as { _id: string; found?: boolean; _source?: StoredAlert['alert']; _seq_no?: number; _primary_term?: number }[];
      });
      const writes: { id: string; alert: StoredAlert['alert']; seqNo: number; primaryTerm: number }[] = [];
      for (const doc of docs) {
        if (!doc.found || !doc._source) {
          results.set(doc._id, { id: doc._id, outcome: 'not_found' });
          continue;
        }
        const before: StoredAlert = { id: doc._id, alert: doc._source };
        const after = change(before);
        if (after === undefined) results.set(doc._id, { id: doc._id, outcome: 'unchanged', alert: before });
        else writes.push({ id: doc._id, alert: after, seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 0 });
      }
      if (writes.length === 0) break;
      const items = await this.attempt(StoreErrorCodes.unavailable, `Changing ${writes.length} alerts`, async () => {
        const body = writes.flatMap(({ id, alert, seqNo, primaryTerm }) => [{ index: { _index: this.indices.alerts, _id: id, if_seq_no: seqNo, if_primary_term: primaryTerm } }, alert]);
        // wait_for: the list the analyst reloads next shows the change.
        const response = await this.client.bulk({ body: body as never, refresh: 'wait_for' });
        return response.body.items as BulkItem[];
      });
      pending = [];
      items.forEach((item, position) => {
        const write = writes[position]!;
        const result = Object.values(item)[0];
        if (result?.status === 409) pending.push(write.id);
        else if (result?.error) {
          throw new StoreError(StoreErrorCodes.unavailable, `Changing the alert ${write.id} failed: ${result.error.type ?? 'error'}: ${result.error.reason ?? 'unknown'}.`, {
            retryable: isRetryableStatus(result.status),
          });
        } else results.set(write.id, { id: write.id, outcome: 'updated', alert: { id: write.id, alert: write.alert } });
      });
    }
    return ids.map((id) => results.get(id) ?? { id, outcome: 'not_found' });
  }

  async searchAlerts(search: AlertSearch): Promise<AlertSearchResult> {
    const filter: Record<string, unknown>[] = [];
    if (search.ruleId !== undefined) filter.push({ term: { 'rule.id': search.ruleId } });
    if (search.level !== undefined) filter.push({ term: { 'rule.level': search.level } });
    if (search.status !== undefined) filter.push({ term: { 'alert.status': search.status } });
    if (search.from !== undefined || search.to !== undefined) {
      filter.push({ range: { '@timestamp': { ...(search.from === undefined ? {} : { gte: search.from }), ...(search.to === undefined ? {} : { lte: search.to }) } } });
    }
    const query = { bool: { must: search.query ? [toTenantOpenSearchQuery(search.query)] : [{ match_all: {} }], filter } };
    return this.attempt(StoreErrorCodes.searchFailed, 'Searching alerts', async () => {
      const response = await this.client.search({
        index: this.indices.alerts,
        body: { query, sort: [{ 'alert.detected_at': { order: 'desc' } }, { _id: { order: 'desc' } }], size: search.size, track_total_hits: true } as never,
      });
      const hits = response.body.hits;
      const total = typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0);
      return { total, alerts: hits.hits.map((hit) => ({ id: hit._id ?? '', alert: hit._source as StoredAlert['alert'] })) };
    });
  }

  async getAlert(id: string): Promise<StoredAlert | undefined> {
    return this.attempt(StoreErrorCodes.searchFailed, 'Reading an alert', async () => {
      const response = await this.client.get({ index: this.indices.alerts, id }, { ignore: [404] });
      const body = response.body as { found?: boolean; _source?: StoredAlert['alert'] };
      return body.found && body._source ? { id, alert: body._source } : undefined;
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async currentSources(ids: readonly string[]): Promise<(RuleSource | undefined)[]> {
    if (ids.length === 0) return [];
    return this.attempt(StoreErrorCodes.searchFailed, 'Reading rules', async () => {
      const response = await this.client.mget({ index: this.indices.rules, body: { ids } as never, realtime: true });
      return (response.body.docs as { found?: boolean; _source?: RuleSource }[]).map((doc) => (doc.found ? doc._source : undefined));
    });
  }

  /** Sends a bulk body; returns the items refused for good, throws a retryable StoreError for the rest. */
  private async bulk(body: unknown[], action: string, options: { refresh?: boolean; conflictsAreFine?: boolean; created?: string[] } = {}): Promise<RejectedEvent[]> {
    const items = await this.attempt(StoreErrorCodes.unavailable, action, async () => {
      // Rule changes are few and must be visible to the next revision poll at once; alerts follow the index's refresh.
      const response = await this.client.bulk({ body: body as never, refresh: options.refresh !== false });
      return response.body.items as BulkItem[];
    });
    const rejected: RejectedEvent[] = [];
    let retryable = 0;
    for (const item of items) {
      const result = Object.values(item)[0];
      if (result?.result === 'created') options.created?.push(result._id ?? '');
      if (!result?.error) continue;
      if (options.conflictsAreFine && result.status === 409) continue;
      if (isRetryableStatus(result.status)) retryable++;
      else rejected.push({ id: result._id ?? '', status: result.status, reason: `${result.error.type ?? 'error'}: ${result.error.reason ?? 'unknown'}` });
    }
    if (retryable > 0) throw new StoreError(StoreErrorCodes.unavailable, `${action}: ${retryable} items were refused as temporarily unavailable; retry.`, { retryable: true });
    return rejected;
  }

  private async attempt<T>(code: (typeof StoreErrorCodes)['searchFailed' | 'unavailable'], action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(code, `${action} failed in OpenSearch: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }
}

function errorType(error: unknown): string | undefined {
  return (error as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
}
