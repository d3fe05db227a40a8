/**
 * One sender per `--via`: each takes a batch of lines and says how many the
 * other side acknowledged and how many it refused. Syslog over UDP, TCP and
 * TLS has no acknowledgement in the protocol, so those senders report
 * `acknowledged: undefined` and the caller compares with the collector's
 * counters instead.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import mqtt from 'mqtt';
import { createBus, encodeRawRecord, type BusProducer } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';
import type { GeneratedLine } from './mixed-lines';

export const VIAS = ['udp', 'tcp', 'tls', 'http', 'bulk', 'mqtt', 'kafka'] as const;
export type Via = (typeof VIAS)[number];

export interface BatchOutcome {
  /** Lines the receiver confirmed; undefined when the protocol has no confirmation. */
  readonly acknowledged?: number;
  readonly rejected: number;
}

export interface LineSender {
  send(lines: readonly GeneratedLine[]): Promise<BatchOutcome>;
  close(): Promise<void>;
}

export interface SenderTarget {
  /** Collector host for udp, tcp, tls, http, bulk. */
  readonly host: string;
  readonly syslogPort: number;
  readonly syslogTlsPort: number;
  readonly httpPort: number;
  /** HTTP ingest API key, when the collector requires one. */
  readonly apiKey?: string;
  /** PEM CA file that signed the collector's TLS certificate. */
  readonly caFile?: string;
  /** Accept any TLS certificate (test setups with a self-signed one). */
  readonly insecure?: boolean;
  readonly mqttUrl?: string;
  /** MQTT topic prefix; each line goes to `<prefix>/<kind>`. */
  readonly mqttTopic: string;
  /** Bus and topic for `--via kafka` (the raw topic, as kcat or rsyslog omkafka would produce). */
  readonly config: SiemConfig;
  readonly logger: Logger;
}

export async function createSender(via: Via, target: SenderTarget): Promise<LineSender> {
  switch (via) {
    case 'udp':
      return udpSender(target);
    case 'tcp':
      return streamSender(await connectTcp(target.host, target.syslogPort));
    case 'tls':
      return streamSender(await connectTls(target));
    case 'http':
      return httpSender(`http://${target.host}:${target.httpPort}/ingest`, target.apiKey);
    case 'bulk':
      return bulkSender(`http://${target.host}:${target.httpPort}/_bulk`, target.apiKey);
    case 'mqtt':
      return mqttSender(target);
    case 'kafka':
      return busSender(target);
  }
}

function udpSender(target: SenderTarget): LineSender {
  const socket = dgram.createSocket(net.isIPv6(target.host) ? 'udp6' : 'udp4');
  return {
    async send(lines) {
      await Promise.all(lines.map((line) => new Promise<void>((resolve, reject) => socket.send(line.text, target.syslogPort, target.host, (error) => (error ? reject(error) : resolve())))));
      return { rejected: 0 };
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

const connectTcp = (host: string, port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });

const connectTls = (target: SenderTarget) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = tls.connect({ host: target.host, port: target.syslogTlsPort, rejectUnauthorized: target.insecure !== true, ...(target.caFile && { ca: readFileSync(target.caFile) }) }, () => resolve(socket));
    socket.once('error', reject);
  });

/** Newline framing (RFC 6587 non-transparent framing); a write resolves once the socket took it, waiting on a full buffer. */
function streamSender(socket: net.Socket): LineSender {
  let failure: Error | undefined;
  socket.on('error', (error) => (failure = error));
  return {
    async send(lines) {
      if (failure) throw failure;
      const body = lines.map((line) => `${line.text}\n`).join('');
      await new Promise<void>((resolve, reject) => socket.write(body, (error) => (error ? reject(error) : resolve())));
      return { rejected: 0 };
    },
    close: () => new Promise<void>((resolve) => socket.end(() => resolve())),
  };
}

const authHeaders = (apiKey: string | undefined): Record<string, string> => (apiKey ? { authorization: `ApiKey ${apiKey}` } : {});

/** POST /ingest as text lines: the collector answers how many it accepted and which it refused. */
function httpSender(url: string, apiKey: string | undefined): LineSender {
  return {
    async send(lines) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8', ...authHeaders(apiKey) }, body: lines.map((line) => line.text).join('\n') });
      const text = await response.text();
      if (!response.ok) return { acknowledged: 0, rejected: lines.length };
      const answer = JSON.parse(text) as { accepted?: number; rejected?: unknown[] };
      const rejected = Array.isArray(answer.rejected) ? answer.rejected.length : 0;
      return { acknowledged: answer.accepted ?? lines.length - rejected, rejected };
    },
    close: async () => undefined,
  };
}

/** POST /_bulk as Filebeat sends it: an index action and a document with the line in `message`. */
function bulkSender(url: string, apiKey: string | undefined): LineSender {
  return {
    async send(lines) {
      const body = lines.map((line) => `{"create":{"_index":"loadgen-${line.kind}"}}\n${JSON.stringify({ '@timestamp': new Date().toISOString(), message: line.text, host: { name: line.host } })}\n`).join('');
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...authHeaders(apiKey) }, body });
      const text = await response.text();
      if (!response.ok) return { acknowledged: 0, rejected: lines.length };
      const answer = JSON.parse(text) as { items?: Record<string, { status?: number }>[] };
      const statuses = (answer.items ?? []).map((item) => Object.values(item)[0]?.status ?? 0);
      const acknowledged = statuses.filter((status) => status >= 200 && status < 300).length;
      return { acknowledged, rejected: lines.length - acknowledged };
    },
    close: async () => undefined,
  };
}

/** QoS 1: a line counts as acknowledged once the broker's PUBACK arrived. */
async function mqttSender(target: SenderTarget): Promise<LineSender> {
  if (!target.mqttUrl) throw new Error('--via mqtt needs a broker: give --mqtt-url mqtt://host:1883 or set SIEM_MQTT_URL.');
  const client = await mqtt.connectAsync(target.mqttUrl, { clientId: `siem-loadgen-${process.pid}`, ...(target.caFile && { ca: readFileSync(target.caFile) }), rejectUnauthorized: target.insecure !== true });
  return {
    async send(lines) {
      const results = await Promise.allSettled(lines.map((line) => client.publishAsync(`${target.mqttTopic}/${line.kind}`, line.text, { qos: 1 })));
      const acknowledged = results.filter((result) => result.status === 'fulfilled').length;
      return { acknowledged, rejected: lines.length - acknowledged };
    },
    close: () => client.endAsync(),
  };
}

/** Produces straight to the raw topic, one record per line, as the collector would with SIEM_BATCH_ENVELOPE=false. */
async function busSender(target: SenderTarget): Promise<LineSender> {
  const producer: BusProducer = createBus(target.config, target.logger, 'loadgen').producer();
  await producer.connect();
  return {
    async send(lines) {
      const receivedAt = new Date().toISOString();
      await producer.send(
        target.config.kafka.rawTopic,
        lines.map((line) => ({ ...encodeRawRecord({ payload: Buffer.from(line.text), receivedAt, input: 'loadgen' }), key: line.host })),
      );
      return { acknowledged: lines.length, rejected: 0 };
    },
    close: () => producer.disconnect(),
  };
}
