/**
 * Per-type parser options (grok patterns, separators, namespaces) are
 * validated once at start against the type's own schema, so a typo in a
 * pipeline file stops the processor with the path of the bad option instead
 * of silently parsing with defaults.
 */
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ParserSetupError } from './errors';

/** Applies the schema's defaults to `options`, checks them, and returns a frozen copy. */
export function resolveParserOptions<Schema extends TObject>(
  parserType: string,
  schema: Schema,
  options: Readonly<Record<string, unknown>>,
): Readonly<Static<Schema>> {
  const candidate = Value.Default(schema, structuredClone(options));
  const firstError = Value.Errors(schema, candidate).First();
  if (firstError !== undefined) {
    const where = firstError.path === '' ? 'the options' : `option "${firstError.path.slice(1).replaceAll('/', '.')}"`;
    throw new ParserSetupError(
      'SIEM_PARSE_INVALID_CONFIG',
      `Parser "${parserType}": ${where} ${firstError.message.toLowerCase()}; the accepted options are ${Object.keys(schema.properties).join(', ') || 'none'}.`,
    );
  }
  return Object.freeze(candidate as Static<Schema>);
}
