/**
 * AWS CloudTrail records, one record object per line, mapped as Filebeat's
 * aws/cloudtrail module maps them: ECS fields for who did what from where,
 * and the record itself under `aws.cloudtrail.*`. The free-form parts
 * (requestParameters, responseElements, additionalEventData,
 * serviceEventDetails) differ per API call, so they are kept as JSON text
 * rather than as thousands of dynamic index fields.
 *
 * A CloudTrail log file is one `{"Records": [...]}` object. Such a line is
 * rejected with SIEM_PARSE_CLOUDTRAIL_RECORDS rather than expanded: a parser
 * turns one record into one event, and the split belongs at the shipper
 * (Filebeat's aws-s3 input with expand_event_list_from_field: Records, or
 * `jq -c '.Records[]'`), where the offset of each record can be tracked.
 */
import { isIP } from 'node:net';
import type { RawRecord } from '@siem/schema';
import { createParserContext, decodePayload } from './context';
import { isPlainIpv4 } from './ecs-values';
import { parseError, type ParseError } from './errors';
import { decodeJsonObject, finishJsonEvent, isJsonObject, type JsonObject } from './json-object';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const CLOUDTRAIL_PARSER = 'cloudtrail';

export type CloudTrailMapping = { ok: true; fields: JsonObject } | { ok: false; error: ParseError };

/** Record keys this mapping reads; any others are kept together in `aws.cloudtrail.unmapped`. */
const MAPPED_KEYS: ReadonlySet<string> = new Set([
  'eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'userIdentity',
  'requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails', 'errorCode', 'errorMessage',
  'requestID', 'eventID', 'eventType', 'eventCategory', 'recipientAccountId', 'readOnly', 'managementEvent',
  'sharedEventID', 'vpcEndpointId', 'apiVersion', 'resources', 'tlsDetails', 'sessionCredentialFromConsole',
]);

function isCloudTrailRecord(value: unknown): boolean {
  return isJsonObject(value) && typeof value.eventVersion === 'string' && typeof value.eventSource === 'string' && typeof value.eventName === 'string';
}

/**
 * Maps a decoded JSON object when it is a CloudTrail record; an error when it
 * is a whole CloudTrail file; undefined when it is neither.
 */
export function mapCloudTrailObject(fields: JsonObject): CloudTrailMapping | undefined {
  if (isCloudTrailRecord(fields)) return { ok: true, fields: mapRecord(fields) };
  const records = fields.Records;
  if (Array.isArray(records) && (records.length === 0 || isCloudTrailRecord(records[0]))) {
    return {
      ok: false,
      error: parseError(
        'SIEM_PARSE_CLOUDTRAIL_RECORDS',
        CLOUDTRAIL_PARSER,
        `The line is a whole CloudTrail log file ({"Records": [...]} with ${records.length} records); ship one record per line, for example with Filebeat's aws-s3 input and expand_event_list_from_field: Records, or jq -c '.Records[]'.`,
      ),
    };
  }
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

/** JSON text of a free-form part; null and absent both mean there was nothing. */
function jsonTextOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Drops undefined values and objects left empty, so absent record parts leave no empty fields behind. */
function compact(value: JsonObject): JsonObject | undefined {
  const result: JsonObject = {};
  let empty = true;
  // Own keys only, as Object.entries gives them, without allocating the entries.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = value[key];
    const kept = isJsonObject(child) ? compact(child) : child;
    if (kept !== undefined) {
      result[key] = kept;
      empty = false;
    }
  }
  return empty ? undefined : result;
}

/** The name of the identity: its user name, else the last part of its ARN, else its principal id. */
function userNameOf(identity: JsonObject): string | undefined {
  const userName = stringOf(identity.userName);
  if (userName !== undefined) return userName;
  const arn = stringOf(identity.arn);
  if (arn !== undefined) {
    const tail = arn.slice(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);
    if (tail !== '') return tail;
  }
  return stringOf(identity.principalId);
}

function userIdentityOf(identity: JsonObject): JsonObject {
  const session = isJsonObject(identity.sessionContext) ? identity.sessionContext : {};
  const attributes = isJsonObject(session.attributes) ? session.attributes : {};
  const issuer = isJsonObject(session.sessionIssuer) ? session.sessionIssuer : {};
  return {
    type: stringOf(identity.type),
    arn: stringOf(identity.arn),
    access_key_id: stringOf(identity.accessKeyId),
    principal_id: stringOf(identity.principalId),
    invoked_by: stringOf(identity.invokedBy),
    session_context: {
      mfa_authenticated: stringOf(attributes.mfaAuthenticated),
      creation_date: stringOf(attributes.creationDate),
      session_issuer: {
        type: stringOf(issuer.type),
        principal_id: stringOf(issuer.principalId),
        arn: stringOf(issuer.arn),
        account_id: stringOf(issuer.accountId),
        user_name: stringOf(issuer.userName),
      },
    },
  };
}

function resourcesOf(value: unknown): JsonObject[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const resources = value.filter(isJsonObject).map((resource) => compact({ arn: stringOf(resource.ARN), account_id: stringOf(resource.accountId), type: stringOf(resource.type) }) ?? {});
  return resources.length === 0 ? undefined : resources;
}

function mapRecord(record: JsonObject): JsonObject {
  const identity = isJsonObject(record.userIdentity) ? record.userIdentity : {};
  const errorCode = stringOf(record.errorCode);
  const eventName = stringOf(record.eventName);
  const responseElements = record.responseElements;
  const tls = isJsonObject(record.tlsDetails) ? record.tlsDetails : {};

  // A failed console sign-in has no errorCode; the failure is in responseElements.
  const consoleLogin = isJsonObject(responseElements) ? stringOf(responseElements.ConsoleLogin) : undefined;
  const outcome = errorCode !== undefined || consoleLogin === 'Failure' ? 'failure' : 'success';
  const authentication = eventName === 'ConsoleLogin';

  const sourceAddress = stringOf(record.sourceIPAddress);
  const sourceIp = sourceAddress !== undefined && (isPlainIpv4(sourceAddress) || isIP(sourceAddress) !== 0) ? sourceAddress : undefined;
  const userName = userNameOf(identity);

  const unmapped: JsonObject = {};
  for (const key of Object.keys(record)) if (!MAPPED_KEYS.has(key)) unmapped[key] = record[key];

  // Built field by field rather than as one literal passed through compact: property stores
  // under literal names are much faster than compact's stores under computed keys.
  const fields: JsonObject = {};
  const cloud: JsonObject = { provider: 'aws' };
  const region = stringOf(record.awsRegion);
  if (region !== undefined) cloud.region = region;
  const accountId = stringOf(identity.accountId) ?? stringOf(record.recipientAccountId);
  if (accountId !== undefined) cloud.account = { id: accountId };
  fields.cloud = cloud;

  const event: JsonObject = { kind: 'event' };
  if (eventName !== undefined) event.action = eventName;
  const provider = stringOf(record.eventSource);
  if (provider !== undefined) event.provider = provider;
  event.outcome = outcome;
  if (authentication) {
    event.category = ['authentication'];
    event.type = ['start'];
  }
  fields.event = event;

  const principalId = stringOf(identity.principalId);
  if (userName !== undefined || principalId !== undefined) {
    const user: JsonObject = {};
    if (userName !== undefined) user.name = userName;
    if (principalId !== undefined) user.id = principalId;
    fields.user = user;
  }
  if (sourceAddress !== undefined) fields.source = sourceIp === undefined ? { address: sourceAddress } : { address: sourceAddress, ip: sourceIp };
  const userAgent = stringOf(record.userAgent);
  if (userAgent !== undefined) fields.user_agent = { original: userAgent };
  const tlsVersion = stringOf(tls.tlsVersion)?.replace(/^TLSv/, '');
  const cipher = stringOf(tls.cipherSuite);
  if (tlsVersion !== undefined || cipher !== undefined) {
    const tlsFields: JsonObject = {};
    if (tlsVersion !== undefined) tlsFields.version = tlsVersion;
    if (cipher !== undefined) tlsFields.cipher = cipher;
    fields.tls = tlsFields;
  }

  const cloudtrail: JsonObject = {};
  const eventVersion = stringOf(record.eventVersion);
  if (eventVersion !== undefined) cloudtrail.event_version = eventVersion;
  const eventType = stringOf(record.eventType);
  if (eventType !== undefined) cloudtrail.event_type = eventType;
  const eventCategory = stringOf(record.eventCategory);
  if (eventCategory !== undefined) cloudtrail.event_category = eventCategory;
  const requestId = stringOf(record.requestID);
  if (requestId !== undefined) cloudtrail.request_id = requestId;
  const eventId = stringOf(record.eventID);
  if (eventId !== undefined) cloudtrail.event_id = eventId;
  const sharedEventId = stringOf(record.sharedEventID);
  if (sharedEventId !== undefined) cloudtrail.shared_event_id = sharedEventId;
  const recipientAccountId = stringOf(record.recipientAccountId);
  if (recipientAccountId !== undefined) cloudtrail.recipient_account_id = recipientAccountId;
  const apiVersion = stringOf(record.apiVersion);
  if (apiVersion !== undefined) cloudtrail.api_version = apiVersion;
  const vpcEndpointId = stringOf(record.vpcEndpointId);
  if (vpcEndpointId !== undefined) cloudtrail.vpc_endpoint_id = vpcEndpointId;
  const readOnly = booleanOf(record.readOnly);
  if (readOnly !== undefined) cloudtrail.read_only = readOnly;
  const managementEvent = booleanOf(record.managementEvent);
  if (managementEvent !== undefined) cloudtrail.management_event = managementEvent;
  const fromConsole = booleanOf(record.sessionCredentialFromConsole);
  if (fromConsole !== undefined) cloudtrail.session_credential_from_console = fromConsole;
  if (errorCode !== undefined) cloudtrail.error_code = errorCode;
  const errorMessage = stringOf(record.errorMessage);
  if (errorMessage !== undefined) cloudtrail.error_message = errorMessage;
  const userIdentity = compact(userIdentityOf(identity));
  if (userIdentity !== undefined) cloudtrail.user_identity = userIdentity;
  const requestParameters = jsonTextOf(record.requestParameters);
  if (requestParameters !== undefined) cloudtrail.request_parameters = requestParameters;
  const responseText = jsonTextOf(responseElements);
  if (responseText !== undefined) cloudtrail.response_elements = responseText;
  const additionalEventData = jsonTextOf(record.additionalEventData);
  if (additionalEventData !== undefined) cloudtrail.additional_eventdata = additionalEventData;
  const serviceEventDetails = jsonTextOf(record.serviceEventDetails);
  if (serviceEventDetails !== undefined) cloudtrail.service_event_details = serviceEventDetails;
  const hostHeader = stringOf(tls.clientProvidedHostHeader);
  if (hostHeader !== undefined) cloudtrail.tls_details = { client_provided_host_header: hostHeader };
  if (Object.keys(unmapped).length > 0) cloudtrail.unmapped = JSON.stringify(unmapped);
  if (Object.keys(cloudtrail).length > 0) fields.aws = { cloudtrail };
  const relatedUsers = userName === undefined ? undefined : [userName];
  const relatedIps = sourceIp === undefined ? undefined : [sourceIp];
  if (relatedUsers !== undefined || relatedIps !== undefined) fields.related = compact({ user: relatedUsers, ip: relatedIps });
  const resources = resourcesOf(record.resources);
  if (resources !== undefined && isJsonObject(fields.aws) && isJsonObject(fields.aws.cloudtrail)) fields.aws.cloudtrail.resources = resources;
  const eventTime = record.eventTime;
  if (typeof eventTime === 'string') fields['@timestamp'] = eventTime;
  return fields;
}

export function createCloudTrailParser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  return {
    type: CLOUDTRAIL_PARSER,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, CLOUDTRAIL_PARSER);
      if (typeof line !== 'string') return { ok: false, error: line };
      const decoded = decodeJsonObject(line, CLOUDTRAIL_PARSER);
      if (!decoded.ok) return decoded;
      const mapped = mapCloudTrailObject(decoded.value);
      if (mapped === undefined) {
        return {
          ok: false,
          error: parseError(
            'SIEM_PARSE_NO_MATCH',
            CLOUDTRAIL_PARSER,
            'The JSON object is not a CloudTrail record (it needs eventVersion, eventSource and eventName); check the input\'s parser, or use "json".',
          ),
        };
      }
      if (!mapped.ok) return mapped;
      return { ok: true, event: finishJsonEvent(mapped.fields, line, record, context, CLOUDTRAIL_PARSER) };
    },
  };
}

export const cloudTrailParser: ParserDefinition = {
  type: CLOUDTRAIL_PARSER,
  description:
    'AWS CloudTrail records, one JSON record per line, mapped as Filebeat\'s aws/cloudtrail module does (cloud.*, event.action/provider/outcome, user.name, source.ip, aws.cloudtrail.*); a {"Records": [...]} file line is rejected with a hint to split it.',
  create: createCloudTrailParser,
};
