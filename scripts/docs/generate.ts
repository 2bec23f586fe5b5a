import { writeFileSync } from 'node:fs';
import { renderConfigReference } from './config-reference.js';

const target = new URL('../../docs/configuration.md', import.meta.url);
writeFileSync(target, renderConfigReference());
process.stdout.write('wrote docs/configuration.md\n');
