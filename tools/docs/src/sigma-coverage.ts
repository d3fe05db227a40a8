/**
 * Writes docs/sigma-coverage.md: how many rules of a Sigma rule repository
 * import, and why each refused or disabled one is. Usage:
 *   npm run docs:sigma-coverage [-- <sigma checkout>]   (default ../shared/corpora/sigma)
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCoverageMarkdown, sigmaCoverage } from '@siem/rules';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = path.resolve(root, process.argv[2] ?? '../shared/corpora/sigma');
const directories = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].filter((name) => existsSync(path.join(corpus, name)));
if (directories.length === 0) {
  process.stderr.write(`No Sigma rules under ${corpus}: give the path of a SigmaHQ/sigma checkout.\n`);
  process.exitCode = 1;
} else {
  const report = sigmaCoverage(corpus, directories);
  const label = `SigmaHQ/sigma (${directories.join(', ')})`;
  writeFileSync(path.join(root, 'docs', 'sigma-coverage.md'), renderCoverageMarkdown(report, label));
  process.stdout.write(`Wrote docs/sigma-coverage.md: ${report.totals.imported} of ${report.totals.total} rules imported, ${report.totals.enabled} enabled.\n`);
}
