import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createAutoParser } from './auto';
import { createCloudTrailParser } from './cloudtrail';
import { createJsonParser } from './json';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-11-23T11:59:59.000Z', input: 'cloudtrail' };
}

const parser = createCloudTrailParser({ now: () => NOW, maxMessageBytes: 4 * 1024 * 1024 });

function parse(value: unknown) {
  const result = parser.parse(record(typeof value === 'string' ? value : JSON.stringify(value)));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event as Record<string, any>;
}

function errorOf(line: string) {
  const result = parser.parse(record(line));
  return result.ok ? undefined : result.error;
}

// The records below are the examples of the CloudTrail user guide ("CloudTrail log file examples",
// "AWS console sign-in events", "AWS STS API calls"), account ids and keys as published there.
const CONSOLE_LOGIN = {
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', principalId: 'EXAMPLE6E4XEGITWATV6R', arn: 'arn:aws:iam::999999999999:user/Alice', accountId: '999999999999', userName: 'Alice' },
  eventTime: '2014-07-16T15:49:27Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-2',
  sourceIPAddress: '192.0.2.110',
  userAgent: 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:28.0) Gecko/20100101 Firefox/28.0',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: { MobileVersion: 'No', LoginTo: 'https://console.aws.amazon.com/s3/', MFAUsed: 'No' },
  eventID: '3fcfb182-98f8-4744-bd45-10a395ab61cb',
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '999999999999',
};

const CONSOLE_LOGIN_FAILED = {
  ...CONSOLE_LOGIN,
  userIdentity: { type: 'IAMUser', principalId: 'EXAMPLE6E4XEGITWATV6R', accountId: '123456789012', accessKeyId: '', userName: 'JaneDoe' },
  eventTime: '2014-07-08T17:35:27Z',
  errorMessage: 'Failed authentication',
  responseElements: { ConsoleLogin: 'Failure' },
  recipientAccountId: '123456789012',
};

const ASSUME_ROLE = {
  eventVersion: '1.08',
  userIdentity: { type: 'AWSAccount', principalId: 'AIDAQRSTUVWXYZEXAMPLE', accountId: '111122223333' },
  eventTime: '2021-03-22T22:18:11Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRole',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.64',
  userAgent: 'aws-cli/2.1.30 Python/3.8.8 Linux/4.14.219-161.340.amzn2.x86_64 exe/x86_64.amzn.2',
  requestParameters: { roleArn: 'arn:aws:iam::444455556666:role/JohnRole1', roleSessionName: 'JohnRoleSession1', durationSeconds: 3600 },
  responseElements: {
    credentials: { accessKeyId: 'ASIAI44QH8DHBEXAMPLE', expiration: 'Mar 22, 2021 11:18:11 PM' },
    assumedRoleUser: { assumedRoleId: 'AROAIOSFODNN7EXAMPLE:JohnRoleSession1', arn: 'arn:aws:sts::444455556666:assumed-role/JohnRole1/JohnRoleSession1' },
  },
  requestID: '4EXAMPLE-0e8d-11e4-a43e-EXAMPLE',
  eventID: 'bEXAMPLE-0e8d-11e4-a43e-EXAMPLE',
  resources: [{ ARN: 'arn:aws:iam::444455556666:role/JohnRole1', accountId: '444455556666', type: 'AWS::IAM::Role' }],
  eventType: 'AwsApiCall',
  recipientAccountId: '444455556666',
  sharedEventID: 'bEXAMPLE-0e8d-11e4-a43e-EXAMPLE',
};

const ACCESS_DENIED = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEID:bob',
    arn: 'arn:aws:sts::123456789012:assumed-role/Developer/bob',
    accountId: '123456789012',
    accessKeyId: 'ASIAEXAMPLEKEY',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: 'arn:aws:iam::123456789012:role/Developer', accountId: '123456789012', userName: 'Developer' },
      attributes: { creationDate: '2023-07-19T21:11:57Z', mfaAuthenticated: 'false' },
    },
  },
  eventTime: '2023-07-19T21:25:09Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateUser',
  awsRegion: 'us-east-1',
  sourceIPAddress: '2001:db8::7',
  userAgent: 'aws-cli/2.13.5',
  errorCode: 'AccessDenied',
  errorMessage: 'User: arn:aws:sts::123456789012:assumed-role/Developer/bob is not authorized to perform: iam:CreateUser',
  requestParameters: { userName: 'Jürgen "J" Müller' },
  responseElements: null,
  requestID: '9d3d8c1a-0000-4000-8000-000000000001',
  eventID: '5a2b7c3d-0000-4000-8000-000000000002',
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '123456789012',
  eventCategory: 'Management',
  tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 'iam.amazonaws.com' },
};

describe('cloudtrail – documented records', () => {
  it('cloudtrail – maps a console sign-in to cloud, user, source and authentication fields', () => {
    expect(parse(CONSOLE_LOGIN)).toEqual({
      '@timestamp': '2014-07-16T15:49:27.000Z',
      cloud: { provider: 'aws', region: 'us-east-2', account: { id: '999999999999' } },
      event: {
        kind: 'event',
        action: 'ConsoleLogin',
        provider: 'signin.amazonaws.com',
        outcome: 'success',
        category: ['authentication'],
        type: ['start'],
        dataset: 'cloudtrail',
        ingested: '2026-11-23T12:00:00.000Z',
        original: JSON.stringify(CONSOLE_LOGIN),
      },
      user: { name: 'Alice', id: 'EXAMPLE6E4XEGITWATV6R' },
      source: { address: '192.0.2.110', ip: '192.0.2.110' },
      user_agent: { original: 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:28.0) Gecko/20100101 Firefox/28.0' },
      related: { user: ['Alice'], ip: ['192.0.2.110'] },
      aws: {
        cloudtrail: {
          event_version: '1.08',
          event_type: 'AwsConsoleSignIn',
          event_id: '3fcfb182-98f8-4744-bd45-10a395ab61cb',
          recipient_account_id: '999999999999',
          user_identity: { type: 'IAMUser', arn: 'arn:aws:iam::999999999999:user/Alice', principal_id: 'EXAMPLE6E4XEGITWATV6R' },
          response_elements: '{"ConsoleLogin":"Success"}',
          additional_eventdata: '{"MobileVersion":"No","LoginTo":"https://console.aws.amazon.com/s3/","MFAUsed":"No"}',
        },
      },
    });
  });

  it('cloudtrail – marks a failed console sign-in as a failure although it has no errorCode', () => {
    const event = parse(CONSOLE_LOGIN_FAILED);
    expect(event.event).toMatchObject({ action: 'ConsoleLogin', outcome: 'failure', category: ['authentication'] });
    expect(event.aws.cloudtrail).toMatchObject({ error_message: 'Failed authentication' });
    expect(event.aws.cloudtrail.user_identity).not.toHaveProperty('access_key_id');
    expect(event.user.name).toBe('JaneDoe');
  });

  it('cloudtrail – maps AssumeRole by an account, naming the user by its principal id', () => {
    const event = parse(ASSUME_ROLE);
    expect(event.user).toEqual({ name: 'AIDAQRSTUVWXYZEXAMPLE', id: 'AIDAQRSTUVWXYZEXAMPLE' });
    expect(event.cloud.account.id).toBe('111122223333');
    expect(event.event).toEqual(expect.objectContaining({ action: 'AssumeRole', provider: 'sts.amazonaws.com', outcome: 'success' }));
    expect(event.event).not.toHaveProperty('category');
    expect(JSON.parse(event.aws.cloudtrail.request_parameters)).toEqual(ASSUME_ROLE.requestParameters);
    expect(JSON.parse(event.aws.cloudtrail.response_elements)).toEqual(ASSUME_ROLE.responseElements);
    expect(event.aws.cloudtrail).toMatchObject({
      request_id: '4EXAMPLE-0e8d-11e4-a43e-EXAMPLE',
      shared_event_id: 'bEXAMPLE-0e8d-11e4-a43e-EXAMPLE',
      resources: [{ arn: 'arn:aws:iam::444455556666:role/JohnRole1', account_id: '444455556666', type: 'AWS::IAM::Role' }],
    });
  });

  it('cloudtrail – maps a call denied with errorCode to a failure, naming the user after the ARN of the session', () => {
    const event = parse(ACCESS_DENIED);
    expect(event.event.outcome).toBe('failure');
    expect(event.user).toEqual({ name: 'bob', id: 'AROAEXAMPLEID:bob' });
    expect(event.source).toEqual({ address: '2001:db8::7', ip: '2001:db8::7' });
    expect(event.tls).toEqual({ version: '1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
    expect(event.aws.cloudtrail).toMatchObject({
      error_code: 'AccessDenied',
      error_message: expect.stringContaining('not authorized'),
      read_only: false,
      management_event: true,
      event_category: 'Management',
      request_parameters: '{"userName":"Jürgen \\"J\\" Müller"}',
      tls_details: { client_provided_host_header: 'iam.amazonaws.com' },
      user_identity: {
        type: 'AssumedRole',
        access_key_id: 'ASIAEXAMPLEKEY',
        session_context: {
          mfa_authenticated: 'false',
          creation_date: '2023-07-19T21:11:57Z',
          session_issuer: { type: 'Role', user_name: 'Developer', account_id: '123456789012' },
        },
      },
    });
    expect(event.aws.cloudtrail).not.toHaveProperty('response_elements');
  });

  it('cloudtrail – keeps a service host name in source.address only, and names the root user', () => {
    const service = parse({ eventVersion: '1.08', eventSource: 'ec2.amazonaws.com', eventName: 'CreateNetworkInterface', sourceIPAddress: 'autoscaling.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' } });
    expect(service.source).toEqual({ address: 'autoscaling.amazonaws.com' });
    expect(service).not.toHaveProperty('user');
    expect(service.aws.cloudtrail.user_identity).toEqual({ type: 'AWSService', invoked_by: 'autoscaling.amazonaws.com' });
    const root = parse({ ...CONSOLE_LOGIN, userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' } });
    expect(root.user.name).toBe('root');
  });
});

describe('cloudtrail – missing parts and bad input', () => {
  it('cloudtrail – maps a record with only the three identifying keys, at the receive time', () => {
    const event = parse({ eventVersion: '1.09', eventSource: 's3.amazonaws.com', eventName: 'GetObject' });
    expect(event['@timestamp']).toBe('2026-11-23T11:59:59.000Z');
    expect(event.cloud).toEqual({ provider: 'aws' });
    expect(event).not.toHaveProperty('user');
    expect(event).not.toHaveProperty('source');
  });

  it('cloudtrail – uses the receive time when eventTime is not a time', () => {
    expect(parse({ ...CONSOLE_LOGIN, eventTime: 'yesterday' })['@timestamp']).toBe('2026-11-23T11:59:59.000Z');
  });

  it('cloudtrail – keeps record keys it does not map in aws.cloudtrail.unmapped', () => {
    const event = parse({ ...ASSUME_ROLE, edgeDeviceDetails: { type: 'snowball' }, insightDetails: 'x' });
    expect(JSON.parse(event.aws.cloudtrail.unmapped)).toEqual({ edgeDeviceDetails: { type: 'snowball' }, insightDetails: 'x' });
  });

  it('cloudtrail – keeps a 1 MiB request parameter as JSON text', () => {
    const event = parse({ ...ASSUME_ROLE, requestParameters: { policy: 'p'.repeat(1024 * 1024) } });
    expect(event.aws.cloudtrail.request_parameters).toHaveLength(1024 * 1024 + '{"policy":""}'.length);
  });

  it('cloudtrail – rejects a whole log file and tells to split it', () => {
    const error = errorOf(JSON.stringify({ Records: [CONSOLE_LOGIN, ASSUME_ROLE] }));
    expect(error).toMatchObject({ code: 'SIEM_PARSE_CLOUDTRAIL_RECORDS', parser: 'cloudtrail', retryable: false });
    expect(error?.message).toMatch(/2 records.*one record per line/);
    expect(errorOf('{"Records": []}')?.code).toBe('SIEM_PARSE_CLOUDTRAIL_RECORDS');
  });

  it.each([
    ['a truncated record', JSON.stringify(ASSUME_ROLE).slice(0, 150), 'SIEM_PARSE_INVALID_JSON'],
    ['deeply nested request parameters', JSON.stringify({ ...ASSUME_ROLE, requestParameters: null }).replace('"requestParameters":null', `"requestParameters":${'{"a":'.repeat(40)}1${'}'.repeat(40)}`), 'SIEM_PARSE_TOO_DEEP'],
    ['a record without eventName', JSON.stringify({ eventVersion: '1.08', eventSource: 's3.amazonaws.com' }), 'SIEM_PARSE_NO_MATCH'],
    ['an eventName that is not a string', JSON.stringify({ ...ASSUME_ROLE, eventName: 7 }), 'SIEM_PARSE_NO_MATCH'],
  ])('cloudtrail – rejects %s with a typed error', (_, line, code) => {
    expect(errorOf(line)).toMatchObject({ code, parser: 'cloudtrail', retryable: false });
  });

  it('cloudtrail – does not let a record pollute prototypes through its free-form parts', () => {
    const event = parse(`{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"PutObject","requestParameters":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(event.aws.cloudtrail.request_parameters).toBe('{}');
  });
});

describe('cloudtrail – detection by json and auto', () => {
  it.each([
    ['console sign-in', CONSOLE_LOGIN],
    ['AssumeRole', ASSUME_ROLE],
    ['denied call', ACCESS_DENIED],
  ])('cloudtrail – json and auto parsers map a %s record like the cloudtrail parser', (_, value) => {
    const line = JSON.stringify(value);
    const viaJson = createJsonParser({ now: () => NOW }).parse(record(line));
    expect(viaJson).toEqual({ ok: true, event: parse(line) });
    expect(createAutoParser({ now: () => NOW }).parse(record(line))).toEqual(viaJson);
  });
});
