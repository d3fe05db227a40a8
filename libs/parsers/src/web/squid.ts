/**
 * Squid's native access log format (`logformat squid`, the default), as the
 * Squid wiki's "SquidFaq/SquidLogs" describes it:
 *
 *   1796378400.123    150 198.51.100.7 TCP_MISS/200 1234 GET http://www.example.com/ alice HIER_DIRECT/192.0.2.80 text/html
 *
 * time (epoch seconds.millis), elapsed ms, client address, result code /
 * HTTP status, bytes sent to the client, method, URL, user (`-` if none),
 * hierarchy code / peer, content type. Read from access.log, or sent to
 * syslog (`access_log syslog:...`, program `squid`).
 *
 * As Elastic's squid integration: `@timestamp`, `event.duration`,
 * `source.ip`, `squid.{request_status, hierarchy_status}`,
 * `http.response.{status_code, bytes, mime_type}`, `http.request.method`,
 * `url.*` (CONNECT targets as `url.domain` and `url.port`), `user.name`,
 * `destination.{ip,address}` (the peer or origin server); denied requests
 * (`TCP_DENIED`, status 403/407) are `event.type: denied`.
 */
import type { FieldsBodyParser } from '../body-format';
import { countOf, endpoint, isIpAddress, mismatch, put, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';

export const SQUID = 'squid';

const RECORD = /^(\d{9,10})\.(\d{3}) +(\d+) (\S+) ([A-Z_]+)\/(\d{3}) (\d+) (\S+) (\S+) (\S+) ([A-Z_]+)\/(\S+) (\S+)/;

function urlFields(method: string, target: string): Fields | undefined {
  if (method === 'CONNECT') {
    const colon = target.lastIndexOf(':');
    const port = countOf(target.slice(colon + 1));
    return colon > 0 && port !== undefined ? { domain: target.slice(0, colon), port, original: target } : { original: target };
  }
  try {
    const url = new URL(target);
    const fields: Fields = { original: target, scheme: url.protocol.slice(0, -1), domain: url.hostname, path: url.pathname };
    if (url.port.length > 0) fields.port = Number(url.port);
    if (url.search.length > 1) fields.query = url.search.slice(1);
    return fields;
  } catch {
    return { original: target };
  }
}

export const squidBodyParser: FieldsBodyParser = {
  dataset: SQUID,
  description: 'Squid native access log (time elapsed client code/status bytes method URL user hierarchy/peer type), from access.log or syslog, with the fields of Elastic\'s squid integration.',
  compile() {
    return (body) => {
      const match = RECORD.exec(body);
      if (match === null) {
        if (/^\d{9,10}\.\d{3} /.test(body)) {
          return mismatch(SQUID, 'The Squid access line does not have the native format\'s ten fields (time elapsed client code/status bytes method URL user hierarchy/peer type); check the logformat of the access_log directive.');
        }
        return undefined;
      }
      const [, seconds, millis, elapsed, client, requestStatus, statusText, bytes, method, target, user, hierarchy, peer, mime] = match as unknown as [string, string, string, string, string, string, string, string, string, string, string, string, string, string];
      const status = Number(statusText);
      const denied = requestStatus === 'TCP_DENIED' || requestStatus === 'NONE_NONE' && status >= 400 || status === 403 || status === 407;
      const event: Fields = { kind: 'event', category: ['web', 'network'], type: denied ? ['access', 'denied'] : ['access'], duration: Number(elapsed) * 1e6 };
      put(event, 'action', requestStatus.toLowerCase());
      if (status > 0) event.outcome = status >= 400 ? 'failure' : 'success';
      const response: Fields = { bytes: Number(bytes) };
      if (status > 0) response.status_code = status;
      if (mime !== '-') response.mime_type = mime;
      const fields: Fields = {
        '@timestamp': Number(seconds) * 1000 + Number(millis),
        event,
        http: { request: { method }, response },
        squid: { request_status: requestStatus, hierarchy_status: hierarchy },
      };
      put(fields, 'source', endpoint(client));
      put(fields, 'url', urlFields(method, target));
      if (user !== '-') fields.user = { name: user };
      if (peer !== '-') fields.destination = isIpAddress(peer) ? { ip: peer, address: peer } : { domain: peer, address: peer };
      return fields;
    };
  },
};

export const squidParser = defineSyslogBodyFormat(squidBodyParser);
