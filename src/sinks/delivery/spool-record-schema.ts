import { Type } from '@sinclair/typebox';
import type { Alert } from '../../core/alerts/alert.js';
import { AlertSchema } from '../../core/alerts/alert-schema.js';
import { type RecordProblem, RecordValidator } from '../../core/record-validator.js';

/** One line of a delivery spool segment, as spoolLine (alert-store.ts) writes it. */
export const SpoolRecordSchema = Type.Object({ queuedAt: Type.Number(), alert: AlertSchema });

const validator = new RecordValidator(SpoolRecordSchema);

/** A spool line read back: the record, or why it cannot be delivered (a target would throw on it forever). */
export function parseSpoolRecord(text: string): { queuedAt: number; alert: Alert } | RecordProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { path: '/', message: 'not JSON' };
  }
  return validator.check(value) ?? (value as { queuedAt: number; alert: Alert });
}
