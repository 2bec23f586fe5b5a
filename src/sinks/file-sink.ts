import type { Alert } from '../core/alerts/alert.js';
import type { AlertSink } from './alert-sink.js';
import { JsonlFileWriter } from './jsonl-file-writer.js';

/** Alerts as JSON lines (the DESIGN.md alert contract, one per line). */
export class FileSink implements AlertSink {
  private readonly writer: JsonlFileWriter;

  /** `append`: keep what the file holds (a sink of `alerts.sinks`); else replace it (`replay --output`). */
  constructor(
    path: string,
    readonly name = 'file',
    append = false,
  ) {
    this.writer = new JsonlFileWriter(path, false, append);
  }

  write(alert: Alert): Promise<void> | void {
    return this.writer.write(alert);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
