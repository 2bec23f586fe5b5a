import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { publishedSchemas, renderSchema } from '../../src/config/published-schemas.js';

describe('published JSON Schemas', () => {
  it.each(Object.keys(publishedSchemas))('schemas/%s matches the schema the code validates with (run `npm run schemas`)', (name) => {
    const onDisk = readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8');
    expect(onDisk).toBe(renderSchema(publishedSchemas[name as keyof typeof publishedSchemas]));
  });
});
