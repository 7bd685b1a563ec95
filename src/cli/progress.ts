/**
 * Terminal progress on stderr (stdout stays clean for --json and piping): one line per pipeline
 * stage with the time the previous stage took, a bar for long loops (generate), and LiveProgress:
 * the long commands' stages while they run, on a terminal and in logs.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Config } from '../config.ts';

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
 * How long stages show their progress: `tty` redraws one status line in place, `lines` writes one
 * line every few seconds (logs, CI), `off` only the line per finished stage. Default: `tty` when
 * stderr is a terminal, else `lines`. From the typed config (LUMEN_PROGRESS, LUMEN_PROGRESS_SECONDS).
 */
export type ProgressMode = 'tty' | 'lines' | 'off';

export interface ProgressSettings {
  readonly mode: ProgressMode;
  readonly everyMs: number;
}

export function progressSettings(
  config: Config['progress'],
  stream: NodeJS.WriteStream = process.stderr,
): ProgressSettings {
  return { mode: config.mode ?? (stream.isTTY ? 'tty' : 'lines'), everyMs: config.everySeconds * 1000 };
}

/** More rows than any export holds: a query total above it is an overflowed estimate. */
export const PLAUSIBLE_ROWS = 1e11;

/** What a polled source of low-level activity tells (DuckDB's duckDbActivity() in practice). */
export interface Activity {
  readonly statements: number;
  readonly query: { readonly percent: number; readonly rows: number; readonly totalRows: number } | null;
}

/**
 * Seconds each stage took on 100k learners (docs/BENCHMARKS.md, 2026-11-25 00:53, quiet machine):
 * the weights of the overall percentage, and with the export's size the first estimate of the time
 * left, corrected by how fast the finished stages went on this machine.
 */
export const RUN_STAGE_SECONDS: Readonly<Record<string, number>> = {
  'load+validate': 10.1,
  features: 5.3,
  outcomes: 2.6,
  train: 12.0,
  forecast: 1.4,
  stats: 2.0,
  score: 0.7,
  charts: 3.2,
  write: 1.3,
};
/** Seconds per MB of CSV for the whole run at 100k learners (396 MB, 38.7 s): the first guess. */
const RUN_SECONDS_PER_MB = 38.7 / 396;

export interface LiveProgressOptions {
  /** The stages this command runs, in order, with their weights (RUN_STAGE_SECONDS's unit). */
  readonly stages: ReadonlyArray<readonly [name: string, weight: number]>;
  /** MB of input: the first estimate of the time left (before any stage has finished). */
  readonly inputMb?: number;
  readonly settings: ProgressSettings;
  readonly activity?: () => Activity;
  readonly stream?: NodeJS.WriteStream;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const count = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(Math.round(n));

/**
 * Progress of a command's stages while they run: the line per finished stage of stageLogger, and
 * between them (on a terminal, redrawn in place; elsewhere one line every few seconds):
 * "run · features (stage 2/9) 40% · overall 31% · rows 1.2M/3.0M · 38 queries · elapsed 14 s, about 30 s left".
 * The stage percentage is known when the stage reports steps (step()), else estimated from the
 * time the stage is expected to take; it stays below 100 until the stage has ended.
 */
export class LiveProgress {
  private readonly stream: NodeJS.WriteStream;
  private readonly weights = new Map<string, number>();
  private readonly order: string[];
  private readonly started = performance.now();
  private current: {
    name: string;
    weight: number;
    started: number;
    statements: number;
    fraction: number | null;
    detail: string;
  } | null = null;
  /** Weight and milliseconds of the finished stages. */
  private doneWeight = 0;
  private doneMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private drawn = false;
  /** Where the last stage started stands in the order (-1 before the first). */
  private lastIndex = -1;

  constructor(
    private readonly label: string,
    private readonly options: LiveProgressOptions,
  ) {
    this.stream = options.stream ?? process.stderr;
    for (const [name, weight] of options.stages) this.weights.set(name, weight);
    this.order = options.stages.map(([name]) => name);
    const { mode, everyMs } = options.settings;
    if (mode !== 'off') {
      this.timer = setInterval(() => this.tick(), mode === 'tty' ? Math.min(250, everyMs) : everyMs);
      this.timer.unref();
    }
  }

  private get totalWeight(): number {
    let total = 0;
    for (const weight of this.weights.values()) total += weight;
    return total;
  }

  /** Starts a stage (ending the one before); a stage the plan does not name weighs 1 (see weigh). */
  stage = (name: string, detail?: string): void => {
    const previous = this.lastIndex;
    this.finishStage();
    if (!this.weights.has(name)) this.weights.set(name, 1);
    // A stage the plan could not name goes right after the one before it.
    if (!this.order.includes(name)) this.order.splice(previous + 1, 0, name);
    this.lastIndex = this.order.indexOf(name);
    this.current = {
      name,
      weight: this.weights.get(name) ?? 1,
      started: performance.now(),
      statements: this.options.activity?.().statements ?? 0,
      fraction: null,
      detail: detail ?? '',
    };
  };

  /** Known progress inside the current stage (e.g. the backtest's dates): done of total, and what. */
  step = (done: number, total: number, detail?: string): void => {
    if (!this.current) return;
    this.current.fraction = total > 0 ? done / total : null;
    if (detail !== undefined) this.current.detail = detail;
  };

  /** Sets the current stage's weight (a stage whose size is known only once it has started). */
  weigh = (weight: number): void => {
    if (!this.current) return;
    this.current.weight = weight;
    this.weights.set(this.current.name, weight);
  };

  /** Says what the current stage is doing, keeping its known fraction. */
  detail = (text: string): void => {
    if (this.current) this.current.detail = text;
  };

  /** The command finished: the last stage's line, and no more status. */
  done = (): void => {
    this.finishStage();
    this.stop();
  };

  /** The command failed: no more status, the status line cleared, no stage line (the error is the line). */
  stop = (): void => {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.current = null;
    this.clear();
  };

  /** `work` with this progress: done() when it succeeds, stop() when it fails. */
  async around<T>(work: Promise<T>): Promise<T> {
    try {
      const result = await work;
      this.done();
      return result;
    } finally {
      this.stop();
    }
  }

  private finishStage(): void {
    const current = this.current;
    if (!current) return;
    const ms = performance.now() - current.started;
    this.doneWeight += current.weight;
    this.doneMs += ms;
    this.current = null;
    this.clear();
    this.stream.write(`  ${current.name} ${(ms / 1000).toFixed(2)} s\n`);
  }

  private clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  /** The status text now (exposed for tests of the format). */
  status(): string | null {
    const current = this.current;
    if (!current) return null;
    const now = performance.now();
    const total = this.totalWeight || 1;
    const stageMs = now - current.started;
    // Milliseconds per unit of weight: measured once a stage has finished, else from the input size;
    // a stage running longer than that says the machine is slower than assumed.
    let msPerWeight =
      this.doneWeight > 0
        ? this.doneMs / this.doneWeight
        : ((this.options.inputMb ?? 0) * RUN_SECONDS_PER_MB * 1000 + 2000) / total;
    msPerWeight = Math.max(msPerWeight, (this.doneMs + stageMs) / (this.doneWeight + current.weight));
    const known = current.fraction !== null && current.fraction > 0 ? current.fraction : null;
    // Without steps, the stage is taken to need at least a tenth more than it has run so far.
    const stageTotalMs = known ? stageMs / known : Math.max(current.weight * msPerWeight, stageMs * 1.1);
    const fraction = Math.min(0.99, known ?? stageMs / stageTotalMs);
    const overall = Math.min(0.99, (this.doneWeight + current.weight * fraction) / total);
    const stageLeftMs = stageTotalMs - stageMs;
    const laterWeight = this.order
      .slice(this.order.indexOf(current.name) + 1)
      .reduce((sum, name) => sum + (this.weights.get(name) ?? 0), 0);
    const leftMs = stageLeftMs + laterWeight * msPerWeight;
    const index = this.order.indexOf(current.name) + 1;
    const parts = [
      `${this.label} · ${current.name} (stage ${index}/${this.order.length}) ${Math.floor(fraction * 100)}%`,
      `overall ${Math.floor(overall * 100)}%`,
    ];
    if (current.detail) parts.push(current.detail);
    const activity = this.options.activity?.();
    if (activity) {
      const query = activity.query;
      // DuckDB's row total is an estimate, and for some joins an overflowed one (trillions of rows):
      // shown only while it is plausible, else the rows done alone.
      if (query)
        parts.push(
          query.totalRows >= query.rows && query.totalRows <= PLAUSIBLE_ROWS
            ? `rows ${count(query.rows)}/${count(query.totalRows)}`
            : `rows ${count(query.rows)}`,
        );
      parts.push(`${activity.statements - current.statements} queries`);
    }
    parts.push(`elapsed ${seconds(now - this.started)}, about ${seconds(leftMs)} left`);
    return parts.join(' · ');
  }

  private tick(): void {
    const text = this.status();
    if (text === null) return;
    if (this.options.settings.mode === 'tty') {
      const width = this.stream.columns && this.stream.columns > 20 ? this.stream.columns - 1 : 200;
      this.stream.write(`\r\x1b[2K${text.slice(0, width)}`);
      this.drawn = true;
    } else this.stream.write(`${text}\n`);
  }
}
