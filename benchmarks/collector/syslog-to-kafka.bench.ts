/**
 * Proves: the collector takes TCP syslog into Kafka at least as fast as
 * syslog-ng (Debian's syslog-ng-core with syslog-ng-mod-rdkafka) doing the
 * same job on the same input in the same run: newline-framed lines over one
 * TCP connection, written to a topic of the same partitions, acknowledged by
 * the broker. Prints events/s and the CPU seconds each process used.
 *
 * The collector packs a batch's lines into batch envelopes (SIEM_BATCH_ENVELOPE,
 * on by default), so its end is read from its produced counter, which moves
 * only once the broker acknowledged; syslog-ng's from the topic's offsets.
 * Both topics are then consumed whole and their records counted.
 *
 *   node --import tsx benchmarks/collector/syslog-to-kafka.bench.ts [events=300000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKafka, ensureKafkaTopics, rawRecordCount } from '@siem/bus';
import { ensureInfra } from '@siem/infra';
import { createLogger } from '@siem/telemetry';
import { deploymentEnv, freePort, startApp, waitFor } from '@siem/testing';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300_000);
const PARTITIONS = 2;
const CLOCK_TICKS_PER_SECOND = 100;

const infra = await ensureInfra();
const kafka = createKafka({ brokers: [infra.kafkaBrokers], clientId: 'bench-syslog', logger: createLogger('bench', 'warn') });
const admin = kafka.admin();
await admin.connect();

function line(i: number): string {
  return `<38>1 2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z host-${i % 50} sshd ${1000 + (i % 9000)} - - Failed password for user${i % 500} from 203.0.113.${i % 250} port ${1024 + (i % 60000)} ssh2\n`;
}

/** CPU seconds (user + system) a process and its threads used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function messagesIn(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}

/** Records in the topic, read back whole by a consumer: an envelope counts for the records it holds. */
async function recordsIn(topic: string): Promise<{ records: number; messages: number }> {
  const expected = new Map((await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  if (expected.size === 0) return { records: 0, messages: 0 };
  const consumer = kafka.consumer({ groupId: `bench-count-${Date.now()}-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let records = 0;
  let messages = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          messages++;
          records += rawRecordCount({ value: message.value ?? Buffer.alloc(0), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
        }
        if (Number(batch.lastOffset()) + 1 >= (expected.get(batch.partition) ?? 0)) expected.delete(batch.partition);
        if (expected.size === 0) resolve();
      },
    });
  });
  await done;
  await consumer.disconnect();
  return { records, messages };
}

/** The collector's own count of records the broker acknowledged. */
async function collectorProduced(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('siem_collector_produced_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** The input, built once before either run, so that the sender's own work is small and the same for both. */
const INPUT: Buffer[] = [];
for (let i = 0; i < TOTAL; i += 1000) {
  let chunk = '';
  for (let k = i; k < Math.min(TOTAL, i + 1000); k++) chunk += line(k);
  INPUT.push(Buffer.from(chunk));
}

async function send(port: number): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (const chunk of INPUT) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

interface Row {
  readonly name: string;
  readonly seconds: number;
  readonly cpu: number;
  readonly messages?: number;
}

/** Sends the input to `port` and waits until `delivered` counts every event; `pid` is the process measured. */
async function measure(name: string, pid: number, port: number, topic: string, delivered: () => Promise<number>): Promise<Row> {
  const cpuBefore = cpuSeconds(pid);
  const started = Date.now();
  await send(port);
  await waitFor(`${name}: every event in Kafka`, async () => (await delivered()) >= TOTAL, 900_000, 100);
  const row = { name, seconds: (Date.now() - started) / 1000, cpu: cpuSeconds(pid) - cpuBefore };
  const counted = await recordsIn(topic);
  if (counted.records !== TOTAL) throw new Error(`${name}: the topic holds ${counted.records} records, not ${TOTAL}`);
  process.stdout.write(`${name}: ${row.seconds.toFixed(1)} s, ${Math.round(TOTAL / row.seconds)} events/s, ${row.cpu.toFixed(1)} CPU s; read back ${counted.records} records in ${counted.messages} Kafka messages\n`);
  return { ...row, messages: counted.messages };
}

const rows: Row[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-syslog-bench-'));
try {
  const setup = await deploymentEnv({ kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl }, { SIEM_TOPIC_PARTITIONS: String(PARTITIONS), SIEM_LOG_LEVEL: 'warn' });
  await ensureKafkaTopics(kafka, [{ topic: setup.rawTopic, partitions: PARTITIONS, replicationFactor: 1 }, { topic: setup.deadLetterTopic, partitions: PARTITIONS, replicationFactor: 1 }]);
  const collector = startApp('collector', { ...setup.env, SIEM_LOG_LEVEL: 'info' });
  await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
  rows.push(await measure('collector (this project)', collector.child.pid!, setup.syslogPort, setup.rawTopic, () => collectorProduced(setup.metricsPort)));
  await collector.stop();

  const peerTopic = `${setup.rawTopic}.syslog-ng`;
  await ensureKafkaTopics(kafka, [{ topic: peerTopic, partitions: PARTITIONS, replicationFactor: 1 }]);
  const peerPort = await freePort();
  const conf = path.join(scratch, 'syslog-ng.conf');
  writeFileSync(
    conf,
    `@version: 3.38
options { stats-freq(0); use-dns(no); log-fifo-size(100000); };
source s_tcp { network(ip("127.0.0.1") port(${peerPort}) transport("tcp") flags(no-parse) log-iw-size(100000) log-msg-size(65536)); };
destination d_kafka { kafka-c(bootstrap-servers("${infra.kafkaBrokers}") topic("${peerTopic}") key("\${HOST}") message("\${MESSAGE}") config("compression.codec" => "lz4")); };
log { source(s_tcp); destination(d_kafka); };
`,
  );
  const syslogNg = spawn('syslog-ng', ['-F', '-f', conf, '--persist-file', path.join(scratch, 'persist'), '--pidfile', path.join(scratch, 'pid'), '--control', path.join(scratch, 'ctl')], { stdio: 'ignore' });
  await waitFor('syslog-ng to listen', () => new Promise<boolean>((resolve) => net.connect(peerPort, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false))), 30_000, 100);
  rows.push(await measure('syslog-ng 3.38 + kafka-c (peer)', syslogNg.pid!, peerPort, peerTopic, () => messagesIn(peerTopic)));
  syslogNg.kill('SIGTERM');
} finally {
  await admin.disconnect();
  rmSync(scratch, { recursive: true, force: true });
}

const table = [
  `${TOTAL} RFC 5424 lines (~130 bytes) over one TCP connection, newline framing, into a ${PARTITIONS}-partition topic with LZ4, until the broker holds all of them:`,
  '',
  '| sender → Kafka | seconds | events/s | CPU seconds | events per CPU second | Kafka messages |',
  '|---|---|---|---|---|---|',
  ...rows.map((row) => `| ${row.name} | ${row.seconds.toFixed(1)} | ${Math.round(TOTAL / row.seconds)} | ${row.cpu.toFixed(1)} | ${Math.round(TOTAL / Math.max(row.cpu, 0.01))} | ${row.messages ?? ''} |`),
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', 'collector-syslog-to-kafka.md'), `# collector TCP syslog → Kafka, ${new Date().toISOString()}\n\n${table}\n`);
process.exit(0);
