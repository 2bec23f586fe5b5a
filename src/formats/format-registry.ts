import { InvalidConfigError } from '../core/errors.js';
import { cloudTrailFormat } from './cloudtrail/cloudtrail-format.js';
import { entraFormat } from './entra/entra-format.js';
import { k8sAuditFormat } from './kubernetes/k8s-audit-format.js';
import type { FormatChoice, FormatName, LogFormat } from './log-format.js';
import { nativeFormat } from './native/native-format.js';
import { ocsfFormat } from './ocsf/ocsf-format.js';
import { otelFormat } from './otel/otel-format.js';

/**
 * Every known format, in detection priority: the first whose `detect` accepts a value wins.
 * Native comes first so that native input never pays for the others' checks; the specific
 * envelopes (CloudTrail, Kubernetes audit) before the looser record shapes.
 */
export const FORMATS: readonly LogFormat[] = [nativeFormat, cloudTrailFormat, k8sAuditFormat, entraFormat, ocsfFormat, otelFormat];

export const FORMAT_CHOICES: readonly FormatChoice[] = ['auto', ...FORMATS.map((f) => f.name)];

export function formatByName(name: string): LogFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}

/** `--format` / `input.format` to a format, undefined for `auto`; an unknown name is a config error. */
export function resolveFormatChoice(choice: string | undefined): LogFormat | undefined {
  if (choice === undefined || choice === 'auto') return undefined;
  const format = formatByName(choice);
  if (!format) throw new InvalidConfigError(`unknown log format "${choice}" (expected one of: ${FORMAT_CHOICES.join(', ')})`);
  return format;
}

/** The format of one parsed value (a record or an envelope), or undefined when none recognises it. */
export function detectFormat(value: unknown): LogFormat | undefined {
  for (const format of FORMATS) {
    try {
      if (format.detect(value)) return format;
    } catch {
      // A detector must not decide the fate of a record by crashing: try the next one.
    }
  }
  return undefined;
}

/**
 * The format of a file from its first records: the one most of them are recognised as (ties
 * go to the higher priority), undefined when none is recognised.
 */
export function sniffFormat(samples: Iterable<unknown>): LogFormat | undefined {
  const votes = new Map<FormatName, number>();
  for (const value of samples) {
    const format = detectFormat(value);
    if (format) votes.set(format.name, (votes.get(format.name) ?? 0) + 1);
  }
  let best: LogFormat | undefined;
  let bestVotes = 0;
  for (const format of FORMATS) {
    const n = votes.get(format.name) ?? 0;
    if (n > bestVotes) {
      best = format;
      bestVotes = n;
    }
  }
  return best;
}
