/**
 * All-or-nothing output: files are written into a hidden staging folder inside OUT and moved into
 * place only when every one of them is complete, so readers never see a half-written file and a
 * failed command leaves OUT as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class OutputStage {
  readonly dir: string;
  private done = false;

  constructor(readonly outDir: string) {
    mkdirSync(outDir, { recursive: true });
    this.dir = mkdtempSync(join(outDir, '.staging-'));
  }

  /** Path of a file inside the staging folder. */
  path(name: string): string {
    return join(this.dir, name);
  }

  writeJson(name: string, value: unknown): void {
    writeFileSync(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  writeText(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }

  /** Moves every staged entry into OUT (each rename is atomic) and removes the staging folder. */
  commit(): string[] {
    const names = readdirSync(this.dir);
    for (const name of names) {
      const target = join(this.outDir, name);
      rmSync(target, { recursive: true, force: true });
      renameSync(join(this.dir, name), target);
    }
    this.discard();
    return names.map((name) => join(this.outDir, name));
  }

  discard(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
