import { InfraError, InfraErrorCodes } from './errors';

export const COMMANDS = ['up', 'down', 'status', 'fetch'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command | 'help';
  readonly fresh: boolean;
}

export const USAGE = `Usage: npm run infra -- <command> [--fresh]

Commands:
  up      fetch what is missing, start Kafka and OpenSearch unless healthy, print their addresses
  down    stop the services this tool started
  status  print what is running and cached, as JSON
  fetch   only download the Maven artifacts into the cache

Options:
  --fresh  (up) stop the services and delete their data first

Environment: SIEM_INFRA_HOME (default ~/.cache/siem-infra), SIEM_INFRA_KAFKA_PORT (19092),
SIEM_INFRA_OPENSEARCH_PORT (19200), JAVA_HOME.
`;

export function parseArgs(argv: readonly string[]): CliArgs {
  let command: CliArgs['command'] | undefined;
  let fresh = false;
  for (const arg of argv) {
    if (arg === '--fresh') fresh = true;
    else if (arg === '--help' || arg === '-h' || arg === 'help') command = 'help';
    else if (arg.startsWith('-')) throw usageError(`Unknown option ${arg}.`);
    else if (command !== undefined) throw usageError(`Unexpected argument ${arg}.`);
    else if (isCommand(arg)) command = arg;
    else throw usageError(`Unknown command ${arg}.`);
  }
  if (command === undefined) throw usageError('No command given.');
  if (fresh && command !== 'up') throw usageError('--fresh only applies to up.');
  return { command, fresh };
}

function isCommand(value: string): value is Command {
  return (COMMANDS as readonly string[]).includes(value);
}

function usageError(problem: string): InfraError {
  return new InfraError(InfraErrorCodes.usage, `${problem}\n${USAGE}`, { retryable: false });
}
