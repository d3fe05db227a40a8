/**
 * Import coverage of a Sigma rule repository (a checkout of SigmaHQ/sigma or
 * a user's own): every YAML rule under the directory given is imported as
 * parseSigmaYaml would import it, and the result is counted per group and
 * listed with its reason when it is refused or imported disabled.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Rule } from './schema';
import { parseSigmaYaml } from './sigma-yaml';
import type { CompileOptions } from './validate';

export const COVERAGE_GROUPS = ['windows', 'linux', 'web and proxy', 'aws', 'other'] as const;
export type CoverageGroup = (typeof COVERAGE_GROUPS)[number];

export interface GroupCounts {
  total: number;
  /** Imported unchanged: enabled, or disabled with the reason. */
  imported: number;
  enabled: number;
}

export interface CoverageEntry {
  readonly file: string;
  readonly title: string;
  readonly reason: string;
  readonly code?: string;
  readonly pointer?: string;
}

export interface CoverageReport {
  readonly totals: GroupCounts;
  readonly groups: Record<CoverageGroup, GroupCounts>;
  readonly refused: readonly CoverageEntry[];
  readonly disabled: readonly CoverageEntry[];
  /** The rules that import enabled, for benchmarks and tests. */
  readonly enabledRules: readonly Rule[];
}

export function coverageGroup(logsource: { product?: unknown; category?: unknown; service?: unknown } | undefined): CoverageGroup {
  const product = logsource?.product;
  if (product === 'windows') return 'windows';
  if (product === 'linux') return 'linux';
  if (product === 'aws') return 'aws';
  if (logsource?.category === 'webserver' || logsource?.category === 'proxy' || logsource?.service === 'apache' || logsource?.service === 'nginx') return 'web and proxy';
  return 'other';
}

/** The .yml and .yaml files under a directory, sorted. */
export function sigmaFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.yml') || name.endsWith('.yaml')) files.push(full);
    }
  };
  walk(directory);
  return files;
}

function logsourceOf(document: unknown): Record<string, unknown> | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const logsource = (document as Record<string, unknown>).logsource;
  return typeof logsource === 'object' && logsource !== null ? (logsource as Record<string, unknown>) : undefined;
}

/** Imports every rule file under `directories` (paths in the report are relative to `base`). */
export function sigmaCoverage(base: string, directories: readonly string[], options?: CompileOptions): CoverageReport {
  const empty = (): GroupCounts => ({ total: 0, imported: 0, enabled: 0 });
  const totals = empty();
  const groups = Object.fromEntries(COVERAGE_GROUPS.map((group) => [group, empty()])) as Record<CoverageGroup, GroupCounts>;
  const refused: CoverageEntry[] = [];
  const disabled: CoverageEntry[] = [];
  const enabledRules: Rule[] = [];
  for (const directory of directories) {
    for (const file of sigmaFiles(path.join(base, directory))) {
      const relative = path.relative(base, file);
      const text = readFileSync(file, 'utf8');
      for (const result of parseSigmaYaml(text, relative, options)) {
        const counts = [totals, groups[coverageGroup(result.ok ? result.rule.logsource : logsourceOf(roughDocument(text)))]];
        for (const count of counts) count.total++;
        if (!result.ok) {
          refused.push({ file: relative, title: result.title ?? '', reason: result.reason, code: result.code, ...(result.pointer === undefined ? {} : { pointer: result.pointer }) });
          continue;
        }
        for (const count of counts) count.imported++;
        if (result.state.enabled) {
          for (const count of counts) count.enabled++;
          enabledRules.push(result.rule);
        } else {
          disabled.push({ file: relative, title: result.rule.title, reason: result.state.disabledReason ?? 'disabled' });
        }
      }
    }
  }
  return { totals, groups, refused, disabled, enabledRules };
}

/** The logsource of a refused rule, read leniently (only to count it in its group). */
function roughDocument(text: string): unknown {
  const product = /^\s+product:\s*(\S+)/m.exec(text)?.[1];
  const category = /^\s+category:\s*(\S+)/m.exec(text)?.[1];
  const service = /^\s+service:\s*(\S+)/m.exec(text)?.[1];
  return { logsource: { product, category, service } };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The coverage page (docs/sigma-coverage.md). */
export function renderCoverageMarkdown(report: CoverageReport, corpus: string): string {
  const lines: string[] = [
    '# Sigma import coverage',
    '',
    `Generated by \`npm run docs:sigma-coverage\` from ${corpus}; do not edit by hand.`,
    'Imported means imported unchanged: enabled, or saved disabled with the reason below. Refused rules are not saved.',
    '',
    '| group | rules | imported | enabled |',
    '|---|---:|---:|---:|',
  ];
  const row = (name: string, counts: GroupCounts): string =>
    `| ${name} | ${counts.total} | ${counts.imported} (${percent(counts.imported, counts.total)}) | ${counts.enabled} (${percent(counts.enabled, counts.total)}) |`;
  for (const group of COVERAGE_GROUPS) lines.push(row(group, report.groups[group]));
  lines.push(row('**all**', report.totals), '');

  lines.push(`## Refused (${report.refused.length})`, '', '| rule | file | code | where | reason |', '|---|---|---|---|---|');
  for (const entry of report.refused) {
    lines.push(`| ${escapeCell(entry.title)} | \`${entry.file}\` | \`${entry.code ?? ''}\` | \`${escapeCell(entry.pointer ?? '')}\` | ${escapeCell(entry.reason)} |`);
  }
  lines.push('');

  const byReason = new Map<string, CoverageEntry[]>();
  for (const entry of report.disabled) {
    const list = byReason.get(entry.reason) ?? [];
    list.push(entry);
    byReason.set(entry.reason, list);
  }
  lines.push(`## Imported disabled (${report.disabled.length})`, '');
  for (const [reason, entries] of [...byReason].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    lines.push(`### ${escapeCell(reason)} (${entries.length})`, '');
    for (const entry of entries) lines.push(`- ${escapeCell(entry.title)} (\`${entry.file}\`)`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
