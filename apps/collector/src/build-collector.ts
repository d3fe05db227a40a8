import { priorityTopic, type BusProducer, type DiskSpool } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { EdgePipelines, PriorityClassifier } from '@siem/edge';
import { serveMetrics, type Logger, type MetricsRegistry, type MetricsServer } from '@siem/telemetry';
import { createCollectorDelivery } from './collector-delivery';
import { createEdgeStage, type EdgeStage } from './edge-stage';
import type { InputContext, RunningInput } from './inputs/input';
import { startOptionalInputs } from './inputs/optional-inputs';
import type { HttpInputOptions } from './inputs/http-server';
import { startListeningInputs } from './inputs/listening-inputs';
import { inputTenants, stampInputTenant } from './inputs/tenants';

export interface CollectorDeps {
  readonly producer: BusProducer;
  /** Holds records while the bus is unreachable; opened by the caller, which closes it after stop. */
  readonly spool: DiskSpool;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Drop, sample and aggregate per input before the bus (SIEM_EDGE_PIPELINES_FILE); none: every record ships. */
  readonly edge?: EdgePipelines;
  /** Records it classes high go to `<raw topic>.high`, which the processor reads first (SIEM_PRIORITY_RULES_FILE); none: one class. */
  readonly priority?: PriorityClassifier;
  /** The API's key store: an ingest key from it sends into its tenant (see http-server.ts). */
  readonly verifyKey?: HttpInputOptions['verifyKey'];
}

export interface Collector {
  /** The edge pipelines in force; `replace` swaps them without a restart. */
  readonly edge: EdgeStage;
  start(): Promise<readonly RunningInput[]>;
  /** Closes the inputs, then delivers what is buffered to the bus or the spool. */
  stop(): Promise<void>;
}

/** A batch that neither the bus nor a full spool takes for this long is refused (HTTP 503, MQTT unacknowledged). */
const GIVE_UP_AFTER_MS = 30_000;

export function buildCollector(config: SiemConfig, deps: CollectorDeps): Collector {
  const { logger, metrics } = deps;
  const delivery = createCollectorDelivery({
    send: (records) => deps.producer.send(config.kafka.rawTopic, records),
    spool: deps.spool,
    logger,
    metrics,
    batchMaxRecords: config.collector.batchMaxRecords,
    batchLingerMs: config.collector.batchLingerMs,
    batchEnvelope: config.collector.batchEnvelope,
    giveUpAfterMs: GIVE_UP_AFTER_MS,
    ...(deps.priority && { priority: { classifier: deps.priority, send: (records) => deps.producer.send(priorityTopic(config.kafka.rawTopic, 'high'), records) } }),
  });
  const tenantOf = inputTenants(config.collector.inputTenants);
  const accept = delivery.input.accept;
  const stampedAccept: InputContext['accept'] = tenantOf ? (records) => accept(stampInputTenant(records, tenantOf)) : accept;
  // Edge summaries pass the tenant stamp too, as input `edge`.
  const edge = createEdgeStage(deps.edge, stampedAccept, logger, metrics);
  const context: InputContext = { logger, maxMessageBytes: config.collector.maxMessageBytes, ...delivery.input, accept: edge.accept };
  let metricsServer: MetricsServer | undefined;

  let inputs: RunningInput[] = [];
  return {
    edge,
    async start() {
      const { host } = config.collector;
      delivery.start();
      edge.start();
      metricsServer = await serveMetrics(metrics, host, config.collector.metricsPort);
      const listeners = config.collector.listen ? startListeningInputs(config, context, deps.verifyKey) : [];
      inputs = [...(await Promise.all(listeners)), ...(await startOptionalInputs(config, context))];
      return inputs;
    },
    async stop() {
      await Promise.all(inputs.map((input) => input.close()));
      await edge.stop();
      await delivery.stop();
      await metricsServer?.close();
    },
  };
}
