import { Client } from '@opensearch-project/opensearch';
import { StoreError, StoreErrorCodes } from '../errors';
import { checkpointConflict } from './embedded-scheduler-state-store';
import { checkpointText, type Checkpoint, type Lease, type SchedulerStateStore } from './types';

/** The state index beside the events of `eventPrefix` (`siem-events-` gives `siem-state`), outside their pattern. */
export function stateIndexName(eventPrefix: string): string {
  const base = eventPrefix.endsWith('events-') ? eventPrefix.slice(0, -'events-'.length) : `${eventPrefix.replace(/[-_.]+$/, '')}.`;
  return `${base}state`;
}

interface OpenSearchFailure {
  meta?: { statusCode?: number };
}

const isConflict = (error: unknown) => (error as OpenSearchFailure).meta?.statusCode === 409;

/**
 * Leases, checkpoints and throttles as documents of one index (`lease:<name>`,
 * `checkpoint:<name>`, `throttle:<key>`, the last changed by a scripted update). A
 * lease changes by create (op_type create) or by an index request with if_seq_no and
 * if_primary_term of the version read, so of two schedulers racing for it one gets 409 and
 * stays standby. A checkpoint carries an external version: writing `expected + 1` fails with
 * 409 once someone else wrote it. Reads are real-time gets, not searches, so no refresh is needed.
 */
export class OpenSearchSchedulerStateStore implements SchedulerStateStore {
  readonly index: string;
  private readonly client: Client;
  private readonly replicas: number;

  constructor(options: { readonly url: string; readonly indexPrefix: string; readonly replicas: number }) {
    this.client = new Client({ node: options.url, requestTimeout: 30_000 });
    this.index = stateIndexName(options.indexPrefix);
    this.replicas = options.replicas;
  }

  async ensureReady(): Promise<void> {
    await this.call('Creating the scheduler state index', async () => {
      const exists = await this.client.indices.exists({ index: this.index });
      if (exists.body) return;
      await this.client.indices
        .create({ index: this.index, body: { settings: { number_of_shards: 1, number_of_replicas: this.replicas }, mappings: { dynamic: false, properties: {} } } as never })
        .catch((error: { meta?: { body?: { error?: { type?: string } } } }) => {
          if (error.meta?.body?.error?.type !== 'resource_already_exists_exception') throw error;
        });
    });
  }

  async acquireLease(name: string, holder: string, ttlMs: number, now = Date.now()): Promise<Lease | undefined> {
    return this.call('Taking the scheduler lease', async () => {
      const id = `lease:${name}`;
      const current = await this.client.get({ index: this.index, id }, { ignore: [404] });
      const expiresAt = now + ttlMs;
      try {
        if (!current.body.found) {
          await this.client.index({ index: this.index, id, op_type: 'create', body: { holder, epoch: 1, expiresAt } as never });
          return { name, holder, epoch: 1, expiresAt };
        }
        const stored = current.body._source as { holder: string; epoch: number; expiresAt: number };
        if (stored.holder !== holder && stored.expiresAt > now) return undefined;
        const epoch = stored.holder === holder && stored.expiresAt > now ? stored.epoch : stored.epoch + 1;
        await this.client.index({
          index: this.index,
          id,
          if_seq_no: current.body._seq_no as number,
          if_primary_term: current.body._primary_term as number,
          body: { holder, epoch, expiresAt } as never,
        });
        return { name, holder, epoch, expiresAt };
      } catch (error) {
        if (isConflict(error)) return undefined;
        throw error;
      }
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.call('Releasing the scheduler lease', async () => {
      const id = `lease:${name}`;
      const current = await this.client.get({ index: this.index, id }, { ignore: [404] });
      const stored = current.body._source as { holder: string; epoch: number } | undefined;
      if (!current.body.found || stored?.holder !== holder) return;
      await this.client
        .index({ index: this.index, id, if_seq_no: current.body._seq_no as number, if_primary_term: current.body._primary_term as number, body: { holder, epoch: stored.epoch, expiresAt: 0 } as never })
        .catch((error: unknown) => {
          // Taken over meanwhile: nothing left to release.
          if (!isConflict(error)) throw error;
        });
    });
  }

  async readLease(name: string): Promise<Lease | undefined> {
    return this.call('Reading the scheduler lease', async () => {
      const current = await this.client.get({ index: this.index, id: `lease:${name}` }, { ignore: [404] });
      if (!current.body.found) return undefined;
      const stored = current.body._source as { holder: string; epoch: number; expiresAt: number };
      return { name, holder: stored.holder, epoch: stored.epoch, expiresAt: stored.expiresAt };
    });
  }

  async readCheckpoint(name: string): Promise<Checkpoint | undefined> {
    return this.call('Reading a checkpoint', async () => {
      const current = await this.client.get({ index: this.index, id: `checkpoint:${name}` }, { ignore: [404] });
      if (!current.body.found) return undefined;
      const stored = current.body._source as { savedAt: string; state: string };
      return { name, version: current.body._version as number, savedAt: stored.savedAt, state: JSON.parse(stored.state) as unknown };
    });
  }

  async writeCheckpoint(name: string, state: unknown, expectedVersion: number): Promise<number> {
    try {
      await this.client.index({
        index: this.index,
        id: `checkpoint:${name}`,
        version: expectedVersion + 1,
        version_type: 'external',
        // As a string the state is kept, not indexed: its keys (group values) must not grow the mapping.
        body: { savedAt: new Date().toISOString(), state: checkpointText(state) } as never,
      });
      return expectedVersion + 1;
    } catch (error) {
      if (isConflict(error)) throw checkpointConflict(name, expectedVersion);
      throw this.unavailable('Writing a checkpoint', error);
    }
  }

  async takeThrottle(key: string, windowStart: number, max: number): Promise<boolean> {
    return this.call('Counting a notification against its throttle', async () => {
      // The script runs on the shard's primary, one update of a document at a time: atomic across processes.
      const response = await this.client.update({
        index: this.index,
        id: `throttle:${key}`,
        retry_on_conflict: 10,
        body: {
          script: {
            lang: 'painless',
            source:
              "if (ctx._source.windowStart != params.windowStart) { ctx._source.windowStart = params.windowStart; ctx._source.sent = 1 } else if (ctx._source.sent < params.max) { ctx._source.sent += 1 } else { ctx.op = 'noop' }",
            params: { windowStart, max },
          },
          upsert: { windowStart, sent: 1 },
        } as never,
      });
      return (response.body as { result?: string }).result !== 'noop';
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      throw this.unavailable(what, cause);
    }
  }

  private unavailable(what: string, cause: unknown): StoreError {
    return new StoreError(StoreErrorCodes.unavailable, `${what} failed in OpenSearch: ${(cause as Error).message}. Check that the cluster is up.`, { cause, retryable: true });
  }
}
