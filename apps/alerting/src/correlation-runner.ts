import type { Bus, ConsumedMessage } from '@siem/bus';
import { CorrelationEngine, CorrelationStateError, RuleValidationError, decodeSignal, isCorrelationRule, type CorrelationAlert, type CorrelationRule, type Signal } from '@siem/rules';
import { SerializedState, StoreError, StoreErrorCodes, type DetectionStore, type SchedulerStateStore, type StoredAlert } from '@siem/store';
import type { Logger } from '@siem/telemetry';
import { correlationAlertDocument, type AlertActions } from './correlation-alert';
import type { CorrelationMetrics } from './correlation-metrics';
import { EventClock, type EventClockState } from './event-clock';

export const TENANT_FIELD = 'organization.id';
const DEFAULT_TENANT = 'default';
/** A partition silent this long no longer holds the correlation clock back (see EventClock). */
const IDLE_MS = 1000;
/** How long the clock waits, at most, for a partition with a backlog to deliver its first record. */
const BACKLOG_WAIT_MS = 30_000;

export interface CorrelationRunnerOptions {
  readonly signalsTopic: string;
  /** The bus consumer group of the scheduler; only the active instance is a member. */
  readonly groupId: string;
  readonly checkpointName: string;
  readonly tickMs: number;
  readonly allowedLatenessMs: number;
  readonly checkpointMs: number;
  readonly maxGroupsPerRule: number;
  readonly rulesPollMs: number;
  readonly chunkSize: number;
}

export interface CorrelationRunnerDeps {
  readonly bus: Pick<Bus, 'consumer' | 'positions'>;
  readonly detection: Pick<DetectionStore, 'listRules' | 'rulesRevision' | 'writeAlerts'>;
  readonly state: Pick<SchedulerStateStore, 'readCheckpoint' | 'writeCheckpoint'>;
  readonly logger: Logger;
  readonly metrics: CorrelationMetrics;
  /** Called when the checkpoint was written by someone else: this process lost its lease and must stop. */
  readonly onFenced: (error: StoreError) => void;
  /** Notifies the alerts a correlation with `actions` created (not those written again after a restart). */
  readonly actions?: AlertActions;
  readonly wallClock?: () => number;
}

interface CheckpointState {
  readonly version: 1;
  readonly engine: unknown;
  readonly clock: EventClockState;
  /** `incarnation/partition` → the next offset to read: everything before it is in `engine`. */
  readonly positions: Record<string, string>;
}

export interface CorrelationRunner {
  /** Restores the checkpoint, then consumes signals; resolves once consuming has started. */
  start(): Promise<void>;
  /** Stops consuming, writes what became final and a last checkpoint (unless fenced). */
  stop(): Promise<void>;
}

/**
 * The checkpoint as JSON text, in the CheckpointState shape: the engine's state is serialized
 * straight from its live windows, once, and the store keeps that text as it is.
 */
function checkpointState(engine: CorrelationEngine, clock: EventClockState, positions: Readonly<Record<string, string>>): SerializedState {
  return new SerializedState(`{"version":1,"engine":${engine.snapshotJson()},"clock":${JSON.stringify(clock)},"positions":${JSON.stringify(positions)}}`);
}

/** Every correlation groups by tenant too: the signals of two tenants never share a window. */
function perTenant(rule: CorrelationRule): CorrelationRule {
  const groupBy = rule.correlation['group-by'] ?? [];
  return groupBy.includes(TENANT_FIELD) ? rule : { ...rule, correlation: { ...rule.correlation, 'group-by': [...groupBy, TENANT_FIELD] } };
}

/** Correlations that another one names without `generate: true`: like single-event rules, they only feed it and raise no alert of their own. */
export function mutedCorrelations(correlations: readonly CorrelationRule[]): Set<string> {
  const named = new Set<string>();
  const generating = new Set<string>();
  for (const outer of correlations) {
    for (const ref of outer.correlation.rules) {
      const inner = correlations.find((rule) => rule.id === ref || (rule.name !== undefined && rule.name === ref));
      if (inner === undefined) continue;
      named.add(inner.id);
      if (outer.correlation.generate === true) generating.add(inner.id);
    }
  }
  return new Set([...named].filter((id) => !generating.has(id)));
}

/**
 * The active scheduler's correlation loop. Signals are pushed into the engine as they are
 * read; every tick moves the engine to the event clock, writes the alerts that became final,
 * and, when anything changed, checkpoints the engine with the positions read. A chunk of
 * signals counts as consumed (its bus offsets may be committed) only once a checkpoint holds
 * it, so the bus never skips what the checkpoint lacks; what the checkpoint holds and the bus
 * delivers again is skipped by position. Alerts are written before the checkpoint that moves
 * past them: a crash in between raises them again with the same ids, which the store keeps once.
 */
export function createCorrelationRunner(options: CorrelationRunnerOptions, deps: CorrelationRunnerDeps): CorrelationRunner {
  const wall = deps.wallClock ?? Date.now;
  const log = deps.logger;
  const clock = new EventClock(IDLE_MS);
  let engine = new CorrelationEngine([]);
  let tags = new Map<string, readonly string[]>();
  let muted = new Set<string>();
  let byId = new Map<string, CorrelationRule>();
  let revision: string | undefined;
  let positions: Record<string, string> = {};
  let version = 0;
  let dirty = false;
  let lastCheckpointAt = wall();
  let unwritten: StoredAlert[] = [];
  let waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let consumer: ReturnType<Bus['consumer']> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let poller: NodeJS.Timeout | undefined;
  let running = false;
  let fenced = false;
  let cycleTurn: Promise<void> = Promise.resolve();

  const buildEngine = async (): Promise<void> => {
    const latest = await deps.detection.rulesRevision();
    if (latest === revision) return;
    const stored = await deps.detection.listRules({ enabled: true });
    const single = stored.filter((entry) => !isCorrelationRule(entry.rule)).map((entry) => ({ id: entry.rule.id, name: entry.rule.name as string | undefined }));
    let correlations = stored.flatMap((entry) => (isCorrelationRule(entry.rule) ? [perTenant(entry.rule)] : []));
    let next: CorrelationEngine | undefined;
    while (next === undefined) {
      try {
        next = new CorrelationEngine(correlations, { singleEventRules: single, allowedLatenessMs: options.allowedLatenessMs, maxGroupsPerRule: options.maxGroupsPerRule });
      } catch (error) {
        // One broken correlation (it names a rule since deleted or disabled) must not stop the others.
        const bad = error instanceof RuleValidationError ? correlations.find((rule) => error.message.includes(`correlation ${rule.id} `)) : undefined;
        if (bad === undefined) throw error;
        log.warn({ ruleId: bad.id, err: error }, 'A correlation rule cannot run and is left out until it is fixed.');
        correlations = correlations.filter((rule) => rule !== bad);
      }
    }
    // The windows of unchanged rules carry over; a changed rule starts empty.
    next.restore(engine.snapshot());
    engine = next;
    tags = new Map(correlations.map((rule) => [rule.id, rule.tags ?? []]));
    muted = mutedCorrelations(correlations);
    byId = new Map(correlations.map((rule) => [rule.id, rule]));
    revision = latest;
    deps.metrics.rules.set({}, correlations.length);
    log.info({ correlations: correlations.length, revision: latest }, 'Loaded the enabled correlation rules.');
  };

  const restoreCheckpoint = async (): Promise<void> => {
    const checkpoint = await deps.state.readCheckpoint(options.checkpointName);
    if (checkpoint === undefined) {
      version = 0;
      log.info('No correlation checkpoint yet: starting from the first signal kept.');
      return;
    }
    version = checkpoint.version;
    const state = checkpoint.state as Partial<CheckpointState>;
    positions = { ...(state.positions ?? {}) };
    clock.restore(state.clock, wall());
    try {
      engine.restore(state.engine);
    } catch (error) {
      if (!(error instanceof CorrelationStateError)) throw error;
      log.error({ err: error }, 'The correlation checkpoint could not be read back; windows start empty from the checkpointed positions.');
    }
    log.info({ version, savedAt: checkpoint.savedAt, positions, pending: engine.stats().pending }, 'Resumed the correlations from their checkpoint.');
  };

  /** Partitions with signals not in the checkpoint yet: the clock waits for each to deliver before it moves. */
  const awaitBacklog = async (): Promise<void> => {
    const backlog: string[] = [];
    const partitions = await deps.bus.positions(options.signalsTopic, options.groupId);
    clock.know(partitions.map(({ partition }) => String(partition)));
    for (const { partition, next, end } of partitions) {
      const checkpointed = Object.entries(positions).find(([input]) => input.endsWith(`/${partition}`))?.[1] ?? '0';
      const from = BigInt(next) > BigInt(checkpointed) ? BigInt(next) : BigInt(checkpointed);
      if (BigInt(end) > from) backlog.push(String(partition));
    }
    if (backlog.length > 0) log.info({ partitions: backlog }, 'Signals wait in the topic: the correlation clock waits until each of these partitions delivered.');
    clock.await(backlog, wall() + BACKLOG_WAIT_MS);
  };

  const handleChunk = async (messages: readonly ConsumedMessage[]): Promise<void> => {
    const now = wall();
    for (const message of messages) {
      const input = `${message.incarnation}/${message.partition}`;
      const from = positions[input];
      if (from !== undefined && BigInt(message.offset) < BigInt(from)) {
        clock.touch(String(message.partition));
        deps.metrics.replayed.inc();
        continue;
      }
      positions[input] = String(BigInt(message.offset) + 1n);
      const partition = String(message.partition);
      const decoded = decodeSignal(message.value);
      if (decoded === undefined) {
        clock.touch(partition);
        deps.metrics.invalid.inc();
        continue;
      }
      const signal: Signal = TENANT_FIELD in decoded.fields ? decoded : { ...decoded, fields: { ...decoded.fields, [TENANT_FIELD]: DEFAULT_TENANT } };
      clock.observe(partition, signal.timestamp, now);
      engine.push(signal);
      deps.metrics.signals.inc();
    }
    dirty = true;
    // Consumed once a checkpoint holds it: the bus commits its offsets only after this resolves.
    const held = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    kick();
    await held;
  };

  const writeAlerts = async (raised: readonly CorrelationAlert[]): Promise<boolean> => {
    const detectedAt = new Date(wall()).toISOString();
    for (const alert of raised) if (!muted.has(alert.ruleId)) unwritten.push(correlationAlertDocument(alert, tags.get(alert.ruleId) ?? [], detectedAt));
    if (unwritten.length === 0) return true;
    try {
      const result = await deps.detection.writeAlerts(unwritten);
      if (result.rejected.length > 0) log.error({ rejected: result.rejected.slice(0, 5), count: result.rejected.length }, 'The store refused correlation alerts.');
      for (const alert of unwritten) deps.metrics.alerts.inc({ rule_id: alert.alert.rule.id });
      const created = new Set(result.created ?? []);
      for (const alert of unwritten) {
        const rule = byId.get(alert.alert.rule.id);
        if (deps.actions && rule?.actions?.length && created.has(alert.id)) deps.actions.dispatch(alert, rule);
      }
      log.info({ alerts: unwritten.length, ids: unwritten.slice(0, 10).map((alert) => alert.id) }, 'Wrote correlation alerts.');
      unwritten = [];
      return true;
    } catch (error) {
      deps.metrics.alertWriteFailures.inc();
      log.warn({ err: error, alerts: unwritten.length }, 'Writing correlation alerts failed; they are retried and the checkpoint waits for them.');
      return false;
    }
  };

  const checkpoint = async (): Promise<void> => {
    const state = checkpointState(engine, clock.state(), positions);
    const released = waiters;
    waiters = [];
    try {
      version = await deps.state.writeCheckpoint(options.checkpointName, state, version);
    } catch (error) {
      if (error instanceof StoreError && error.code === StoreErrorCodes.conflict) {
        fenced = true;
        for (const waiter of released) waiter.reject(error);
        deps.onFenced(error);
        return;
      }
      waiters = [...released, ...waiters];
      deps.metrics.checkpointFailures.inc();
      log.warn({ err: error }, 'Writing the correlation checkpoint failed; it is tried again.');
      return;
    }
    dirty = false;
    lastCheckpointAt = wall();
    deps.metrics.checkpoints.inc();
    deps.metrics.checkpointBytes.set({}, state.json.length);
    for (const waiter of released) waiter.resolve();
  };

  /** `advance`: a tick moves the engine to the clock; a chunk only asks for its checkpoint, so partitions read in turns are all pushed before time moves. */
  const cycle = async (advance: boolean): Promise<void> => {
    if (fenced) return;
    const now = advance ? clock.now(wall()) : undefined;
    const raised = now === undefined ? [] : engine.advance(now);
    if (raised.length > 0) dirty = true;
    const written = await writeAlerts(raised);
    deps.metrics.report(engine.stats(), false);
    if (!written || !dirty) return;
    if (waiters.length > 0 || wall() - lastCheckpointAt >= options.checkpointMs || !running) await checkpoint();
  };

  const kick = (advance = false): Promise<void> => {
    cycleTurn = cycleTurn.then(() => cycle(advance)).catch((error: unknown) => log.error({ err: error }, 'A correlation cycle failed; the next tick tries again.'));
    return cycleTurn;
  };

  return {
    async start() {
      fenced = false;
      await buildEngine();
      await restoreCheckpoint();
      await awaitBacklog();
      deps.metrics.report(engine.stats(), true);
      running = true;
      ticker = setInterval(() => void kick(true), options.tickMs);
      poller = setInterval(() => {
        cycleTurn = cycleTurn.then(buildEngine).catch((error: unknown) => log.warn({ err: error }, 'Reloading the correlation rules failed; the loaded ones stay in force.'));
      }, options.rulesPollMs);
      consumer = deps.bus.consumer({ index: 0, count: 1 }, options.groupId);
      await consumer.connect();
      await consumer.run({ topic: options.signalsTopic, chunkSize: options.chunkSize, handleChunk });
      log.info({ topic: options.signalsTopic, group: options.groupId }, 'Consuming signals.');
    },
    async stop() {
      running = false;
      clearInterval(ticker);
      clearInterval(poller);
      // The consumer lets the chunk in progress finish before it leaves: checkpoint it now, or fail it (then it is
      // not committed and is delivered again to whoever is active next).
      const disconnecting = consumer?.disconnect();
      await kick(true);
      for (const waiter of waiters) waiter.reject(new Error('The correlation runner stopped before this chunk was checkpointed; it is delivered again.'));
      waiters = [];
      await disconnecting?.catch((error: unknown) => log.warn({ err: error }, 'Leaving the signals consumer group failed.'));
      consumer = undefined;
    },
  };
}
