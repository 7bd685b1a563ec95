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

/**
 * Progress of a loop of slow steps (the backtest's fits): on a TTY a bar with the elapsed time and
 * an estimate of the time left; elsewhere (CI logs, pipes) one line per finished step, e.g.
 * "backtest 3/12 as of 2026-03-15 · elapsed 21 s, about 60 s left".
 */
export function stepProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): { update: (done: number, total: number, detail: string) => void; stop: () => void } {
  let started: number | null = null;
  let bar: SingleBar | null = null;
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  return {
    update(done, total, detail) {
      started ??= performance.now();
      if (stream.isTTY) {
        if (!bar) {
          bar = new SingleBar(
            {
              format: `${label} [{bar}] {value}/{total} | {detail} | elapsed {duration_formatted} | about {eta_formatted} left`,
              stream,
            },
            Presets.shades_classic,
          );
          bar.start(total, done, { detail });
        } else bar.update(done, { detail });
        return;
      }
      if (done === 0) return;
      const elapsed = performance.now() - started;
      const left = (elapsed / done) * (total - done);
      stream.write(
        `${label} ${done}/${total} ${detail} · elapsed ${seconds(elapsed)}${done < total ? `, about ${seconds(left)} left` : ''}\n`,
      );
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
