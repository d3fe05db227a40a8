import type { Lease, SchedulerStateStore } from '@siem/store';
import type { Logger } from '@siem/telemetry';

export interface LeaseKeeperOptions {
  readonly store: Pick<SchedulerStateStore, 'acquireLease' | 'releaseLease'>;
  readonly name: string;
  readonly holder: string;
  readonly leaseMs: number;
  readonly logger: Logger;
  /** Called when this process becomes the active one; the work it starts runs until onLost. */
  readonly onAcquired: (lease: Lease) => Promise<void>;
  /** Called when the lease could not be renewed in time (or was taken): the work must stop before the lease runs out. */
  readonly onLost: (reason: string) => Promise<void>;
  readonly now?: () => number;
}

export interface LeaseKeeper {
  start(): void;
  /** Stops the work if active and gives the lease up, so a standby takes over at once. */
  stop(): Promise<void>;
  /** Gives the lease up after the work found itself fenced off (another process wrote its checkpoint); tries for it again later. */
  drop(reason: string): void;
  readonly role: () => 'active' | 'standby' | 'starting';
  /** Whether the last attempt to reach the store failed. */
  readonly storeFailing: () => boolean;
}

/**
 * Tries for the lease every third of its period: a standby takes it within one period of
 * its expiry, so within two periods of the active process dying. The active one renews at
 * the same pace and gives up its work when a renewal fails for so long that the lease
 * would run out before the next try: it never works past its own lease.
 */
export function keepLease(options: LeaseKeeperOptions): LeaseKeeper {
  const now = options.now ?? Date.now;
  const interval = Math.max(1, Math.floor(options.leaseMs / 3));
  let held: Lease | undefined;
  let role: 'active' | 'standby' | 'starting' = 'starting';
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let turn: Promise<void> = Promise.resolve();

  const lose = async (reason: string) => {
    held = undefined;
    role = 'standby';
    options.logger.warn({ reason }, 'This scheduler is no longer the active one; it stops its work and stands by.');
    await options.onLost(reason);
  };

  const attempt = async (): Promise<void> => {
    const started = now();
    let lease: Lease | undefined;
    try {
      lease = await options.store.acquireLease(options.name, options.holder, options.leaseMs, started);
      failing = false;
    } catch (error) {
      failing = true;
      options.logger.warn({ err: error }, 'Could not reach the store to take or renew the scheduler lease; trying again.');
      if (held && now() + interval >= held.expiresAt) await lose('the lease could not be renewed before it runs out');
      return;
    }
    if (stopped) return;
    if (lease === undefined) {
      if (held) await lose('another scheduler holds the lease');
      else role = 'standby';
      return;
    }
    const fresh = held === undefined || held.epoch !== lease.epoch;
    held = lease;
    if (fresh) {
      role = 'active';
      options.logger.info({ epoch: lease.epoch, holder: options.holder }, 'This scheduler took the lease and is now the active one.');
      try {
        await options.onAcquired(lease);
      } catch (error) {
        options.logger.error({ err: error }, 'Starting the work after taking the lease failed; giving the lease up.');
        await options.store.releaseLease(options.name, options.holder).catch(() => undefined);
        await lose('starting the work failed');
      }
    }
  };

  const tick = () => {
    turn = turn.then(attempt, attempt);
  };

  return {
    start() {
      tick();
      timer = setInterval(tick, interval);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await turn.catch(() => undefined);
      if (held) {
        held = undefined;
        role = 'standby';
        await options.onLost('stopping');
        await options.store.releaseLease(options.name, options.holder).catch((error: unknown) => options.logger.warn({ err: error }, 'Could not release the scheduler lease; a standby takes over when it expires.'));
      }
    },
    drop(reason) {
      turn = turn.then(async () => {
        if (!held) return;
        await lose(reason);
        await options.store.releaseLease(options.name, options.holder).catch(() => undefined);
      });
    },
    role: () => role,
    storeFailing: () => failing,
  };
}
