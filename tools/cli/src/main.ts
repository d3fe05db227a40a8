import { loadConfig } from '@siem/config';
import { createLogger } from '@siem/telemetry';
import { runAgent } from './agent-command';
import { parseArgs } from './args';
import { DETECTION_USAGE, runDetectionCommand } from './detection-commands';
import { KEYS_USAGE, runKeysCommand } from './keys-command';
import { runLoadgenCommand } from './loadgen/loadgen-command';
import { replayRawSummary, runReplay } from './replay/replay-command';
import { replaySummary, runDlqReplay } from './dlq-command';
import { runSearch } from './search-command';
import { runSend, sendSummary } from './send-command';
import { runStart } from './start-command';

const USAGE = `Usage:
  siem start [--local-cluster]          run collector, processor and API (embedded bus and store unless
                                        SIEM_KAFKA_BROKERS / SIEM_OPENSEARCH_URL are set; --local-cluster
                                        starts the project's own Kafka and OpenSearch first, and stops
                                        them at the end unless they were already running)
  siem agent [--files GLOB,GLOB] [--multiline-start REGEX]
                                        tail files into the bus (the collector without listeners;
                                        patterns default to SIEM_FILE_INPUTS, checkpoints under SIEM_DATA_DIR,
                                        metrics on :9465 unless SIEM_COLLECTOR_METRICS_PORT is set)
  siem send [FILE] [--batch N]          ship lines from FILE or stdin to the collector's HTTP input
  siem loadgen [--rate N] [--mix syslog,cef,json,windows] [--via udp|tcp|tls|http|bulk|mqtt|kafka] [--duration 60s]
                                        send generated mixed traffic at a steady rate to the collector (or the
                                        raw topic, --via kafka); reports sent, acknowledged and rejected
  siem replay --from ISO|1h|now-2h [--to ...] [--query QUERY]
                                        send the raw events received in the range through the pipeline again
                                        (after a parser or rule change), with their original ids: the stored
                                        events are replaced, not doubled; --query keeps those it matches
                                        (raw:*text*, free text, or fields the auto parser reads)
  siem search QUERY [--size N] [--from ISO|24h|now-15m] [--to ...] [--json] [--agg FIELD] [--export ndjson|csv]
  siem dlq replay [--code CODE] [--parser NAME] [--all] [--wait-seconds N]
                                        re-send dead letters through the pipeline (after a parser fix):
                                        those in the dead-letter topic when it starts, by default only the
                                        ones not replayed before, --all every one (replayed events keep
                                        their ids: nothing is indexed twice). It then waits (default 120 s)
                                        for the processor and reports how many failed again; those stay
                                        for the next replay. Dead letters are searchable:
                                        siem search 'event.kind:pipeline_error'
${DETECTION_USAGE}${KEYS_USAGE}`;

const args = parseArgs(process.argv.slice(2));
const logger = createLogger('siem', process.env.SIEM_LOG_LEVEL ?? 'info');
const local = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
const flag = (name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
const exportFormat = (format: string | undefined): 'ndjson' | 'csv' | undefined => {
  if (format === undefined || format === 'ndjson' || format === 'csv') return format;
  process.stderr.write(`--export takes ndjson or csv, not ${format}.\n${USAGE}`);
  process.exit(2);
};

try {
  switch (args.command) {
    case 'rules':
    case 'alerts': {
      const config = loadConfig();
      const apiUrl = flag('api') ?? `http://${local(config.api.host)}:${config.api.port}`;
      process.exitCode = await runDetectionCommand(args, apiUrl, (text) => process.stdout.write(text));
      break;
    }
    case 'keys': {
      const config = loadConfig();
      process.exitCode = await runKeysCommand(args, flag('api') ?? `http://${local(config.api.host)}:${config.api.port}`, (text) => process.stdout.write(text));
      break;
    }
    case 'start':
      process.exit(await runStart({ localCluster: args.flags['local-cluster'] === true }, logger));
      break;
    case 'agent':
      await runAgent({ files: flag('files'), multilineStart: flag('multiline-start') }, logger);
      break;
    case 'send': {
      const config = loadConfig();
      const result = await runSend({
        url: flag('url') ?? `http://${local(config.collector.host)}:${config.collector.httpPort}/ingest`,
        file: args.positional[0],
        batchLines: Number(flag('batch') ?? 5000),
        progress: process.stderr,
      });
      process.stderr.write(`${sendSummary(result)}\n`);
      break;
    }
    case 'loadgen':
      process.stderr.write(`${await runLoadgenCommand(args.flags, loadConfig(), logger, process.stderr)}\n`);
      break;
    case 'replay': {
      const from = flag('from');
      if (from === undefined) {
        process.stderr.write(`siem replay needs --from.\n${USAGE}`);
        process.exit(2);
      }
      const result = await runReplay(loadConfig(), { from, to: flag('to'), query: flag('query'), progress: process.stderr }, logger);
      process.stderr.write(replayRawSummary(result));
      break;
    }
    case 'search': {
      const config = loadConfig();
      process.stdout.write(
        await runSearch({
          apiUrl: flag('api') ?? `http://${local(config.api.host)}:${config.api.port}`,
          query: args.positional.join(' '),
          size: Number(flag('size') ?? 20),
          from: flag('from'),
          to: flag('to'),
          json: args.flags.json === true,
          agg: flag('agg'),
          export: exportFormat(flag('export')),
          progress: process.stderr,
        }),
      );
      break;
    }
    case 'dlq': {
      if (args.positional[0] !== 'replay') {
        process.stderr.write(USAGE);
        process.exit(2);
      }
      const waitSeconds = Number(flag('wait-seconds') ?? 120);
      const result = await runDlqReplay(
        loadConfig(),
        { filter: { code: flag('code'), stage: flag('parser') }, all: args.flags.all === true, waitSeconds, progress: process.stderr },
        logger,
      );
      process.stderr.write(replaySummary(result, waitSeconds));
      break;
    }
    default:
      process.stdout.write(USAGE);
      process.exit(args.command === undefined || args.command === 'help' ? 0 : 2);
  }
} catch (error) {
  process.stderr.write(`siem ${args.command}: ${(error as Error).message}\n`);
  process.exit(1);
}
