/**
 * Import coverage of the public SigmaHQ rule set in ../shared/corpora/sigma
 * (read from there, never copied into the repository). The bar: at
 * least 95% import unchanged, at least 90% of the Windows, Linux, web/proxy
 * and AWS rules import enabled.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sigmaCoverage, type CoverageReport } from './sigma-coverage';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = path.resolve(root, '../shared/corpora/sigma');
const present = existsSync(path.join(corpus, 'rules'));

if (!present) {
  process.stderr.write(`Sigma corpus not found at ${corpus}: import coverage tests skipped. Check out SigmaHQ/sigma there to run them.\n`);
}

describe.skipIf(!present)('Sigma import coverage (../shared/corpora/sigma)', () => {
  let report: CoverageReport;
  const load = (): CoverageReport => (report ??= sigmaCoverage(corpus, ['rules', 'rules-emerging-threats', 'rules-threat-hunting']));

  it('rules – imports at least 95% of the corpus unchanged', { timeout: 120_000 }, () => {
    const { totals } = load();
    expect(totals.total).toBeGreaterThan(3_000);
    expect(totals.imported / totals.total).toBeGreaterThanOrEqual(0.95);
  });

  it('rules – enables at least 90% of the Windows, Linux, web/proxy and AWS rules together, and of each of them', { timeout: 120_000 }, () => {
    const { groups } = load();
    const pooled = [groups.windows, groups.linux, groups['web and proxy'], groups.aws];
    const enabled = pooled.reduce((sum, group) => sum + group.enabled, 0);
    const total = pooled.reduce((sum, group) => sum + group.total, 0);
    expect(enabled / total).toBeGreaterThanOrEqual(0.9);
    for (const group of pooled) expect(group.enabled / group.total).toBeGreaterThanOrEqual(0.9);
  });

  it('rules – gives every refused and disabled rule a reason', { timeout: 120_000 }, () => {
    const { refused, disabled, totals } = load();
    expect(refused.length + disabled.length + totals.enabled).toBe(totals.total);
    for (const entry of [...refused, ...disabled]) expect(entry.reason.length).toBeGreaterThan(10);
  });
});
