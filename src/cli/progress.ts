/**
 * Terminal progress on stderr (stdout stays clean for --json and piping): one line per pipeline
 * stage with the time the previous stage took, and a bar for long loops.
 */
import { Presets, SingleBar } from 'cli-progress';

export function stageLogger(stream: NodeJS.WriteStream = process.stderr): {
  stage: (name: string) => void;
  done: () => void;
} {
  let current: { name: string; started: number } | null = null;
  const finish = () => {
    if (current)
      stream.write(`  ${current.name} ${((performance.now() - current.started) / 1000).toFixed(2)} s\n`);
  };
  return {
    stage(name: string) {
      finish();
      current = { name, started: performance.now() };
    },
    done() {
      finish();
      current = null;
    },
  };
}

/** A progress bar on a TTY; silent elsewhere (CI logs, pipes). */
export function progressBar(label: string, total: number): { update: (n: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n) => bar.update(n), stop: () => bar.stop() };
}
