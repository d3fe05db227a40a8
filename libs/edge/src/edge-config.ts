import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { createParser } from '@siem/parsers';
import { EdgeConfigError } from './errors';
import { compileEventQuery } from './event-query';

const Query = Type.String({ minLength: 1, description: 'A query in the search language; field names are the parsed event\'s (ECS), `raw` is the whole line, free text searches the line.' });
const Field = Type.String({ minLength: 1, pattern: '^[A-Za-z_@][A-Za-z0-9_.@-]*$' });

export const DropStageSchema = Type.Object(
  { type: Type.Literal('drop'), query: Query },
  { additionalProperties: false, description: 'Drops the records the query matches.' },
);

export const SampleStageSchema = Type.Object(
  {
    type: Type.Literal('sample'),
    rate: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Keep 1 record in this many.' }),
    key: Type.Optional(Type.Array(Field, { minItems: 1, description: 'Keep or drop by a hash of these fields, so all records of one key share a fate (whole sessions, hosts).' })),
    query: Type.Optional(Query),
  },
  { additionalProperties: false, description: 'Keeps 1 in `rate` records (those the query matches; the others pass).' },
);

export const AggregateStageSchema = Type.Object(
  {
    type: Type.Literal('aggregate'),
    by: Type.Array(Field, { minItems: 1, maxItems: 8, description: 'Fields whose values make a key.' }),
    intervalS: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
    maxKeys: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000, description: 'Distinct keys per interval; records of further keys are counted under the key (other).' }),
    query: Type.Optional(Query),
  },
  { additionalProperties: false, description: 'Replaces the records (those the query matches) with one summary event per key and interval that carries their count.' },
);

export const EdgeStageSchema = Type.Union([DropStageSchema, SampleStageSchema, AggregateStageSchema]);

export const InputPipelineSchema = Type.Object(
  {
    parser: Type.String({ minLength: 1, default: 'auto', description: 'Parser that gives stages the parsed fields (only run when a stage reads a field other than raw).' }),
    stages: Type.Array(EdgeStageSchema, { maxItems: 32 }),
  },
  { additionalProperties: false },
);

export const EdgePipelinesSchema = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 128, default: 'local', description: 'Configuration version, reported in the summaries and the heartbeat.' }),
    summaryIntervalS: Type.Integer({ minimum: 1, maximum: 3_600, default: 60, description: 'How often the counts of what each input received, dropped, sampled out and aggregated are shipped.' }),
    inputs: Type.Record(Type.String({ minLength: 1 }), InputPipelineSchema, { description: 'Pipeline per collector input name (syslog_udp, http_ndjson, file, mqtt, ...); * applies to inputs not listed.' }),
  },
  { additionalProperties: false },
);

export type DropStage = Static<typeof DropStageSchema>;
export type SampleStage = Static<typeof SampleStageSchema>;
export type AggregateStage = Static<typeof AggregateStageSchema>;
export type EdgeStage = Static<typeof EdgeStageSchema>;
export type InputPipeline = Static<typeof InputPipelineSchema>;
export type EdgePipelinesConfig = Static<typeof EdgePipelinesSchema>;

/** No stages anywhere: what the collector runs without a pipeline file. */
export const EMPTY_EDGE_CONFIG: EdgePipelinesConfig = Object.freeze({ version: 'none', summaryIntervalS: 60, inputs: {} });

/**
 * Checks an edge pipeline document without building anything that runs:
 * the schema (with defaults filled in), every query, and every parser name.
 * Throws an EdgeConfigError naming the first problem's place.
 */
export function parseEdgeConfig(document: unknown): EdgePipelinesConfig {
  const withDefaults = Value.Default(EdgePipelinesSchema, structuredClone(document)) as unknown;
  for (const pipeline of Object.values((withDefaults as { inputs?: Record<string, unknown> })?.inputs ?? {})) {
    if (pipeline && typeof pipeline === 'object') Value.Default(InputPipelineSchema, pipeline);
  }
  const first = Value.Errors(EdgePipelinesSchema, withDefaults).First();
  if (first) throw new EdgeConfigError(`The edge pipeline configuration is invalid at ${first.path || '/'}: ${first.message}. Fix it (see the README section "Edge and fleet").`);
  const config = withDefaults as EdgePipelinesConfig;
  for (const [input, pipeline] of Object.entries(config.inputs)) {
    try {
      createParser(pipeline.parser);
    } catch (error) {
      throw new EdgeConfigError(`The edge pipeline of ${input} names parser "${pipeline.parser}": ${(error as Error).message}`, error);
    }
    pipeline.stages.forEach((stage, index) => {
      if (stage.query === undefined) return;
      try {
        compileEventQuery(stage.query);
      } catch (error) {
        throw new EdgeConfigError(`The query of stage ${index} (${stage.type}) of input ${input} does not parse: ${(error as Error).message}`, error);
      }
    });
  }
  return config;
}

/** Reads and checks an edge pipeline file (SIEM_EDGE_PIPELINES_FILE); every failure is an EdgeConfigError naming the file. */
export async function readEdgeConfigFile(file: string): Promise<EdgePipelinesConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EdgeConfigError(`The edge pipeline file ${file} cannot be read (${(error as Error).message}); fix SIEM_EDGE_PIPELINES_FILE.`, error);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new EdgeConfigError(`The edge pipeline file ${file} is not JSON: ${(error as Error).message}.`, error);
  }
  try {
    return parseEdgeConfig(document);
  } catch (error) {
    throw new EdgeConfigError(`${file}: ${(error as Error).message}`, error);
  }
}
