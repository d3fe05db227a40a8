import { senderKey, type Sender, type SenderKind, type SenderStore, type UnknownSender } from './sender';

/** What the join needs of a logger (pino's shape). */
interface JoinLogger {
  warn(fields: object, message: string): void;
}

export interface SenderJoinOptions {
  readonly store: SenderStore;
  /** How often the registry is read again, so an admin's change applies without a restart. */
  readonly refreshMs: number;
  readonly logger: JoinLogger;
  readonly now?: () => number;
}

type Fields = Record<string, unknown>;
const objectAt = (parent: Fields, key: string): Fields => {
  const value = parent[key];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Fields;
  const created: Fields = {};
  parent[key] = created;
  return created;
};
const stringAt = (event: Fields, ...path: string[]): string | undefined => {
  let value: unknown = event;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Fields)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The senders an event names: its agent (observer.name), its peer's address, and its MQTT topic's last level. */
export function sendersOf(event: Fields): [SenderKind, string][] {
  const found: [SenderKind, string][] = [];
  const agent = stringAt(event, 'observer', 'name');
  if (agent) found.push(['agent', agent]);
  const address = stringAt(event, 'log', 'source', 'address');
  if (address) found.push(['address', address]);
  const topic = stringAt(event, 'mqtt', 'topic');
  const client = topic?.split('/').at(-1);
  if (client) found.push(['mqtt_client', client]);
  return found;
}

/** Writes a registered sender's metadata onto its event. */
export function applySender(event: Fields, sender: Sender): void {
  const labels = objectAt(event, 'labels');
  labels.sender = `${sender.kind}:${sender.id}`;
  if (sender.site !== undefined) {
    labels.site = sender.site;
    objectAt(objectAt(event, 'observer'), 'geo').name = sender.site;
  }
  if (sender.owner !== undefined) labels.owner = sender.owner;
  if (sender.criticality !== undefined) labels.criticality = sender.criticality;
  if (sender.tags !== undefined && sender.tags.length > 0) labels.sender_tags = sender.tags.join(',');
}

/**
 * The processor's side of the sender registry: an in-memory copy of every
 * tenant's senders, read again every `refreshMs`, joined onto each event
 * synchronously; sightings of unregistered senders are summed in memory and
 * written with the next refresh. A registry that cannot be read keeps the last
 * copy (logged), so events keep flowing.
 */
export class SenderJoin {
  private senders = new Map<string, Sender>();
  private unknown = new Map<string, UnknownSender>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SenderJoinOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.options.store.ensureReady();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  /** Joins the event's registered senders; counts the others as unknown. */
  join(event: Fields): void {
    const tenant = stringAt(event, 'organization', 'id') ?? 'default';
    for (const [kind, id] of sendersOf(event)) {
      const key = senderKey(tenant, kind, id);
      const sender = this.senders.get(key);
      if (sender) {
        applySender(event, sender);
        continue;
      }
      const seen = new Date(this.now()).toISOString();
      const sighting = this.unknown.get(key);
      this.unknown.set(key, sighting ? { ...sighting, lastSeen: seen, events: sighting.events + 1 } : { kind, id, tenant, firstSeen: seen, lastSeen: seen, events: 1 });
    }
  }

  /** Writes the sightings gathered so far and reads the registry again. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.refresh();
    await this.options.store.close();
  }

  private async load(): Promise<void> {
    const sightings = [...this.unknown.values()];
    this.unknown = new Map();
    try {
      if (sightings.length > 0) await this.options.store.recordUnknown(sightings);
    } catch (error) {
      this.options.logger.warn({ err: error, senders: sightings.length }, 'Recording unknown senders failed; these sightings are not listed.');
    }
    try {
      this.senders = new Map((await this.options.store.listAll()).map((sender) => [senderKey(sender.tenant, sender.kind, sender.id), sender]));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'Reading the sender registry failed; events are joined with the copy read before.');
    }
  }
}
