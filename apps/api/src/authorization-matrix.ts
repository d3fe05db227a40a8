import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionDispatcher } from '@siem/actions';
import { ROLES, roleAllows, type Permission, type Role } from '@siem/auth';
import type { SiemConfig } from '@siem/config';
import type { AgentRegistry, SenderStore } from '@siem/fleet';
import {
  createActionDeadLetterStore,
  createAuditStore,
  createDetectionStore,
  createSavedSearchStore,
  createStore,
  type ActionDeadLetterStore,
  type AuditStore,
  type DetectionStore,
  type SavedSearchStore,
} from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys, type TestKeys } from '@siem/testing';
import { buildApi } from './build-api';
import { poolReader } from './event-reader';
import { createAgentRegistry, createSenderStore } from './fleet';
import { createHandler } from './read-pool/read-handler';
import { JobError, type ReadPool } from './read-pool/read-pool';

/**
 * The authorization matrix (issue 13): every route the API registers × every role × a caller
 * of the tenant that owns the data and a caller of another tenant, on one store. It asserts the
 * status, and that no response to a caller ever holds a marker of the other tenant's data
 * (events, alerts, rules, saved searches, field values, aggregation buckets, export lines,
 * audit records, agents and their configurations, notification dead letters), and that counts
 * and totals are the caller's own.
 *
 * Routes are walked from the Fastify instance, so a new route fails here until it has a
 * sample request in SAMPLES. Run on the embedded store (unit test) and OpenSearch (integration).
 */
const OWNER = 'acme';
const OTHER = 'globex';
/** Words that occur only in one tenant's data: a response to the other tenant must never hold them. */
const MARKER: Record<string, string> = { [OWNER]: 'acmesecret', [OTHER]: 'globexsecret' };
const AT = '2026-12-04T10:00:00.000Z';
/** An agent id both tenants' collectors use: two agents, each listed only in its own tenant. */
const SHARED_AGENT_ID = 'matrix-shared-collector';
const RANGE = { from: '2026-12-04T00:00:00Z', to: '2026-12-05T00:00:00Z' };

interface TenantData {
  readonly eventIds: string[];
  readonly alertId: string;
  readonly ruleId: string;
  readonly savedSearchId: string;
  /** A collector of the tenant (its heartbeat in the registry) with a configuration of its own. */
  readonly agentId: string;
  readonly deadLetterId: string;
}

interface Context {
  /** The objects of the tenant that owns the data (acme); the other tenant's caller aims at them too. */
  readonly owner: TenantData;
  readonly detection: DetectionStore;
  readonly savedSearches: SavedSearchStore;
  readonly keys: TestKeys;
  readonly registry: AgentRegistry;
  readonly senders: SenderStore;
  readonly deadLetters: ActionDeadLetterStore;
}

/** A sample request of a route, with the status a permitted caller gets in the owning tenant and in the other one. */
interface Sample {
  readonly request: InjectOptions;
  readonly own: number;
  readonly other: number;
}

type SampleOf = (context: Context) => Promise<Sample> | Sample;

const ruleDocument = (id: string, title: string) => ({
  id,
  title,
  level: 'high',
  logsource: { product: 'linux', service: 'sshd' },
  detection: { keywords: ['*Corrupted MAC on input*'], condition: 'keywords' },
});

const sigmaYaml = (id: string) =>
  ['title: Imported sshd corrupted MAC', `id: ${id}`, 'status: test', 'logsource:', '  product: linux', '  service: sshd', 'detection:', '  keywords:', "    - '*Corrupted MAC on input*'", '  condition: keywords', 'level: medium', ''].join('\n');

/** A valid edge pipeline document (libs/edge), as an agent configuration carries it. */
const EDGE = { summaryIntervalS: 30, inputs: { file: { stages: [{ type: 'sample', rate: 10 }] } } };

const json = (method: InjectOptions['method'], url: string, payload?: unknown): InjectOptions => ({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
const same = (request: InjectOptions, status = 200): Sample => ({ request, own: status, other: status });
const owned = (request: InjectOptions, own = 200): Sample => ({ request, own, other: 404 });

/** One sample request per route, keyed `METHOD url` as Fastify registers it. */
const SAMPLES: Record<string, SampleOf> = {
  'GET /healthz': () => same(json('GET', '/healthz')),
  'GET /health': () => same(json('GET', '/health')),
  'GET /readyz': () => same(json('GET', '/readyz')),
  'GET /metrics': () => same(json('GET', '/metrics')),
  'GET /api/docs': () => same(json('GET', '/api/docs')),
  'GET /api/docs/': () => same(json('GET', '/api/docs/'), 302),
  'GET /api/docs/json': () => same(json('GET', '/api/docs/json')),
  'GET /api/docs/yaml': () => same(json('GET', '/api/docs/yaml')),
  'GET /api/docs/static/index.html': () => same(json('GET', '/api/docs/static/index.html'), 302),
  'GET /api/docs/static/swagger-initializer.js': () => same(json('GET', '/api/docs/static/swagger-initializer.js')),
  'GET /api/docs/static/*': () => same(json('GET', '/api/docs/static/swagger-ui.css')),
  'GET /api/v1/search': () => same(json('GET', `/api/v1/search?q=*&size=100&from=${RANGE.from}&to=${RANGE.to}`)),
  'POST /api/v1/search': () => same(json('POST', '/api/v1/search', { q: '', size: 100, ...RANGE })),
  'GET /api/v1/count': () => same(json('GET', `/api/v1/count?from=${RANGE.from}&to=${RANGE.to}`)),
  'GET /api/v1/events/:id': ({ owner }) => owned(json('GET', `/api/v1/events/${owner.eventIds[0]}`)),
  'GET /api/v1/fields': () => same(json('GET', `/api/v1/fields?sample=100&from=${RANGE.from}&to=${RANGE.to}`)),
  'POST /api/v1/export': () => same(json('POST', '/api/v1/export', { q: '', ...RANGE })),
  'POST /api/v1/aggregate': () => same(json('POST', '/api/v1/aggregate', { q: '', ...RANGE, aggs: { users: { type: 'terms', field: 'user.name' }, hosts: { type: 'cardinality', field: 'host.name' } } })),
  'GET /api/v1/saved-searches': () => same(json('GET', '/api/v1/saved-searches')),
  'POST /api/v1/saved-searches': () => same(json('POST', '/api/v1/saved-searches', { name: 'failed logins', q: 'event.outcome:failure' }), 201),
  'GET /api/v1/saved-searches/:id': ({ owner }) => owned(json('GET', `/api/v1/saved-searches/${owner.savedSearchId}`)),
  'PUT /api/v1/saved-searches/:id': ({ owner }) => owned(json('PUT', `/api/v1/saved-searches/${owner.savedSearchId}`, { name: `${MARKER[OWNER]} search`, q: 'user.name:*' })),
  'DELETE /api/v1/saved-searches/:id': async ({ savedSearches }) => {
    const doomed = await savedSearches.create({ name: `${MARKER[OWNER]} doomed`, q: '*', tenant: OWNER });
    return owned(json('DELETE', `/api/v1/saved-searches/${doomed.id}`), 204);
  },
  'GET /api/v1/rules/schema': () => same(json('GET', '/api/v1/rules/schema')),
  'GET /api/v1/rules': () => same(json('GET', '/api/v1/rules')),
  'GET /api/v1/rules/:id': ({ owner }) => owned(json('GET', `/api/v1/rules/${owner.ruleId}`)),
  'GET /api/v1/rules/:id/versions': ({ owner }) => owned(json('GET', `/api/v1/rules/${owner.ruleId}/versions`)),
  'DELETE /api/v1/rules/:id': async ({ detection }) => {
    const id = randomUUID();
    await detection.saveRules([{ ...ruleDocument(id, `${MARKER[OWNER]} doomed rule`), enabled: true, tenant: OWNER }]);
    return owned(json('DELETE', `/api/v1/rules/${id}`), 204);
  },
  'POST /api/v1/rules/:id/enable': ({ owner }) => owned(json('POST', `/api/v1/rules/${owner.ruleId}/enable`)),
  'POST /api/v1/rules/:id/disable': ({ owner }) => owned(json('POST', `/api/v1/rules/${owner.ruleId}/disable`)),
  'POST /api/v1/rules/import': () => same(json('POST', '/api/v1/rules/import', { files: [{ name: 'imported.yml', content: sigmaYaml(randomUUID()) }] })),
  'POST /api/v1/rules/test': ({ owner }) => owned(json('POST', '/api/v1/rules/test', { ruleId: owner.ruleId, ...RANGE })),
  'POST /api/v1/rules': () => same({ method: 'POST', url: '/api/v1/rules', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(ruleDocument(randomUUID(), 'new sshd rule')) }, 201),
  'PUT /api/v1/rules/:id': ({ owner }) => owned({ method: 'PUT', url: `/api/v1/rules/${owner.ruleId}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(ruleDocument(owner.ruleId, `${MARKER[OWNER]} rule`)) }),
  'GET /api/v1/alerts': () => same(json('GET', '/api/v1/alerts')),
  'GET /api/v1/alerts/:id': ({ owner }) => owned(json('GET', `/api/v1/alerts/${owner.alertId}`)),
  'PATCH /api/v1/alerts/:id': ({ owner }) => owned(json('PATCH', `/api/v1/alerts/${owner.alertId}`, { assignee: 'analyst-1' })),
  'POST /api/v1/alerts/:id/comments': ({ owner }) => owned(json('POST', `/api/v1/alerts/${owner.alertId}/comments`, { text: 'looked at it' }), 201),
  'POST /api/v1/alerts/_bulk_update': ({ owner }) => same(json('POST', '/api/v1/alerts/_bulk_update', { ids: [owner.alertId], update: { assignee: 'analyst-2' } })),
  'GET /api/v1/incidents': () => same(json('GET', `/api/v1/incidents?from=${RANGE.from}&to=${RANGE.to}`)),
  'GET /api/v1/attack/coverage': () => same(json('GET', '/api/v1/attack/coverage')),
  'GET /api/v1/audit': () => same(json('GET', '/api/v1/audit')),
  'GET /api/v1/keys': () => same(json('GET', '/api/v1/keys')),
  'POST /api/v1/keys': () => same(json('POST', '/api/v1/keys', { name: 'matrix key', role: 'viewer' }), 201),
  'DELETE /api/v1/keys/:id': async ({ keys }) => {
    const { record } = await keys.keys.create({ name: 'doomed key', role: 'viewer', tenant: OWNER });
    return owned(json('DELETE', `/api/v1/keys/${record.id}`), 204);
  },
  'GET /api/v1/agents': () => same(json('GET', '/api/v1/agents')),
  'PUT /api/v1/agents/config/:target': () => same(json('PUT', '/api/v1/agents/config/matrix-agent', { version: 'matrix-1', edge: EDGE })),
  'GET /api/v1/agents/config/:target': ({ owner }) => owned(json('GET', `/api/v1/agents/config/${owner.agentId}`)),
  // What an agent fetches with its own (ingest) key: another tenant's agent of that id has no configuration there.
  'GET /api/v1/agents/:id/config': ({ owner }) => owned(json('GET', `/api/v1/agents/${owner.agentId}/config`)),
  'POST /api/v1/agents/enrol': () => same(json('POST', '/api/v1/agents/enrol', { id: 'matrix-enrolled' }), 201),
  'GET /api/v1/senders': () => same(json('GET', '/api/v1/senders')),
  'GET /api/v1/senders/unknown': () => same(json('GET', '/api/v1/senders/unknown')),
  'GET /api/v1/senders/:kind/:id': () => owned(json('GET', `/api/v1/senders/address/${SENDER[OWNER]}`)),
  'PUT /api/v1/senders/:kind/:id': () => same(json('PUT', '/api/v1/senders/agent/matrix-gateway', { site: 'matrix-site', criticality: 'high' })),
  'DELETE /api/v1/senders/:kind/:id': async ({ senders }) => {
    await senders.put({ kind: 'mqtt_client', id: 'doomed-sensor', tenant: OWNER, owner: MARKER[OWNER]!, updatedAt: AT });
    return owned(json('DELETE', '/api/v1/senders/mqtt_client/doomed-sensor'), 204);
  },
  'GET /api/v1/actions/dead-letters': () => same(json('GET', '/api/v1/actions/dead-letters')),
  // The owner's dead letter is a Kafka notification, which the API (no bus producer) answers 409: resend from a processor.
  'POST /api/v1/actions/dead-letters/:id/resend': ({ owner }) => owned(json('POST', `/api/v1/actions/dead-letters/${owner.deadLetterId}/resend`), 409),
};

/** Each tenant's registered sender (a syslog source address) and an unknown one, carrying its marker. */
const SENDER: Record<string, string> = { [OWNER]: '192.0.2.77', [OTHER]: '192.0.2.88' };
async function seedSenders(senders: SenderStore): Promise<void> {
  for (const tenant of [OWNER, OTHER]) {
    await senders.put({ kind: 'address', id: SENDER[tenant]!, tenant, site: `${MARKER[tenant]}-site`, owner: MARKER[tenant]!, updatedAt: AT });
    await senders.recordUnknown([{ kind: 'mqtt_client', id: `${MARKER[tenant]}-sensor`, tenant, firstSeen: AT, lastSeen: AT, events: 1 }]);
  }
}

/** The events, alert, rule and saved search of one tenant, each carrying the tenant's marker. */
async function seed(tenant: string, config: SiemConfig, { detection, savedSearches, registry, deadLetters }: Pick<Context, 'detection' | 'savedSearches' | 'registry' | 'deadLetters'>): Promise<TenantData> {
  const marker = MARKER[tenant]!;
  const eventIds = [0, 1, 2].map((i) => `${tenant}-event-${i}-${randomUUID()}`);
  const documents = eventIds.map((id, i) => ({
    id,
    timestamp: AT,
    document: {
      '@timestamp': AT,
      message: `Corrupted MAC on input from ${marker}-host${i === 2 ? ' (sent through _bulk)' : ''}`,
      user: { name: `${marker}-user` },
      host: { name: `${marker}-host` },
      event: { outcome: 'failure', dataset: 'linux_auth', ...(i === 2 ? { original: `{"organization":{"id":"${tenant === OWNER ? OTHER : OWNER}"},"message":"forged"}` } : {}) },
      labels: { [`${marker}_label`]: marker },
      organization: { id: tenant },
    },
  }));
  const store = createStore(config);
  await store.ensureReady();
  const indexed = await store.bulkIndex(documents);
  expect(indexed.rejected).toEqual([]);
  await store.close();
  const ruleId = randomUUID();
  await detection.saveRules([{ ...ruleDocument(ruleId, `${marker} rule`), enabled: true, tenant }]);
  const alertId = `${tenant}-alert-${randomUUID()}`;
  await detection.writeAlerts([
    {
      id: alertId,
      alert: {
        '@timestamp': AT,
        message: `${marker} rule`,
        rule: { id: ruleId, title: `${marker} rule`, level: 'high', tags: ['attack.t1190'] },
        threat: { technique: { id: ['T1190'] }, tactic: { name: ['initial-access'] } },
        alert: { status: 'open', detected_at: AT },
        event: { id: eventIds[0]! },
        host: { name: `${marker}-host` },
        user: { name: `${marker}-user` },
        organization: { id: tenant },
      },
    },
  ]);
  const saved = await savedSearches.create({ name: `${marker} search`, q: `user.name:${marker}-user`, tenant });
  const agentId = `${tenant}-collector-${randomUUID().slice(0, 8)}`;
  for (const id of [agentId, SHARED_AGENT_ID]) {
    await registry.record(
      {
        id,
        role: 'collector',
        version: '1.0.0',
        host: `${marker}-host`,
        tenant,
        inputs: [`file:/var/log/${marker}/auth.log`],
        spool: { bytes: 0, maxBytes: 1024, records: 0 },
        lagSeconds: 0,
        configVersion: `${marker}-1`,
        intervalS: 30,
        startedAt: AT,
        sentAt: AT,
      },
      new Date().toISOString(),
    );
  }
  await registry.setConfig({ target: agentId, tenant, version: `${marker}-1`, edge: EDGE, updatedAt: AT });
  const deadLetterId = `${tenant}-letter-${randomUUID()}`;
  await deadLetters.add({
    id: deadLetterId,
    failed_at: AT,
    rule_id: ruleId,
    alert_id: alertId,
    tenant,
    action: { id: `${marker}-notify`, type: 'kafka', topic: `siem.${marker}-alerts` },
    payload: `{"message":"${marker} rule"}`,
    attempts: 5,
    error: `${marker}: the broker refused the record`,
  });
  return { eventIds, alertId, ruleId, savedSearchId: saved.id, agentId, deadLetterId };
}

export function describeAuthorizationMatrix(name: string, makeConfig: () => Promise<SiemConfig>, refresh: () => Promise<void> = async () => {}): void {
  describe(`authorization matrix – ${name}`, () => {
    let app: FastifyInstance;
    let context: Context;
    let audit: AuditStore;
    const routes: { method: string; url: string; permission: Permission | undefined }[] = [];
    const callers = new Map<string, Record<string, string>>();

    beforeAll(async () => {
      const config = await makeConfig();
      const detection = createDetectionStore(config);
      const savedSearches = createSavedSearchStore(config);
      audit = createAuditStore(config);
      const registry = createAgentRegistry(config);
      const deadLetters = createActionDeadLetterStore(config);
      const senders = createSenderStore(config);
      await Promise.all([detection.ensureReady(), savedSearches.ensureReady(), audit.ensureReady(), registry.ensureReady(), deadLetters.ensureReady(), senders.ensureReady()]);
      const keys = await testKeys();
      const stores = { detection, savedSearches, registry, deadLetters, senders };
      await seedSenders(senders);
      const owner = await seed(OWNER, config, stores);
      await seed(OTHER, config, stores);
      await refresh();
      const handle = await createHandler({ config });
      const pool = {
        run: async (job: never) => {
          try {
            return await handle(job);
          } catch (error) {
            const failure = error as Error & { code: string; retryable?: boolean; details?: Record<string, unknown>; statusCode?: number };
            throw new JobError(failure.code, failure.message, failure.retryable === true, failure.details, failure.statusCode);
          }
        },
      } as unknown as ReadPool;
      const logger = createLogger('matrix', 'silent');
      const metrics = new MetricsRegistry();
      app = buildApi({
        reader: poolReader(pool),
        logger,
        metrics,
        detection,
        savedSearches,
        keys: keys.keys,
        security: { audit },
        agents: { registry, policy: { missingAfterIntervals: 3 }, keys: keys.keys, senders },
        actions: { deadLetters, dispatcher: createActionDispatcher({ deadLetters, logger, metrics }) },
      });
      app.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, permission: route.config?.permission });
      });
      await app.ready();
      for (const role of ROLES) for (const tenant of [OWNER, OTHER]) callers.set(`${role}@${tenant}`, await keys.headersFor(role, tenant));
      context = { owner, keys, ...stores };
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await context?.detection.close();
      await context?.savedSearches.close();
      await context?.registry.close();
      await context?.senders.close();
      await context?.deadLetters.close();
      await context?.keys.close();
    });

    it('has a sample request for every registered route, and every route declares a permission', () => {
      expect(routes.length).toBeGreaterThan(40);
      const missing = routes.map((route) => `${route.method} ${route.url}`).filter((key) => !(key in SAMPLES));
      expect(missing, 'routes without a sample request in SAMPLES (authorization-matrix.ts)').toEqual([]);
      expect(routes.filter((route) => route.permission === undefined)).toEqual([]);
    });

    it('answers every route × role × own and other tenant with the expected status, and never with the other tenant\'s data', async () => {
      const failures: string[] = [];
      for (const route of routes) {
        const sampleOf = SAMPLES[`${route.method} ${route.url}`];
        if (!sampleOf || !route.permission) continue;
        for (const role of ROLES) {
          for (const tenant of [OWNER, OTHER]) {
            const sample = await sampleOf(context);
            const response = await app.inject({ ...sample.request, headers: { ...(sample.request.headers as Record<string, string> | undefined), ...callers.get(`${role}@${tenant}`) } });
            const allowed = roleAllows(role as Role, route.permission);
            const expected = !allowed ? 403 : tenant === OWNER ? sample.own : sample.other;
            const where = `${route.method} ${route.url} as ${role}@${tenant}`;
            if (response.statusCode !== expected) failures.push(`${where}: ${response.statusCode}, expected ${expected}: ${response.body.slice(0, 200)}`);
            const foreign = MARKER[tenant === OWNER ? OTHER : OWNER]!;
            if (response.body.includes(foreign)) failures.push(`${where}: the answer holds the other tenant's ${foreign}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);

    it('gives each tenant its own counts, totals, buckets, field values and export, including events sent with a forged organization.id', async () => {
      for (const tenant of [OWNER, OTHER]) {
        const as = callers.get(`viewer@${tenant}`)!;
        const marker = MARKER[tenant]!;
        const count = await app.inject({ url: `/api/v1/count?from=${RANGE.from}&to=${RANGE.to}`, headers: as });
        expect(count.json(), tenant).toEqual({ count: 3 });
        const aggregated = (await app.inject({ method: 'POST', url: '/api/v1/aggregate', headers: as, payload: { q: '', ...RANGE, aggs: { users: { type: 'terms', field: 'user.name' }, tenants: { type: 'terms', field: 'organization.id' }, hosts: { type: 'terms', field: 'host.name' }, outcomes: { type: 'terms', field: 'event.outcome' }, hourly: { type: 'date_histogram', interval: '1h' } } } })).json();
        expect(aggregated.total).toBe(3);
        expect(aggregated.aggs.users.buckets).toEqual([{ key: `${marker}-user`, count: 3 }]);
        expect(aggregated.aggs.tenants.buckets).toEqual([{ key: tenant, count: 3 }]);
        // Terms and hourly histograms over whole hours may come from the embedded store's rollups: they too are the caller's own.
        expect(aggregated.aggs.hosts.buckets).toEqual([{ key: `${marker}-host`, count: 3 }]);
        expect(aggregated.aggs.outcomes.buckets).toEqual([{ key: 'failure', count: 3 }]);
        expect(aggregated.aggs.hourly.buckets.reduce((sum: number, bucket: { count: number }) => sum + bucket.count, 0)).toBe(3);
        const forged = (await app.inject({ url: `/api/v1/count?q=${encodeURIComponent(`organization.id:${tenant === OWNER ? OTHER : OWNER}`)}&from=${RANGE.from}&to=${RANGE.to}`, headers: as })).json();
        expect(forged).toEqual({ count: 0 });
        const fields = (await app.inject({ url: `/api/v1/fields?sample=100&from=${RANGE.from}&to=${RANGE.to}`, headers: as })).json();
        expect(fields.sampled).toBe(3);
        expect(fields.fields.find((field: { name: string }) => field.name === 'organization.id').values).toEqual([tenant]);
        const exported = (await app.inject({ method: 'POST', url: '/api/v1/export', headers: as, payload: { q: '', ...RANGE } })).body.trim().split('\n');
        expect(exported).toHaveLength(3);
        expect(exported.every((line) => line.includes(marker) && JSON.parse(line).organization.id === tenant)).toBe(true);
        const alerts = (await app.inject({ url: '/api/v1/alerts', headers: as })).json();
        expect(alerts.total).toBe(1);
        const rules = (await app.inject({ url: '/api/v1/rules', headers: as })).json();
        expect(rules.rules.every((rule: { title: string }) => !rule.title.includes(MARKER[tenant === OWNER ? OTHER : OWNER]!))).toBe(true);
      }
    });

    it('lists, configures, enrols and resends only within the caller\'s tenant: agents, their configurations and notification dead letters', async () => {
      for (const tenant of [OWNER, OTHER]) {
        const marker = MARKER[tenant]!;
        const agents = (await app.inject({ url: '/api/v1/agents', headers: callers.get(`viewer@${tenant}`)! })).json().agents as { id: string; tenant: string; host: string }[];
        expect(agents.length, tenant).toBeGreaterThan(0);
        expect(agents.every((agent) => agent.tenant === tenant && agent.host === `${marker}-host`)).toBe(true);
        expect(agents.filter((agent) => agent.id === SHARED_AGENT_ID)).toHaveLength(1);
        const letters = (await app.inject({ url: '/api/v1/actions/dead-letters', headers: callers.get(`viewer@${tenant}`)! })).json();
        expect(letters.total).toBe(1);
        expect(letters.letters.map((letter: { tenant: string; error: string }) => [letter.tenant, letter.error.startsWith(marker)])).toEqual([[tenant, true]]);
        // An agent's key enrols agents of its own tenant only.
        const enrolled = (await app.inject({ method: 'POST', url: '/api/v1/agents/enrol', headers: callers.get(`ingest@${tenant}`)!, payload: { id: `${tenant}-new-agent` } })).json();
        expect(await context.keys.keys.verify(enrolled.key)).toMatchObject({ role: 'ingest', tenant });
      }
      // A configuration set by one tenant for an agent id is not the configuration of the other tenant's agent of that id.
      const admin = (tenant: string) => callers.get(`admin@${tenant}`)!;
      expect((await app.inject({ method: 'PUT', url: '/api/v1/agents/config/shared-name', headers: admin(OWNER), payload: { version: `${MARKER[OWNER]}-shared`, edge: EDGE } })).statusCode).toBe(200);
      expect((await app.inject({ url: '/api/v1/agents/shared-name/config', headers: callers.get(`ingest@${OTHER}`)! })).statusCode).toBe(404);
      expect((await app.inject({ url: '/api/v1/agents/shared-name/config', headers: callers.get(`ingest@${OWNER}`)! })).json()).toMatchObject({ tenant: OWNER, version: `${MARKER[OWNER]}-shared` });
      // The other tenant's resend never reaches the dispatcher, and the letter stays for its owner.
      expect((await app.inject({ method: 'POST', url: `/api/v1/actions/dead-letters/${context.owner.deadLetterId}/resend`, headers: admin(OTHER) })).statusCode).toBe(404);
      expect(await context.deadLetters.get(context.owner.deadLetterId)).toMatchObject({ tenant: OWNER });
    });
  });
}
