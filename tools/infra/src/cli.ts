import { parseArgs, USAGE } from './args';
import { InfraError } from './errors';
import { ensureInfra, fetchInfraArtifacts, infraStatus, stopInfra } from './infra';

/**
 * `npm run infra -- up|down|status|fetch [--fresh]`. Results go to stdout (a JSON line, and for
 * `up` also KEY=value lines for `eval`/`source`); progress and errors go to stderr.
 */
async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const progress = (message: string): void => {
    process.stderr.write(`infra: ${message}\n`);
  };
  switch (args.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'up': {
      const info = await ensureInfra({ fresh: args.fresh, onProgress: progress });
      process.stdout.write(
        `${JSON.stringify(info)}\nSIEM_KAFKA_BROKERS=${info.kafkaBrokers}\nSIEM_OPENSEARCH_URL=${info.opensearchUrl}\n`,
      );
      return 0;
    }
    case 'down':
      process.stdout.write(`${JSON.stringify(await stopInfra())}\n`);
      return 0;
    case 'status':
      process.stdout.write(`${JSON.stringify(await infraStatus())}\n`);
      return 0;
    case 'fetch': {
      const { kafka, opensearch, downloadSeconds } = await fetchInfraArtifacts({ onProgress: progress });
      process.stdout.write(`${JSON.stringify({ downloadSeconds, kafka, opensearch })}\n`);
      return 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof InfraError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
    } else {
      process.stderr.write(`SIEM_INFRA_UNEXPECTED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
