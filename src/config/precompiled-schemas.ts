import type { TSchema } from '@sinclair/typebox';
import { AgentSnapshotSchema } from '../core/baselines/agent-snapshot-schema.js';
import { DeclaredBaselinesSchema } from '../core/baselines/declared-baselines-schema.js';
import { AuditEventSchema } from '../core/events/audit-event-schema.js';
import { ValidatorKind } from '../core/precompiled-validators.js';
import { ConfigSchema } from './config-schema.js';

/**
 * The schemas whose validators `npm run build` generates: those a command reads before its first
 * event (configuration, baselines, events, agent snapshots). Others compile on first use.
 */
export const PRECOMPILED_SCHEMAS: readonly { kind: ValidatorKind; schema: TSchema }[] = [
  { kind: ValidatorKind.Config, schema: ConfigSchema },
  { kind: ValidatorKind.Config, schema: DeclaredBaselinesSchema },
  { kind: ValidatorKind.Record, schema: AuditEventSchema },
  { kind: ValidatorKind.Record, schema: AgentSnapshotSchema },
];
