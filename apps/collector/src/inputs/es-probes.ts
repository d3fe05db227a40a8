/**
 * The Elasticsearch endpoints shippers call before sending `_bulk`: the
 * version check (`GET /`; Filebeat refuses a cluster older than itself, so
 * the last 8.x is announced), licence and feature checks, Vector's health
 * check (`GET /_cluster/health`), and template, ILM policy, ingest pipeline
 * and index set-up, which are answered as if they existed or were created:
 * events here are normalised and stored by the SIEM's own pipeline.
 */
import type { FastifyInstance } from 'fastify';

export const ANNOUNCED_VERSION = '8.19.0';
const CLUSTER = 'siem';

const clusterInfo = {
  name: 'siem-collector',
  cluster_name: CLUSTER,
  cluster_uuid: 'siem-collector-00000000',
  version: {
    number: ANNOUNCED_VERSION,
    build_flavor: 'default',
    build_type: 'tar',
    build_hash: 'siem',
    build_date: '2025-01-01T00:00:00.000Z',
    build_snapshot: false,
    lucene_version: '9.12.0',
    minimum_wire_compatibility_version: '7.17.0',
    minimum_index_compatibility_version: '7.0.0',
  },
  tagline: 'You Know, for Search',
};

const license = { uid: 'siem', type: 'basic', mode: 'basic', status: 'active', issue_date_in_millis: 0, expiry_date_in_millis: 4_102_444_800_000, max_nodes: 1000 };

const health = {
  cluster_name: CLUSTER,
  status: 'green',
  timed_out: false,
  number_of_nodes: 1,
  number_of_data_nodes: 1,
  active_primary_shards: 0,
  active_shards: 0,
  relocating_shards: 0,
  initializing_shards: 0,
  unassigned_shards: 0,
  delayed_unassigned_shards: 0,
  number_of_pending_tasks: 0,
  number_of_in_flight_fetch: 0,
  task_max_waiting_in_queue_millis: 0,
  active_shards_percent_as_number: 100,
};

type Described = (name: string) => unknown;

/** Set-up resources: GET answers with a minimal definition, PUT/POST/DELETE acknowledge. */
const RESOURCES: readonly [string, Described][] = [
  ['/_index_template/:name', (name) => ({ index_templates: [{ name, index_template: { index_patterns: [`${name}*`], composed_of: [] } }] })],
  ['/_component_template/:name', (name) => ({ component_templates: [{ name, component_template: { template: {} } }] })],
  ['/_template/:name', (name) => ({ [name]: { order: 0, index_patterns: [`${name}*`], settings: {}, mappings: {}, aliases: {} } })],
  ['/_ilm/policy/:name', (name) => ({ [name]: { version: 1, modified_date: '2025-01-01T00:00:00.000Z', policy: { phases: {} } } })],
  ['/_ingest/pipeline/:name', (name) => ({ [name]: { description: 'accepted by the SIEM collector', processors: [] } })],
  ['/_data_stream/:name', (name) => ({ data_streams: [{ name, timestamp_field: { name: '@timestamp' }, indices: [], generation: 1, status: 'GREEN' }] })],
];

export function registerEsProbes(app: FastifyInstance): void {
  app.get('/', async () => clusterInfo);
  app.get('/_license', async () => ({ license }));
  app.get('/_xpack', async () => ({
    build: { hash: 'siem', date: clusterInfo.version.build_date },
    license,
    features: { ilm: { available: true, enabled: true }, security: { available: true, enabled: true } },
  }));
  app.get('/_cluster/health', async () => health);
  app.get('/_cluster/health/*', async () => health);
  const nodes = async () => ({ _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: CLUSTER, nodes: {} });
  app.get('/_nodes', nodes);
  app.get('/_nodes/*', nodes);
  for (const [url, describe] of RESOURCES) {
    app.get<{ Params: { name: string } }>(url, async (request) => describe(request.params.name));
    app.route<{ Params: { name: string } }>({ method: ['PUT', 'POST', 'DELETE'], url, handler: async () => ({ acknowledged: true }) });
  }
  app.head('/:index', async (_request, reply) => reply.code(200).send());
  app.put<{ Params: { index: string } }>('/:index', async (request) => ({ acknowledged: true, shards_acknowledged: true, index: request.params.index }));
}
