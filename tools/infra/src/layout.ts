import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InfraError, InfraErrorCodes } from './errors';

/**
 * Where everything lives. The cache sits outside the work tree so that a fresh clone, `git clean`
 * or a second checkout reuses the same 100 MB of jars and the same running services.
 */
export interface InfraLayout {
  readonly home: string;
  readonly artifactsDir: string;
  readonly stateDir: string;
  readonly logsDir: string;
  readonly runDir: string;
  readonly lockFile: string;
  readonly kafka: {
    readonly host: string;
    readonly port: number;
    readonly controllerPort: number;
    readonly stateDir: string;
    readonly dataDir: string;
    readonly configFile: string;
    readonly log4jFile: string;
    readonly logFile: string;
    readonly pidFile: string;
  };
  readonly opensearch: {
    readonly host: string;
    readonly port: number;
    readonly transportPort: number;
    /** The runner's `-basePath`; it puts node 1 under `node_1/{config,data,logs}`. */
    readonly basePath: string;
    readonly configDir: string;
    readonly tmpDir: string;
    readonly logFile: string;
    readonly pidFile: string;
  };
}

export interface LayoutOptions {
  /** Cache and state root; default `$SIEM_INFRA_HOME`, then `~/.cache/siem-infra`. */
  home?: string;
  /** Default `$SIEM_INFRA_KAFKA_PORT`, then 19092. The controller listens on the next port. */
  kafkaPort?: number;
  /** Default `$SIEM_INFRA_OPENSEARCH_PORT`, then 19200. Transport listens 100 above it. */
  opensearchPort?: number;
}

export const DEFAULT_KAFKA_PORT = 19092;
export const DEFAULT_OPENSEARCH_PORT = 19200;
const HOST = '127.0.0.1';

export function resolveLayout(options: LayoutOptions = {}, env: NodeJS.ProcessEnv = process.env): InfraLayout {
  const home = resolve(options.home ?? nonEmpty(env.SIEM_INFRA_HOME) ?? join(homedir(), '.cache', 'siem-infra'));
  const kafkaPort = options.kafkaPort ?? parsePort(env.SIEM_INFRA_KAFKA_PORT, 'SIEM_INFRA_KAFKA_PORT') ?? DEFAULT_KAFKA_PORT;
  const opensearchPort =
    options.opensearchPort ??
    parsePort(env.SIEM_INFRA_OPENSEARCH_PORT, 'SIEM_INFRA_OPENSEARCH_PORT') ??
    DEFAULT_OPENSEARCH_PORT;
  assertPort(kafkaPort + 1, 'the Kafka controller port (Kafka port + 1)');
  assertPort(opensearchPort + 100, 'the OpenSearch transport port (OpenSearch port + 100)');

  const stateDir = join(home, 'state');
  const logsDir = join(home, 'logs');
  const runDir = join(home, 'run');
  const kafkaState = join(stateDir, 'kafka');
  const opensearchState = join(stateDir, 'opensearch');
  return {
    home,
    artifactsDir: join(home, 'artifacts'),
    stateDir,
    logsDir,
    runDir,
    lockFile: join(runDir, 'infra.lock'),
    kafka: {
      host: HOST,
      port: kafkaPort,
      controllerPort: kafkaPort + 1,
      stateDir: kafkaState,
      dataDir: join(kafkaState, 'data'),
      configFile: join(kafkaState, 'server.properties'),
      log4jFile: join(kafkaState, 'log4j.properties'),
      logFile: join(logsDir, 'kafka.log'),
      pidFile: join(runDir, 'kafka.pid'),
    },
    opensearch: {
      host: HOST,
      port: opensearchPort,
      transportPort: opensearchPort + 100,
      basePath: opensearchState,
      configDir: join(opensearchState, 'node_1', 'config'),
      tmpDir: join(opensearchState, 'tmp'),
      logFile: join(logsDir, 'opensearch.log'),
      pidFile: join(runDir, 'opensearch.pid'),
    },
  };
}

export function kafkaBrokers(layout: InfraLayout): string {
  return `${layout.kafka.host}:${layout.kafka.port}`;
}

export function opensearchUrl(layout: InfraLayout): string {
  return `http://${layout.opensearch.host}:${layout.opensearch.port}`;
}

/** Lets a later run tell whether the JVM it finds was started for the ports configured now. */
export function portMarker(port: number): string {
  return `-Dsiem.infra.port=${port}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function parsePort(value: string | undefined, name: string): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const port = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  assertPort(port, `${name}=${text}`);
  return port;
}

function assertPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InfraError(
      InfraErrorCodes.configInvalid,
      `${what} is not a usable TCP port; choose an integer between 1 and 65534.`,
      { retryable: false },
    );
  }
}
