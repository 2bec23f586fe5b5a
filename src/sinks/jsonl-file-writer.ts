import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Appends JSON lines to a file with back-pressure: callers await `write` only when the stream's
 * buffer is full, so millions of lines cost no per-line promise.
 */
export class JsonlFileWriter {
  private stream: WriteStream | undefined;
  private failure: Error | undefined;
  count = 0;

  /**
   * `lazy`: the file is created on the first line only (a rejects file that stays absent when all is well).
   * `append`: lines go after what the file holds (a long-lived alerts file) instead of replacing it.
   */
  constructor(
    readonly path: string,
    lazy = false,
    private readonly append = false,
  ) {
    if (!lazy) this.open();
  }

  private open(): WriteStream {
    mkdirSync(dirname(this.path), { recursive: true });
    const stream = createWriteStream(this.path, { flags: this.append ? 'a' : 'w' });
    stream.on('error', (err) => (this.failure = err));
    this.stream = stream;
    return stream;
  }

  write(value: unknown): Promise<void> | void {
    if (this.failure) throw this.failure;
    const stream = this.stream ?? this.open();
    this.count++;
    if (!stream.write(`${JSON.stringify(value)}\n`)) {
      return new Promise((resolve) => stream.once('drain', resolve));
    }
  }

  close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve, reject) => {
      stream.end((err?: Error | null) => (err || this.failure ? reject(err ?? this.failure) : resolve()));
    });
  }
}
