import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas, renderSchema } from '../src/config/published-schemas.js';

const dir = new URL('../schemas/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(publishedSchemas)) {
  writeFileSync(join(dir, name), renderSchema(schema));
  process.stdout.write(`wrote schemas/${name}\n`);
}
