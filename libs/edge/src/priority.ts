/**
 * Priority classes at the edge: records a rule matches are `high` and travel on
 * their own topic (`<SIEM_TOPIC_RAW>.high`), which the processor consumes with
 * precedence, so a security-critical line is not queued behind a flood of debug
 * logs. Everything else is `normal`. Rules are the edge's queries (severity,
 * program, any parsed field) and optionally a list of inputs (the source).
 */
import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { createParser, type Parser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { EdgeConfigError } from './errors';
import { valuesAt } from './edge-pipelines';
import { compileEventQuery, queryFields, type EventPredicate, type RecordView } from './event-query';

export const PriorityRuleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, description: 'Shown in the metrics (siem_collector_priority_total{rule}).' }),
    inputs: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Collector inputs (the source) the rule applies to; all when absent.' })),
    query: Type.Optional(Type.String({ minLength: 1, description: 'A query on the parsed record, e.g. `log.syslog.severity.code:<=3 OR process.name:sshd`; every record of the inputs when absent.' })),
  },
  { additionalProperties: false, description: 'A record matches when it came from one of `inputs` and matches `query`.' },
);

export const PriorityRulesSchema = Type.Object(
  {
    parser: Type.String({ minLength: 1, default: 'auto', description: 'Parser that gives the queries their fields (run only when a query reads a field other than raw).' }),
    high: Type.Array(PriorityRuleSchema, { minItems: 1, maxItems: 64, description: 'A record any rule matches is in class high; the others are normal.' }),
  },
  { additionalProperties: false },
);

export type PriorityRule = Static<typeof PriorityRuleSchema>;
export type PriorityRulesConfig = Static<typeof PriorityRulesSchema>;

/** Checks a priority rules document (schema, queries, parser) without building anything; throws an EdgeConfigError naming the place. */
export function parsePriorityRules(document: unknown): PriorityRulesConfig {
  const withDefaults = Value.Default(PriorityRulesSchema, structuredClone(document)) as unknown;
  const first = Value.Errors(PriorityRulesSchema, withDefaults).First();
  if (first) throw new EdgeConfigError(`The priority rules are invalid at ${first.path || '/'}: ${first.message}. Fix them (see the README section "Edge and fleet").`);
  const config = withDefaults as PriorityRulesConfig;
  try {
    createParser(config.parser);
  } catch (error) {
    throw new EdgeConfigError(`The priority rules name parser "${config.parser}": ${(error as Error).message}`, error);
  }
  for (const rule of config.high) {
    if (rule.query === undefined) continue;
    try {
      compileEventQuery(rule.query);
    } catch (error) {
      throw new EdgeConfigError(`The query of priority rule ${rule.name} does not parse: ${(error as Error).message}`, error);
    }
  }
  return config;
}

/** Reads and checks a priority rules file (SIEM_PRIORITY_RULES_FILE); every failure is an EdgeConfigError naming the file. */
export async function readPriorityRulesFile(file: string): Promise<PriorityRulesConfig> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new EdgeConfigError(`The priority rules file ${file} cannot be read as JSON (${(error as Error).message}); fix SIEM_PRIORITY_RULES_FILE.`, error);
  }
  try {
    return parsePriorityRules(document);
  } catch (error) {
    throw new EdgeConfigError(`${file}: ${(error as Error).message}`, error);
  }
}

interface CompiledRule {
  readonly name: string;
  readonly inputs: ReadonlySet<string> | undefined;
  readonly when: EventPredicate;
}

export interface ClassifiedRecords {
  readonly high: RawRecord[];
  readonly normal: RawRecord[];
  /** Per rule name, how many of `high` it matched first. */
  readonly byRule: Map<string, number>;
}

/** The compiled rules; `split` is the per-batch hot path, synchronous. */
export class PriorityClassifier {
  private readonly rules: readonly CompiledRule[];
  private readonly parser: Parser | undefined;

  constructor(readonly config: PriorityRulesConfig) {
    this.rules = config.high.map((rule) => ({ name: rule.name, inputs: rule.inputs && new Set(rule.inputs), when: rule.query === undefined ? () => true : compileEventQuery(rule.query) }));
    const parses = config.high.some((rule) => rule.query !== undefined && queryFields(rule.query).some((field) => field !== 'raw'));
    this.parser = parses ? createParser(config.parser) : undefined;
  }

  /** The first rule that makes the record high, or undefined (normal). */
  match(record: RawRecord): string | undefined {
    let view: RecordView | undefined;
    for (const rule of this.rules) {
      if (rule.inputs && !rule.inputs.has(record.input)) continue;
      view ??= this.view(record);
      if (rule.when(view)) return rule.name;
    }
    return undefined;
  }

  /** Splits a batch by class, each part in the order given. */
  split(records: readonly RawRecord[]): ClassifiedRecords {
    const high: RawRecord[] = [];
    const normal: RawRecord[] = [];
    const byRule = new Map<string, number>();
    for (const record of records) {
      const rule = this.match(record);
      if (rule === undefined) normal.push(record);
      else {
        high.push(record);
        byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
      }
    }
    return { high, normal, byRule };
  }

  private view(record: RawRecord): RecordView {
    const raw = record.payload.toString('utf8');
    let parsed: unknown;
    let parsedOnce = false;
    return {
      raw,
      lookup: (field) => {
        if (field === 'raw') return [raw];
        if (!parsedOnce) {
          parsedOnce = true;
          const result = this.parser?.parse(record);
          parsed = result?.ok ? result.event : undefined;
        }
        return valuesAt(parsed, field);
      },
    };
  }
}
