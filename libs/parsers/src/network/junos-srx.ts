/**
 * Juniper SRX (Junos) session logs in structured syslog: APP-NAME `RT_FLOW`,
 * MSGID `RT_FLOW_SESSION_CREATE`, `_CLOSE` or `_DENY`, and the session in the
 * `junos@2636...` structured data, as Juniper's system log reference lists
 * the fields (source-address, nat-source-address, policy-name, reason, ...).
 * Mapped into ECS as Elastic's juniper_srx integration names the fields:
 * `event.action` `flow_started`/`flow_close`/`flow_deny`, source and
 * destination with NAT, bytes and packets per side, `rule.name`,
 * `observer.{ingress,egress}.zone`, `juniper.srx.*` for the rest.
 */
import type { WritingBodyParser } from '../body-format';
import { mergeEcsFields } from '../body-format';
import { assignFields, countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const JUNOS_SRX = 'junos_srx';

const ACTIONS: Readonly<Record<string, { action: string; type: string[]; outcome?: 'success' | 'failure' }>> = {
  RT_FLOW_SESSION_CREATE: { action: 'flow_started', type: ['connection', 'start', 'allowed'], outcome: 'success' },
  RT_FLOW_SESSION_CLOSE: { action: 'flow_close', type: ['connection', 'end'], outcome: 'success' },
  RT_FLOW_SESSION_DENY: { action: 'flow_deny', type: ['connection', 'denied'], outcome: 'failure' },
};

const known = (value: string | undefined): string | undefined => (value === undefined || value === 'N/A' || value === 'UNKNOWN' || value === '' ? undefined : value);

function natOf(address: string | undefined, port: string | undefined, real: Fields | undefined): Fields | undefined {
  const nat = known(address) === undefined || address === '0.0.0.0' ? undefined : endpoint(address, port);
  if (nat === undefined || real === undefined) return nat;
  return nat.ip === real.ip && nat.port === real.port ? undefined : nat;
}

/** The session's fields, or undefined when the data has no valid source and destination address. */
function junosSessionFields(msgid: string, data: Record<string, string>): Fields | undefined {
  const kind = ACTIONS[msgid]!;
  const source = endpoint(data['source-address'], data['source-port']);
  const destination = endpoint(data['destination-address'], data['destination-port']);
  if (source?.ip === undefined || destination?.ip === undefined) return undefined;
  const sourceNat = natOf(data['nat-source-address'], data['nat-source-port'], source);
  if (sourceNat !== undefined) source.nat = sourceNat;
  const destinationNat = natOf(data['nat-destination-address'], data['nat-destination-port'], destination);
  if (destinationNat !== undefined) destination.nat = destinationNat;
  put(source, 'bytes', countOf(data['bytes-from-client']));
  put(source, 'packets', countOf(data['packets-from-client']));
  put(destination, 'bytes', countOf(data['bytes-from-server']));
  put(destination, 'packets', countOf(data['packets-from-server']));
  const event: Fields = { kind: 'event', category: ['network'], type: kind.type, action: kind.action };
  put(event, 'outcome', kind.outcome);
  put(event, 'reason', known(data.reason));
  const elapsed = countOf(data['elapsed-time']);
  if (elapsed !== undefined) event.duration = elapsed * 1e9;
  const fields: Fields = {
    event,
    source,
    destination,
    network: put(put({}, 'transport', transportOf(data['protocol-id'])), 'application', known(data.application)?.toLowerCase()),
    observer: assignFields(observer('Juniper', 'SRX'), {
      ingress: put(put({}, 'zone', known(data['source-zone-name'])), 'interface', known(data['packet-incoming-interface']) ? { name: data['packet-incoming-interface'] } : undefined),
      egress: put({}, 'zone', known(data['destination-zone-name'])),
    }),
    juniper: { srx: assignFields({ tag: msgid }, data) },
  };
  const policy = known(data['policy-name']);
  if (policy !== undefined) fields.rule = { name: policy };
  const user = known(data.username);
  if (user !== undefined) fields.user = { name: user };
  const sourceBytes = countOf(data['bytes-from-client']);
  const destinationBytes = countOf(data['bytes-from-server']);
  if (sourceBytes !== undefined || destinationBytes !== undefined) (fields.network as Fields).bytes = (sourceBytes ?? 0) + (destinationBytes ?? 0);
  return fields;
}

export const junosSrxBodyParser: WritingBodyParser = {
  dataset: JUNOS_SRX,
  description: 'Juniper SRX RT_FLOW session logs (RT_FLOW_SESSION_CREATE, _CLOSE, _DENY) in structured syslog, with the fields of Elastic\'s juniper_srx integration.',
  compileWriter() {
    return (_body, target) => {
      const syslog = (target.log as Fields | undefined)?.syslog as { msgid?: string; structured_data?: Record<string, Record<string, string>> } | undefined;
      const msgid = syslog?.msgid;
      if (msgid === undefined || ACTIONS[msgid] === undefined) return undefined;
      const sdId = Object.keys(syslog?.structured_data ?? {}).find((id) => id.startsWith('junos@'));
      if (sdId === undefined) {
        return mismatch(JUNOS_SRX, `The ${msgid} message has no junos@ structured data; configure the SRX with "set system syslog ... structured-data" so the session fields are sent.`);
      }
      const fields = junosSessionFields(msgid, syslog!.structured_data![sdId]!);
      if (fields === undefined) return mismatch(JUNOS_SRX, `The ${msgid} structured data has no valid source-address and destination-address.`);
      mergeEcsFields(target, fields);
      return true;
    };
  },
};

export const junosSrxParser = defineSyslogBodyFormat(junosSrxBodyParser);
