import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference } from './config-reference.js';
import { renderErrorsDoc } from './error-reference.js';

const configDoc = new URL('../../docs/configuration.md', import.meta.url);
writeFileSync(configDoc, renderConfigReference());
process.stdout.write('wrote docs/configuration.md\n');

const errorsDoc = new URL('../../docs/errors.md', import.meta.url);
writeFileSync(errorsDoc, renderErrorsDoc(readFileSync(errorsDoc, 'utf8')));
process.stdout.write('wrote docs/errors.md (error codes)\n');
