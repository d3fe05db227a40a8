import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigurationReference } from '@siem/config';
import { renderParserCatalog } from '@siem/parsers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
writeFileSync(path.join(root, 'docs', 'configuration.md'), renderConfigurationReference());
process.stdout.write('Wrote docs/configuration.md\n');
writeFileSync(path.join(root, 'docs', 'parsers.md'), renderParserCatalog());
process.stdout.write('Wrote docs/parsers.md\n');
