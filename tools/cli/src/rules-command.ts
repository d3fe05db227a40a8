import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseSigmaYaml } from '@siem/rules';
import { apiRequest } from './api-request';

interface RuleView {
  id: string;
  title: string;
  level: string;
  enabled: boolean;
  version: number;
  logsource?: { product?: string; category?: string; service?: string };
}

export interface RulesListOptions {
  readonly apiUrl: string;
  readonly filter: Readonly<Record<string, string | undefined>>;
  readonly json: boolean;
}

export async function runRulesList(options: RulesListOptions): Promise<string> {
  const body = await apiRequest<{ total: number; rules: RuleView[] }>(options.apiUrl, '/api/v1/rules', { query: { ...options.filter } });
  if (options.json) return `${JSON.stringify(body, null, 2)}\n`;
  const rows = body.rules.map((rule) => [
    rule.id,
    rule.enabled ? 'on' : 'off',
    rule.level,
    [rule.logsource?.product, rule.logsource?.category, rule.logsource?.service].filter(Boolean).join('/'),
    `v${rule.version}`,
    rule.title,
  ]);
  return table(['id', 'enabled', 'level', 'log source', 'version', 'title'], rows, `${body.total} rules`);
}

/** Files a Sigma import takes: the YAML files of a directory tree, or the files named. */
export async function sigmaFiles(targets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (target: string): Promise<void> => {
    const info = await stat(target);
    if (info.isDirectory()) {
      for (const name of (await readdir(target)).sort()) await visit(path.join(target, name));
    } else if (info.isFile() && (targets.includes(target) || /\.ya?ml$/i.test(target))) {
      found.push(target);
    }
  };
  for (const target of targets) await visit(target);
  return found;
}

export interface RulesImportOptions {
  readonly apiUrl: string;
  readonly targets: readonly string[];
  /** Files per request: each request is saved all or nothing, a refused file never half-imported. */
  readonly batchFiles?: number;
  readonly progress?: NodeJS.WritableStream;
}

interface ImportReport {
  imported: number;
  refused: number;
  files: { file: string; status: 'imported' | 'refused'; code?: string; reason?: string; pointer?: string; rules?: { id: string; title: string; outcome: string }[] }[];
}

/** Sends Sigma YAML files to POST /api/v1/rules/import and reports each: imported (with its rules) or refused with the reason. */
export async function runRulesImport(options: RulesImportOptions): Promise<{ imported: number; refused: number; output: string }> {
  const files = await sigmaFiles(options.targets);
  if (files.length === 0) throw new Error(`No .yml or .yaml file under ${options.targets.join(', ')}.`);
  const batch = options.batchFiles ?? 200;
  const lines: string[] = [];
  let imported = 0;
  let refused = 0;
  for (let start = 0; start < files.length; start += batch) {
    const slice = files.slice(start, start + batch);
    const payload = { files: await Promise.all(slice.map(async (file) => ({ name: file, content: await readFile(file, 'utf8') }))) };
    const report = await apiRequest<ImportReport>(options.apiUrl, '/api/v1/rules/import', { method: 'POST', body: payload });
    imported += report.imported;
    refused += report.refused;
    for (const file of report.files) {
      if (file.status === 'imported') {
        const outcomes = (file.rules ?? []).map((rule) => `${rule.title} (${rule.outcome})`).join(', ');
        lines.push(`imported  ${file.file}: ${outcomes}`);
      } else {
        lines.push(`refused   ${file.file}: ${file.code}: ${file.reason}${file.pointer ? ` (at ${file.pointer})` : ''}`);
      }
    }
    options.progress?.write(`\r${Math.min(start + batch, files.length)} of ${files.length} files sent`);
  }
  options.progress?.write('\n');
  lines.push(`${imported} files imported, ${refused} refused`, '');
  return { imported, refused, output: lines.join('\n') };
}

export interface RulesTestOptions {
  readonly apiUrl: string;
  /** A rule file (JSON, or Sigma YAML holding one rule), or the id of a saved rule. */
  readonly rule: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly json: boolean;
}

/** Dry-runs a rule against stored events (POST /api/v1/rules/test): nothing is written. */
export async function runRulesTest(options: RulesTestOptions): Promise<string> {
  const body: Record<string, unknown> = { from: options.from, to: options.to, limit: options.limit };
  const isFile = await stat(options.rule).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!isFile) body.ruleId = options.rule;
  else if (/\.ya?ml$/i.test(options.rule)) body.rule = await sigmaRuleOf(options);
  else body.rule = JSON.parse(await readFile(options.rule, 'utf8'));
  const result = await apiRequest<{ scanned: number; truncated: boolean; total: number; events: { id: string; event: Record<string, any> }[]; tookMs: number }>(
    options.apiUrl,
    '/api/v1/rules/test',
    { method: 'POST', body },
  );
  if (options.json) return `${JSON.stringify(result, null, 2)}\n`;
  const rows = result.events.map((hit) => [String(hit.event['@timestamp'] ?? ''), String(hit.event.host?.name ?? ''), hit.id, String(hit.event.message ?? '').replace(/\s+/g, ' ').slice(0, 100)]);
  const scope = result.truncated ? `the newest ${result.scanned} events of the range (more were not read)` : `${result.scanned} events`;
  return table(['@timestamp', 'host.name', 'id', 'message'], rows, `${result.total} of ${scope} match, in ${result.tookMs} ms; nothing was written`);
}

/** The rule document of a one-rule Sigma file, converted as the import converts it. */
async function sigmaRuleOf(options: RulesTestOptions): Promise<unknown> {
  const results = parseSigmaYaml(await readFile(options.rule, 'utf8'), options.rule);
  if (results.length !== 1) throw new Error(`${options.rule} holds ${results.length} rules; test one rule at a time.`);
  const [result] = results;
  if (!result!.ok) throw new Error(`${options.rule}: ${result!.code}: ${result!.reason}${result!.pointer ? ` (at ${result!.pointer})` : ''}`);
  return result!.rule;
}

export async function runRulesToggle(apiUrl: string, id: string, enable: boolean): Promise<string> {
  const rule = await apiRequest<RuleView>(apiUrl, `/api/v1/rules/${encodeURIComponent(id)}/${enable ? 'enable' : 'disable'}`, { method: 'POST', body: {} });
  return `${rule.title} (${rule.id}) is ${rule.enabled ? 'enabled' : 'disabled'}, version ${rule.version}.\n`;
}

export function table(header: readonly string[], rows: readonly string[][], footer: string): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line), footer, ''].join('\n');
}
