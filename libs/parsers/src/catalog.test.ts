import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARSER_CATALOG, renderParserCatalog } from './catalog';
import { parserRegistry } from './registry';

const docPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/parsers.md');

describe('docs/parsers.md', () => {
  it('parser catalog – every registered type has an example, and no example names a type that is gone', () => {
    expect(Object.keys(PARSER_CATALOG).sort()).toEqual([...parserRegistry.types].sort());
  });

  it('parser catalog – the page is exactly what the registry renders (run `npm run docs` after changing a parser)', () => {
    expect(readFileSync(docPath, 'utf8')).toBe(renderParserCatalog());
  });
});
