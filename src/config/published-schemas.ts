import { DeclaredBaselinesSchema } from '../core/baselines/declared-baselines-schema.js';
import { AuditEventSchema } from '../core/events/audit-event-schema.js';
import { VerdictSchema } from '../core/feedback/verdict.js';
import { ConfigSchema } from './config-schema.js';

/** The JSON Schemas published in schemas/ (regenerate with `npm run schemas`; a test keeps them in sync). */
export const publishedSchemas = {
  'audit-event.schema.json': AuditEventSchema,
  'baselines.schema.json': DeclaredBaselinesSchema,
  'config.schema.json': ConfigSchema,
  'verdict.schema.json': VerdictSchema,
} as const;

export function renderSchema(schema: object): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, 2)}\n`;
}
