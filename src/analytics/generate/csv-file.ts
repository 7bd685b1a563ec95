/**
 * A CSV output that batches rows into large chunks, respects stream backpressure and only appears
 * under its final name once complete: rows go to a hidden `.partial` file renamed by commit().
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/** Strings are joined up to about this many characters before each write() call. */
const CHUNK_CHARS = 64 * 1024;
/** Lets a few chunks queue in the stream before write() asks us to wait for 'drain'. */
const HIGH_WATER_MARK = 1024 * 1024;

export class CsvFile {
  /** Data rows written so far, header excluded. */
  rows = 0;
  private pending = '';
  private mustDrain = false;
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    private readonly partialPath: string,
    private readonly stream: WriteStream,
  ) {
    // Recorded rather than thrown: an 'error' with no listener would crash the process.
    stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  static open(dir: string, name: string, header: string): CsvFile {
    const partialPath = join(dir, `.${name}.${process.pid}.partial`);
    const stream = createWriteStream(partialPath, { highWaterMark: HIGH_WATER_MARK });
    const file = new CsvFile(join(dir, name), partialPath, stream);
    file.pending = `${header}\n`;
    return file;
  }

  /** Adds one complete line, newline included. */
  push(line: string): void {
    this.pending += line;
    this.rows++;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  get blocked(): boolean {
    return this.mustDrain;
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.mustDrain) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.stream.off('drain', onDrain);
        reject(error);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
    this.mustDrain = false;
  }

  /** Writes what is left and waits until it is on disk under the partial name. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end(this.pending);
    this.pending = '';
    await finished(this.stream);
  }

  async commit(): Promise<void> {
    await rename(this.partialPath, this.path);
  }

  /** Best effort: used while already handling another error. */
  async discard(): Promise<void> {
    // Wait for the descriptor to close, or the open could recreate the file after rm.
    const closed = this.stream.closed ? Promise.resolve() : once(this.stream, 'close');
    this.stream.destroy();
    await closed.catch(() => undefined);
    await rm(this.partialPath, { force: true }).catch(() => undefined);
  }

  private flush(): void {
    if (!this.stream.write(this.pending)) this.mustDrain = true;
    this.pending = '';
  }
}
