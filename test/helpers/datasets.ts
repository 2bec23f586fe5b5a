import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/**
 * The public sample logs, read in place (never copied into the repo): AGENTWATCH_DATASETS when
 * set, else `../shared/datasets` next to the checkout, else the workspace's /work/shared/datasets
 * (a clone made elsewhere, as CI may do). Tests skip, saying so, when none exists.
 */
export const DATASETS: string =
  process.env['AGENTWATCH_DATASETS'] ??
  [join(ROOT, '../shared/datasets'), '/work/shared/datasets'].find((d) => existsSync(d)) ??
  join(ROOT, '../shared/datasets');
