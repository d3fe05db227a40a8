import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowsEventBase } from './windows';

const text = fc.constantFrom('4624', 'Security', 'Microsoft-Windows-Security-Auditing', '{54849625-5478-4994-A5BA-3E3B0328C30D}', 'WS01.example.com', '7', 'Logon', '0', '2', '', 'S-1-5-18');
const keywords = fc.option(fc.constantFrom('Audit Success', 'Audit Failure', 'Other').map((word) => [word]), { nil: undefined });
const record = fc.record(
  {
    eventId: text, channel: text, provider: text, providerGuid: text, computer: text, recordId: text, time: text, level: text,
    task: text, opcode: text, version: text, processId: fc.nat(), threadId: fc.nat(), userId: text, activityId: text, message: text,
    eventData: fc.dictionary(fc.constantFrom('TargetUserName', 'IpAddress', 'LogonType'), text),
    userData: fc.oneof(text, fc.dictionary(fc.constantFrom('a', 'b'), text)),
  },
  { requiredKeys: ['eventData'] },
);

describe('windows – the record fields of a new event', () => {
  it('windows – building a new event gives what filling an empty one gives, key order included', () => {
    fc.assert(
      fc.property(record, keywords, (windowsRecord, words) => {
        const built = windowsEventBase.build(windowsRecord, words);
        const filled = windowsEventBase.fill({}, windowsRecord, words);
        expect(JSON.stringify(built)).toBe(JSON.stringify(filled));
      }),
      { numRuns: 3000 },
    );
  });
});
