import type { FormatName, LogFormat } from '../formats/log-format.js';
import { sniffFormat } from '../formats/format-registry.js';
import { readFileHead } from './read-file-head.js';

export const InputLayout = {
  /** One JSON value per line (JSON Lines): native events, single records or envelopes. */
  Lines: 'lines',
  /** One JSON document: a CloudTrail delivery file (maybe pretty-printed), an OTLP export, an array. */
  Document: 'document',
} as const;
export type InputLayout = (typeof InputLayout)[keyof typeof InputLayout];

export interface InputPlan {
  layout: InputLayout;
  /** The native fast path: JSON Lines of native events, decoded line by line as always. */
  native: boolean;
  /** `--format` when given: every record is read as this format. */
  format?: LogFormat;
  /** What the first records look like (auto): tried first for each record, which is still recognised on its own. */
  sniffed?: LogFormat;
}

const SAMPLE_LINES = 20;

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * How to read a file, from its first megabyte: a document when it opens with `[` or when its
 * first line is not JSON on its own (a pretty-printed document); JSON Lines otherwise. The
 * format is the one most of the first records are recognised as; a file nothing recognises is
 * read as native, so its lines are rejected by the native schema with the field at fault.
 */
export function sniffInput(file: string, format?: LogFormat): InputPlan {
  const head = readFileHead(file);
  const text = head.text.charCodeAt(0) === 0xfeff ? head.text.slice(1) : head.text;
  const start = text.search(/\S/);
  let layout: InputLayout = InputLayout.Lines;
  const samples: unknown[] = [];
  if (start >= 0 && text[start] === '[') {
    layout = InputLayout.Document;
    if (head.complete) {
      const doc = parse(text);
      if (doc.ok && Array.isArray(doc.value)) samples.push(...doc.value.slice(0, SAMPLE_LINES));
    }
  } else if (start >= 0 && text[start] === '{') {
    const lines = text.slice(start).split('\n');
    const firstComplete = lines.length > 1 || head.complete;
    const first = firstComplete ? parse(lines[0] as string) : undefined;
    if (first && !first.ok) {
      layout = InputLayout.Document;
      if (head.complete) {
        const doc = parse(text);
        if (doc.ok) samples.push(doc.value);
      }
    } else if (first?.ok) {
      samples.push(first.value);
      // The last piece may be cut by the head's end: only whole lines are samples.
      for (const line of lines.slice(1, head.complete ? lines.length : lines.length - 1)) {
        if (samples.length >= SAMPLE_LINES) break;
        if (line.trim() === '') continue;
        const v = parse(line);
        if (v.ok) samples.push(v.value);
      }
    }
  }
  if (format) return { layout, native: layout === InputLayout.Lines && format.name === 'native', format };
  const sniffed = sniffFormat(samples);
  // A first line longer than the head (a one-line delivery file of many MB), or a gzip head that
  // would not decompress, tells nothing: each line is then recognised on its own.
  const unknownLongLine = layout === InputLayout.Lines && samples.length === 0 && !head.complete && (start < 0 ? head.gzip : text[start] === '{');
  const native = layout === InputLayout.Lines && !unknownLongLine && (sniffed === undefined || sniffed.name === 'native');
  return { layout, native, ...(sniffed && sniffed.name !== 'native' && { sniffed }) };
}

export function planFormatName(plan: InputPlan): FormatName | 'auto' {
  return plan.format?.name ?? (plan.native ? 'native' : (plan.sniffed?.name ?? 'auto'));
}
