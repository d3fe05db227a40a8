import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '@siem/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Environment variables read outside the config schema: tooling and the processor's worker slot. */
const OTHER_VARIABLES = new Set(['SIEM_WORKER_SLOT', 'SIEM_INFRA_HOME', 'SIEM_INFRA_KAFKA_PORT', 'SIEM_INFRA_OPENSEARCH_PORT', 'SIEM_TEST_KEEP_INFRA']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

function errorCodesInSources(): string[] {
  const variables = new Set(ENV_VARIABLES.map((v) => v.name));
  const codes = new Set<string>();
  for (const dir of ['apps', 'libs', 'tools']) {
    for (const file of sourceFiles(path.join(root, dir))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/['"`](SIEM_[A-Z0-9_]*[A-Z0-9])['"`]/g)) {
        const name = match[1]!;
        if (!variables.has(name) && !OTHER_VARIABLES.has(name)) codes.add(name);
      }
    }
  }
  return [...codes].sort();
}

describe('docs/errors.md', () => {
  it('lists every error code the code base can produce', () => {
    const documented = readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8');
    const codes = errorCodesInSources();
    expect(codes.length).toBeGreaterThan(30);
    expect(codes.filter((code) => !documented.includes(`\`${code}\``))).toEqual([]);
  });
});
