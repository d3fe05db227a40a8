import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const AGENT_METRICS_PORT = 9465;

export interface AgentOptions {
  /** Comma-separated glob patterns; overrides SIEM_FILE_INPUTS. */
  readonly files?: string;
  /** Overrides SIEM_FILE_MULTILINE_START. */
  readonly multilineStart?: string;
}

/**
 * The collector's environment for agent duty: no syslog or HTTP listener, only
 * the file (and MQTT, when configured) inputs. Checked here so that a missing
 * pattern is reported before a process is spawned.
 */
export function agentEnv(env: NodeJS.ProcessEnv, options: AgentOptions): NodeJS.ProcessEnv {
  const agent: NodeJS.ProcessEnv = { ...env, SIEM_COLLECTOR_LISTEN: 'false' };
  // The agent usually runs next to a collector on the same host, whose metrics have the default port.
  if (!env.SIEM_COLLECTOR_METRICS_PORT) agent.SIEM_COLLECTOR_METRICS_PORT = String(AGENT_METRICS_PORT);
  if (options.files !== undefined) agent.SIEM_FILE_INPUTS = options.files;
  if (options.multilineStart !== undefined) agent.SIEM_FILE_MULTILINE_START = options.multilineStart;
  const config = loadConfig(agent);
  if (config.files.patterns.length === 0 && config.mqtt.url === undefined) {
    throw new Error('the agent has nothing to read: give file patterns with --files "/var/log/app/*.log" or SIEM_FILE_INPUTS (or an MQTT broker with SIEM_MQTT_URL).');
  }
  return agent;
}

/**
 * Runs the collector as a file-tailing agent in the foreground. It produces to
 * the configured bus: Kafka on another host, or the embedded bus of a `siem
 * start` on the same host and data directory. Resolves never: the process
 * exits with the collector, which on Ctrl-C saves its checkpoints first.
 */
export async function runAgent(options: AgentOptions, logger: Logger): Promise<void> {
  const env = agentEnv(process.env, options);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps', 'collector', 'src', 'main.ts')], { cwd: process.cwd(), env, stdio: ['ignore', 'inherit', 'inherit'] });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
  if (code !== 0) logger.error({ code }, 'The agent stopped with an error; see its log lines above.');
  process.exit(code);
}
