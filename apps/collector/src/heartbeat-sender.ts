import { readFileSync } from 'node:fs';
import type { BusProducer, DiskSpool } from '@siem/bus';
import { encodeHeartbeat, type Heartbeat } from '@siem/fleet';
import type { Logger } from '@siem/telemetry';
import type { CollectorIdentity } from './identity';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface HeartbeatOptions {
  readonly producer: BusProducer;
  readonly topic: string;
  readonly identity: CollectorIdentity;
  readonly tenant: string;
  readonly intervalS: number;
  readonly spool: Pick<DiskSpool, 'stats'>;
  readonly spoolMaxBytes: number;
  /** The inputs' addresses, once they listen. */
  readonly inputs: () => readonly string[];
  /** The edge pipeline configuration version running. */
  readonly configVersion: () => string;
  /** A problem another part reports (a refused configuration), shown as lastError. */
  readonly problem?: () => string | undefined;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface HeartbeatSender {
  /** Sends one heartbeat now; never rejects (a failed send becomes the next one's lastError). */
  beat(): Promise<void>;
  start(): void;
  stop(): void;
}

/**
 * Reports this collector or agent to the centre every interval, straight to
 * the agents topic, not through the spool: a heartbeat that waited out an
 * outage would say the agent was fine when it was not.
 */
export function createHeartbeatSender(options: HeartbeatOptions): HeartbeatSender {
  const now = options.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  let lastError: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  const heartbeat = (): Heartbeat => {
    const stats = options.spool.stats();
    const spooledRecords = stats.records;
    const error = lastError ?? options.problem?.() ?? (spooledRecords > 0 ? `The bus is unreachable or slow: ${spooledRecords} records wait in the disk spool.` : undefined);
    return {
      id: options.identity.id,
      role: options.identity.role,
      version: VERSION,
      host: options.identity.hostname,
      tenant: options.tenant,
      inputs: [...options.inputs()],
      spool: { bytes: stats.bytes, maxBytes: options.spoolMaxBytes, records: spooledRecords },
      lagSeconds: stats.oldestAppendedAt === undefined ? 0 : Math.max(0, (now() - stats.oldestAppendedAt) / 1000),
      ...(error !== undefined && { lastError: error.slice(0, 2048) }),
      configVersion: options.configVersion(),
      intervalS: options.intervalS,
      startedAt,
      sentAt: new Date(now()).toISOString(),
    };
  };

  const beat = async () => {
    const value = heartbeat();
    try {
      await options.producer.send(options.topic, [{ key: value.id, value: encodeHeartbeat(value) }]);
      lastError = undefined;
    } catch (error) {
      lastError = `A heartbeat could not be sent: ${(error as Error).message}`;
      options.logger.warn({ err: error, topic: options.topic }, 'A heartbeat could not be sent to the bus; the next one will report it.');
    }
  };

  return {
    beat,
    start() {
      void beat();
      timer = setInterval(() => void beat(), options.intervalS * 1000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
