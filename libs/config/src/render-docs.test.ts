import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderConfigurationReference } from './render-docs';

const docPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/configuration.md');

describe('docs/configuration.md', () => {
  it('is exactly what the schema renders (run `npm run docs` after changing a setting)', () => {
    expect(readFileSync(docPath, 'utf8')).toBe(renderConfigurationReference());
  });
});
