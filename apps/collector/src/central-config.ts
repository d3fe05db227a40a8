import { chmod, readFile, writeFile } from 'node:fs/promises';
import { parseEdgeConfig, type EdgePipelinesConfig } from '@siem/edge';
import type { Logger } from '@siem/telemetry';

export interface CentralConfigOptions {
  readonly apiUrl: string;
  readonly agentId: string;
  /** Used once, when `keyFile` does not exist yet. */
  readonly enrolmentKey?: string;
  /** Where the agent's own key is kept (0600). */
  readonly keyFile: string;
  readonly pollS: number;
  /** The version running now (the last good one). */
  readonly runningVersion: () => string;
  /** Applies a configuration that passed the checks; throwing refuses it like a failed check. */
  readonly apply: (config: EdgePipelinesConfig) => void;
  readonly logger: Logger;
}

export interface CentralConfig {
  /** Enrols if needed, then fetches and applies once; rejects only when the agent cannot enrol (start-up). */
  start(): Promise<void>;
  stop(): void;
  /** What went wrong with the last fetch or the last configuration offered, for the heartbeat; undefined when all is well. */
  problem(): string | undefined;
}

/**
 * An agent that takes its configuration from the centre: it enrols once with
 * the enrolment key and keeps the key the API answers (its own, revocable),
 * then asks for its configuration every `pollS` and applies a new version
 * without a restart. A version that fails the checks is refused and reported
 * (heartbeat lastError); the last good one keeps running.
 */
export function createCentralConfig(options: CentralConfigOptions): CentralConfig {
  const { logger } = options;
  let key: string | undefined;
  let problem: string | undefined;
  let refusedVersion: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  const enrol = async (): Promise<string> => {
    try {
      return (await readFile(options.keyFile, 'utf8')).trim();
    } catch {
      // Not enrolled yet.
    }
    if (!options.enrolmentKey) throw new Error(`This agent has no key in ${options.keyFile} and no SIEM_ENROLMENT_KEY to enrol with; create an ingest key (siem keys create --role ingest) and set it.`);
    const response = await fetch(`${options.apiUrl}/api/v1/agents/enrol`, { method: 'POST', headers: { authorization: `ApiKey ${options.enrolmentKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: options.agentId }) });
    if (response.status !== 201) throw new Error(`Enrolling at ${options.apiUrl} failed with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const { key: own } = (await response.json()) as { key: string };
    await writeFile(options.keyFile, `${own}\n`, { mode: 0o600 });
    await chmod(options.keyFile, 0o600);
    logger.info({ agent: options.agentId, keyFile: options.keyFile }, 'The agent enrolled; its own key is kept in the file named here.');
    return own;
  };

  const poll = async () => {
    let response: Response;
    try {
      response = await fetch(`${options.apiUrl}/api/v1/agents/${encodeURIComponent(options.agentId)}/config`, { headers: { authorization: `ApiKey ${key}` } });
    } catch (error) {
      problem = `The configuration could not be fetched from ${options.apiUrl}: ${(error as Error).message}`;
      return;
    }
    if (response.status === 404) {
      problem = undefined;
      return;
    }
    if (!response.ok) {
      problem = `The API answered HTTP ${response.status} to the configuration request${response.status === 401 ? ' (the agent key was revoked? delete the key file and enrol again)' : ''}.`;
      logger.warn({ status: response.status }, 'The configuration request was refused; the running configuration stays.');
      return;
    }
    const offered = (await response.json()) as { version: string; edge: Record<string, unknown> };
    if (offered.version === options.runningVersion()) {
      refusedVersion = undefined;
      problem = undefined;
      return;
    }
    if (offered.version === refusedVersion) return;
    try {
      options.apply(parseEdgeConfig({ ...offered.edge, version: offered.version }));
      refusedVersion = undefined;
      problem = undefined;
      logger.info({ version: offered.version }, 'A new configuration from the API is in force.');
    } catch (error) {
      refusedVersion = offered.version;
      problem = `Configuration ${offered.version} was refused; ${options.runningVersion()} stays in force: ${(error as Error).message}`;
      logger.error({ version: offered.version, running: options.runningVersion(), err: error }, 'A configuration from the API was refused; the last good one stays in force.');
    }
  };

  return {
    async start() {
      key = await enrol();
      await poll();
      timer = setInterval(() => void poll(), options.pollS * 1000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    problem: () => problem,
  };
}
