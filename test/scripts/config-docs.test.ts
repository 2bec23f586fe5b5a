// docs/configuration.md is generated from the configuration schema: it must be what
// `npm run docs` renders now, and name every key the schema has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { ENV_OVERRIDES } from '../../src/config/env-overrides.js';
import { renderConfigReference } from '../../scripts/docs/config-reference.js';
import { ROOT } from '../helpers/cli.js';

const committed = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('is what `npm run docs` renders from the schema: run `npm run docs` after changing any setting (src/config, src/core/engine-settings.ts)', () => {
    expect(committed).toBe(renderConfigReference());
  });

  it('lists every key of the schema with its default, and every environment variable', () => {
    const walk = (s: { properties?: Record<string, unknown> }, path: string): void => {
      for (const [key, child] of Object.entries(s.properties ?? {})) {
        const c = child as { properties?: Record<string, unknown>; default?: unknown };
        const table = committed.slice(committed.indexOf(`\n## ${path || 'Top level'}\n`));
        expect(committed.indexOf(`\n## ${path || 'Top level'}\n`), `section ${path}`).toBeGreaterThan(0);
        const row = table.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
        expect(row, `${path}.${key}`).toBeDefined();
        if (c.default !== undefined && typeof c.default !== 'object')
          expect(row, `${path}.${key} default`).toContain(`\`${JSON.stringify(c.default).replace(/^"|"$/g, '')}\``);
        if (c.properties) walk(c, path ? `${path}.${key}` : key);
      }
    };
    walk(ConfigSchema as unknown as { properties: Record<string, unknown> }, '');
    for (const o of ENV_OVERRIDES) expect(committed).toContain(`| \`${o.env}\` | \`${o.path.join('.')}\` |`);
  });
});
