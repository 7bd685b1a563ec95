/**
 * All-or-nothing output: files are written into a hidden staging folder inside OUT and moved into
 * place only when every one of them is complete, so readers never see a half-written file and a
 * failed command leaves OUT as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Moves files from `from` into `to`, merging folders (so OUT/models keeps its older versions). */
function moveInto(from: string, to: string, moved: string[]): void {
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    if (statSync(source).isDirectory()) {
      mkdirSync(target, { recursive: true });
      moveInto(source, target, moved);
    } else {
      renameSync(source, target);
      moved.push(target);
    }
  }
}

export class OutputStage {
  readonly dir: string;
  private done = false;
  private readonly removals: string[] = [];

  constructor(readonly outDir: string) {
    mkdirSync(outDir, { recursive: true });
    this.dir = mkdtempSync(join(outDir, '.staging-'));
  }

  /** Path of a file inside the staging folder (its folder is created). */
  path(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    return path;
  }

  /** Removes OUT/<name> (a file or a folder) at commit: an output this run did not produce must not linger. */
  remove(name: string): void {
    this.removals.push(name);
  }

  writeJson(name: string, value: unknown): void {
    writeFileSync(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  writeText(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }

  /** Moves every staged file into OUT (each rename is atomic) and removes the staging folder. */
  commit(): string[] {
    for (const name of this.removals) rmSync(join(this.outDir, name), { recursive: true, force: true });
    const moved: string[] = [];
    moveInto(this.dir, this.outDir, moved);
    this.discard();
    return moved;
  }

  discard(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
