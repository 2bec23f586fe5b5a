import { type Alert } from '../core/alerts/alert.js';
import { type AlertSink } from './alert-sink.js';
import { JsonlFileWriter } from './jsonl-file-writer.js';

/** Alerts as JSON lines (the DESIGN.md alert contract, one per line). */
export class FileSink implements AlertSink {
  readonly name = 'file';
  private readonly writer: JsonlFileWriter;

  constructor(path: string) {
    this.writer = new JsonlFileWriter(path);
  }

  write(alert: Alert): Promise<void> | void {
    return this.writer.write(alert);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
