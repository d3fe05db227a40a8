import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigurationReference } from '@siem/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
writeFileSync(path.join(root, 'docs', 'configuration.md'), renderConfigurationReference());
process.stdout.write('Wrote docs/configuration.md\n');
