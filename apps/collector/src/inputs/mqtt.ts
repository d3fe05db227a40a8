/**
 * The MQTT input: subscribes to topic filters with QoS 1 in a persistent
 * session (clean session off, stable client id), so the broker queues what
 * edge devices publish while the collector is down. Each message is one
 * record. The PUBACK is sent only once the record is durable in the bus, so
 * while the bus is slow acknowledgements stop, the broker's in-flight window
 * fills and it holds the rest back: that is the backpressure. Messages the
 * bus gave up on are not acknowledged; the connection is dropped so that the
 * broker sends them again.
 */
import { readFile } from 'node:fs/promises';
import mqtt, { type IClientOptions } from 'mqtt';
import type { RawRecord } from '@siem/schema';
import type { InputContext, RunningInput } from './input';
import { InputErrorCodes, InputSetupError } from './input-errors';

export const MQTT_INPUT = 'mqtt';

/** Tells the library not to send its own PUBACK; ours follows once the record is durable. */
const DEFERRED = new Error('The PUBACK is sent once the record is durable in the bus.');

export interface MqttInputOptions {
  readonly url: string;
  readonly topics: readonly string[];
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly caFile?: string;
}

async function readCa(file: string | undefined): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new InputSetupError(InputErrorCodes.mqttCaUnreadable, `SIEM_MQTT_CA_FILE ${file} cannot be read (${(error as Error).message}); point it at the PEM file of the CA that signed the broker's certificate.`, { cause: error });
  }
}

/** Where the broker is, without the password a URL may carry. */
function brokerAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

export async function startMqtt(options: MqttInputOptions, context: InputContext): Promise<RunningInput> {
  const { logger } = context;
  const broker = brokerAddress(options.url);
  let closing = false;
  const inFlight = new Set<Promise<void>>();

  const toRecord = (topic: string, payload: Buffer): RawRecord | undefined => {
    if (payload.length === 0) {
      context.rejected(MQTT_INPUT, 'empty');
      return undefined;
    }
    const truncated = payload.length > context.maxMessageBytes;
    if (truncated) context.rejected(MQTT_INPUT, 'truncated');
    return { payload: truncated ? Buffer.from(payload.subarray(0, context.maxMessageBytes)) : payload, receivedAt: new Date().toISOString(), input: MQTT_INPUT, mqttTopic: topic };
  };

  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    username: options.username,
    password: options.password,
    ca: await readCa(options.caFile),
  };
  if (options.username === undefined) delete clientOptions.username;
  if (options.password === undefined) delete clientOptions.password;
  if (clientOptions.ca === undefined) delete clientOptions.ca;

  const client = mqtt.connect(options.url, clientOptions);
  let connection = 0;
  let acknowledged: Promise<void> = Promise.resolve();
  // The library sends the PUBACK when `done` is called without an error and reads no other message before,
  // which would allow one message per bus round trip. QoS 1 PUBACKs are therefore sent here, in the order the
  // messages came (MQTT 3.1.1 section 4.6), each once its record is durable; the broker's in-flight window bounds
  // how many wait. QoS 2 (only with a broker that ignores the granted QoS) keeps the library's one-at-a-time path.
  client.handleMessage = (packet, done) => {
    if (closing) return;
    const topic = packet.topic;
    const record = toRecord(topic, typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload);
    const durable = record ? context.accept([record]) : Promise.resolve();
    inFlight.add(durable);
    void durable.finally(() => inFlight.delete(durable)).catch(() => undefined);
    if (packet.qos === 0) {
      done();
      return;
    }
    if (packet.qos === 2) {
      durable.then(() => done(), (error: Error) => done(error));
      return;
    }
    const messageId = packet.messageId;
    const sentOn = connection;
    acknowledged = acknowledged.then(() =>
      durable.then(
        () => {
          // A PUBACK meant for an earlier connection would acknowledge whatever the broker now sends under that id.
          if (sentOn === connection && client.connected && messageId !== undefined) client['_sendPacket']({ cmd: 'puback', messageId });
        },
        (error: Error) => {
          if (sentOn !== connection) return;
          logger.error({ err: error, topic }, 'An MQTT message could not be made durable in the bus; reconnecting so the broker sends it again.');
          client.stream.destroy();
        },
      ),
    );
    if (context.isBackedUp()) void durable.then(() => done(DEFERRED), () => done(DEFERRED));
    else done(DEFERRED);
  };
  client.on('connect', (connack) => {
    connection++;
    logger.info({ broker, clientId: options.clientId, sessionPresent: connack.sessionPresent }, 'Connected to the MQTT broker.');
    client.subscribe(
      [...options.topics],
      { qos: 1 },
      (error, granted) => {
        if (error) {
          logger.error({ err: error, broker, topics: options.topics }, 'The MQTT broker refused the subscription; check the topic filters and the ACL of this user.');
          return;
        }
        const refused = (granted ?? []).filter((grant) => grant.qos === 128).map((grant) => grant.topic);
        if (refused.length > 0) logger.error({ broker, refused }, 'The MQTT broker refused some topic filters; check them and the ACL of this user.');
        logger.info({ broker, topics: options.topics }, 'Subscribed to the MQTT topics.');
      },
    );
  });
  client.on('error', (error) => {
    // A refused CONNACK (bad credentials, client id not allowed) needs the operator; a refused TCP connect is the outage already logged as offline.
    if (typeof (error as { code?: unknown }).code === 'number') logger.error({ err: error, broker }, 'The MQTT broker refused the connection; check SIEM_MQTT_USERNAME, SIEM_MQTT_PASSWORD and SIEM_MQTT_CLIENT_ID.');
    else logger.debug({ err: error, broker }, 'The MQTT connection failed.');
  });
  client.on('offline', () => logger.warn({ broker }, 'The MQTT broker is unreachable; reconnecting every second.'));

  return {
    name: MQTT_INPUT,
    address: `${broker} ${options.topics.join(',')}`,
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await client.endAsync();
    },
  };
}
