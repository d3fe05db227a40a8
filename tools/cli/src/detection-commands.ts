import { followAlerts, runAlerts } from './alerts-command';
import type { ParsedArgs } from './args';
import { runRulesImport, runRulesList, runRulesTest, runRulesToggle } from './rules-command';

export const DETECTION_USAGE = `  siem rules list [--tag T] [--level L] [--status S] [--enabled true|false] [--product P] [--category C]
                   [--service S] [--q TEXT] [--json]
  siem rules import DIR|FILE...         import Sigma YAML rules as published; a line per file: imported,
                                        or refused with the reason (a refused file is never half-imported)
  siem rules test FILE|RULE_ID [--from ISO] [--to ISO] [--limit N] [--json]
                                        the stored events a rule (JSON or Sigma file, or a saved rule)
                                        would have matched; writes nothing
  siem rules enable|disable RULE_ID
  siem alerts [QUERY] [--rule ID] [--level L] [--status open|acknowledged|closed] [--from ISO] [--to ISO]
              [--size N] [--follow] [--json]
                                        the newest alerts; --follow prints new ones as they are raised
`;

/** `siem rules …` and `siem alerts …`: thin clients of the API's /rules and /alerts routes. */
export async function runDetectionCommand(args: ParsedArgs, apiUrl: string, write: (text: string) => void): Promise<number> {
  const flag = (name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
  const json = args.flags.json === true;
  if (args.command === 'alerts') {
    const options = {
      apiUrl,
      query: args.positional.join(' '),
      filter: { rule: flag('rule'), level: flag('level'), status: flag('status'), from: flag('from'), to: flag('to') },
      size: Number(flag('size') ?? 20),
      json,
    };
    if (args.flags.follow !== true) {
      write(await runAlerts(options));
      return 0;
    }
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    await followAlerts({ ...options, intervalMs: 1000, signal: stop.signal, write });
    return 0;
  }
  const [action, ...rest] = args.positional;
  switch (action) {
    case 'list':
      write(
        await runRulesList({
          apiUrl,
          filter: { tag: flag('tag'), level: flag('level'), status: flag('status'), enabled: flag('enabled'), product: flag('product'), category: flag('category'), service: flag('service'), q: flag('q') },
          json,
        }),
      );
      return 0;
    case 'import': {
      if (rest.length === 0) break;
      const result = await runRulesImport({ apiUrl, targets: rest, progress: process.stderr });
      write(result.output);
      return result.refused > 0 ? 1 : 0;
    }
    case 'test':
      if (rest.length !== 1) break;
      write(await runRulesTest({ apiUrl, rule: rest[0]!, from: flag('from'), to: flag('to'), limit: flag('limit') === undefined ? undefined : Number(flag('limit')), json }));
      return 0;
    case 'enable':
    case 'disable':
      if (rest.length !== 1) break;
      write(await runRulesToggle(apiUrl, rest[0]!, action === 'enable'));
      return 0;
  }
  write(`Usage:\n${DETECTION_USAGE}`);
  return 2;
}
