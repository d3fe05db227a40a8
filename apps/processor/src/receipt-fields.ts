import { DEFAULT_TENANT, type EcsEvent, type RawRecord } from '@siem/schema';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Copies what the collector knew at receipt and the parser cannot see into
 * the event: the file a line was read from (ECS `log.file.path`) and the MQTT
 * topic a message came on (`mqtt.topic`, not in ECS). The receipt wins over a
 * value the line itself carried, since it is what actually happened.
 *
 * The tenant (`organization`) is the collector's decision from the sender's credential:
 * it replaces whatever `organization` the line carried, so a sender cannot write into
 * another tenant; a forged value survives only in `event.original`, which is not searchable.
 */
export function addReceiptFields(event: EcsEvent, record: RawRecord): void {
  event.organization = { id: record.tenant ?? DEFAULT_TENANT };
  if (record.filePath !== undefined) {
    const log = isObject(event.log) ? event.log : (event.log = {});
    const file = isObject(log.file) ? log.file : (log.file = {});
    file.path = record.filePath;
  }
  if (record.mqttTopic !== undefined) {
    const mqtt = isObject(event.mqtt) ? event.mqtt : (event.mqtt = {});
    mqtt.topic = record.mqttTopic;
  }
  if (record.truncated) event.tags = Array.isArray(event.tags) ? [...(event.tags as unknown[]), 'truncated'] : ['truncated'];
  if (record.targetIndex !== undefined) event.labels = { ...(isObject(event.labels) ? event.labels : {}), target_index: record.targetIndex };
}
