/**
 * Golden documents: each line of cases.ts parsed into its full ECS document
 * and compared with the stored one (golden/expected/<name>.json; rewrite
 * them with UPDATE_GOLDEN=1 after a deliberate change, and review the diff).
 * Every field Elastic's integration documents for that kind of line must be
 * in ours, or be a difference listed and justified in
 * docs/parsers-vs-elastic.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';
import { GOLDEN_CASES } from './cases';

const here = path.dirname(fileURLToPath(import.meta.url));
const expectedDirectory = path.join(here, 'expected');
const differencesDoc = readFileSync(path.resolve(here, '../../../../docs/parsers-vs-elastic.md'), 'utf8');
const NOW = new Date('2026-12-04T12:00:00.000Z');

/** Fields Elastic's documented event has and ours has not, per case: each is a row of docs/parsers-vs-elastic.md. */
const DIFFERENCES: Readonly<Record<string, readonly string[]>> = {
  'asa-302013-built': ['event.outcome'],
  'asa-302014-teardown': ['event.outcome'],
  'srx-session-deny': ['juniper.srx.policy_name'],
  'useradd-new-user': ['group.id'],
  'apparmor-denied': ['auditd.log.apparmor', 'auditd.log.profile', 'auditd.log.operation', 'auditd.log.sequence'],
  'selinux-avc-denied': ['auditd.log.seresult', 'auditd.log.seperms', 'auditd.log.scontext', 'auditd.log.tcontext', 'auditd.log.tclass', 'auditd.log.sequence'],
};

function fieldNames(value: unknown, prefix: string, out: Set<string>): Set<string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) fieldNames((value as Record<string, unknown>)[key], prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.add(prefix);
  }
  return out;
}

function parse(parserType: string, line: string): Record<string, unknown> {
  const record: RawRecord = { payload: Buffer.from(line), receivedAt: NOW.toISOString(), sourceAddress: '192.0.2.1', input: 'syslog_udp' };
  const result = createParser(parserType, { now: () => NOW }).parse(record);
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return JSON.parse(JSON.stringify(result.event)) as Record<string, unknown>;
}

describe('golden documents – compared with Elastic\'s integrations', () => {
  it('golden – at least 40 lines across the formats', () => {
    expect(GOLDEN_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(GOLDEN_CASES.map((entry) => entry.name)).size).toBe(GOLDEN_CASES.length);
  });

  for (const entry of GOLDEN_CASES) {
    it(`golden – ${entry.name} (${entry.integration})`, () => {
      const document = parse(entry.parser, entry.line);
      const file = path.join(expectedDirectory, `${entry.name}.json`);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(expectedDirectory, { recursive: true });
        writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
      }
      expect(existsSync(file), `no golden file ${file}: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(document).toEqual(JSON.parse(readFileSync(file, 'utf8')));

      const ours = fieldNames(document, '', new Set());
      const missing = entry.elasticFields.filter((field) => !ours.has(field));
      expect(missing).toEqual(DIFFERENCES[entry.name] ?? []);
      for (const field of missing) expect(differencesDoc, `docs/parsers-vs-elastic.md must justify ${field} for ${entry.name}`).toContain(`\`${entry.name}\` | \`${field}\``);
    });
  }
});
