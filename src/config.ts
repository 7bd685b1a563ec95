/**
 * The analytics settings, read from the environment once into a frozen, typed object. The job
 * system's settings are read by src/jobs/config.ts and the bot's by src/bot/config.ts (and its Slack
 * token by src/bot/publish.ts); only entry points (src/cli.ts, the worker's sandbox, test helpers)
 * call these readers, and no other module reads process.env.
 */
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { DateOrder } from './analytics/date-order.ts';
import type { ListSize } from './analytics/model/score.ts';
import { LumenError } from './errors.ts';

export interface Config {
  /** IANA time zone that naive timestamps are in and that event dates are taken in. */
  readonly tz: string;
  /**
   * LUMEN_DATE_ORDER: the day/month order of slash dates in a file whose dates cannot tell (no
   * field above 12); null: the order the other files agree on, else M/D/YYYY.
   */
  readonly dateOrder: DateOrder | null;
  /** Days without activity after which a learner who has not completed counts as dropped. */
  readonly dropoutDays: number;
  /** Fewer learners than this in either class marks the model unreliable. */
  readonly minClass: number;
  /** CV ROC AUC below this marks the model unreliable. */
  readonly minAuc: number;
  /**
   * LUMEN_RISK_THRESHOLD: the least risk a learner must have to be listed (never to fill a list).
   * Null: the model's base rate of its concern on the training rows (below it a learner is less likely
   * than a typical one to come to harm). The low band is never listed either way.
   */
  readonly riskThreshold: number | null;
  /** LUMEN_LIST_SIZE: how many of a course's open enrolments its list holds ("10%" or "25"), at least 5. */
  readonly listSize: ListSize;
  /**
   * LUMEN_EARLY_HORIZON_DAYS: the disengagement target's horizon (no activity in the next N days).
   * Null: a third of how long the typical started enrolment has run, in whole weeks from 14 to 42
   * days, shortened (down to 7) while it would leave fewer than five weeks of that run labelled; when
   * its model does not pass the gate, the longest of the others down to 7 whose model does
   * (analytics/train-stage.ts).
   */
  readonly earlyHorizonDays: number | null;
  /**
   * LUMEN_MAX_TRAINING_ROWS: the most enrolment-weeks one fit learns from. Above it, a fixed sample of
   * learners (by a hash of their id, all of their rows) is kept, so that a fit's memory and time stay
   * bounded on large exports. Default 500000.
   */
  readonly maxTrainingRows: number;
  readonly riskHigh: number;
  readonly riskMedium: number;
  /** DuckDB threads; null lets DuckDB use every core. */
  readonly duckdbThreads: number | null;
  /**
   * DuckDB memory limit, e.g. "4GB". Default: a sixth of the machine's RAM (at least 1 GB). The limit
   * covers DuckDB's buffers only: the process also holds the scores, the model's matrices and the
   * charts, and spilling costs less than it saves (1M learners: 13.6 GB peak at half the RAM, 7.4 GB
   * at 5 GB, 8.25 GB at a fifth with progress_per_step, its peak in the charts stage; session 8, with
   * typed training columns: 6.83 GB at a sixth, 8.14 GB and no faster at a fifth; docs/BENCHMARKS.md).
   */
  readonly duckdbMemory: string;
  /**
   * Where DuckDB spills beyond its memory limit, and where a large file's text is kept as Parquet
   * while it is checked (load.ts).
   */
  readonly duckdbTempDir: string;
  /**
   * How long CLI stages show their progress (src/cli/progress.ts). LUMEN_PROGRESS: `tty` redraws one
   * line in place, `lines` writes a line every LUMEN_PROGRESS_SECONDS (default 5), `off` only the line
   * per finished stage; null (unset): `tty` on a terminal, else `lines`.
   */
  readonly progress: { readonly mode: 'tty' | 'lines' | 'off' | null; readonly everySeconds: number };
  /**
   * Developer diagnostics for profiles (docs/BENCHMARKS.md): LUMEN_TRACE_SQL=1 writes each DuckDB
   * statement's wall and CPU time to stderr; LUMEN_PROFILE_DIR keeps each statement's query profile.
   */
  readonly duckdbTrace: { readonly sql: boolean; readonly profileDir: string | null };
}

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, fallback: number, check: (n: number) => boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) {
    throw new LumenError('BAD_CONFIG', `${name}=${raw} is not valid`);
  }
  return n;
}

function optionalNum(env: Env, name: string, check: (n: number) => boolean): number | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  return num(env, name, 0, check);
}

function progressMode(env: Env): Config['progress']['mode'] {
  const raw = env.LUMEN_PROGRESS?.trim().toLowerCase();
  if (!raw) return null;
  if (raw === 'tty' || raw === 'lines' || raw === 'off') return raw;
  throw new LumenError('BAD_CONFIG', `LUMEN_PROGRESS=${env.LUMEN_PROGRESS} is not valid (tty, lines or off)`);
}

function timeZone(env: Env): string {
  const tz = env.LUMEN_TZ?.trim() || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch (cause) {
    throw new LumenError('BAD_CONFIG', `LUMEN_TZ=${tz} is not a known IANA time zone`, { cause });
  }
  return tz;
}

function dateOrder(env: Env): DateOrder | null {
  const raw = env.LUMEN_DATE_ORDER?.trim().toLowerCase();
  if (!raw) return null;
  if (raw === 'mdy' || raw === 'dmy') return raw;
  throw new LumenError('BAD_CONFIG', `LUMEN_DATE_ORDER=${env.LUMEN_DATE_ORDER} is not valid (mdy or dmy)`);
}

function listSize(env: Env): ListSize {
  const raw = env.LUMEN_LIST_SIZE?.trim() || '10%';
  const share = /^(\d+(?:\.\d+)?)\s*%$/.exec(raw);
  if (share) {
    const value = Number(share[1]) / 100;
    if (value > 0 && value <= 1) return { kind: 'share', value };
  } else if (/^\d+$/.test(raw) && Number(raw) >= 1) return { kind: 'count', value: Number(raw) };
  throw new LumenError(
    'BAD_CONFIG',
    `LUMEN_LIST_SIZE=${env.LUMEN_LIST_SIZE} is not valid (a share such as 10% or a number such as 25)`,
  );
}

export function readConfig(env: Env = process.env): Config {
  const probability = (n: number) => n >= 0 && n <= 1;
  return Object.freeze({
    tz: timeZone(env),
    dateOrder: dateOrder(env),
    dropoutDays: num(env, 'LUMEN_DROPOUT_DAYS', 21, (n) => Number.isInteger(n) && n > 0),
    minClass: num(env, 'LUMEN_MIN_CLASS', 10, (n) => Number.isInteger(n) && n >= 1),
    minAuc: num(env, 'LUMEN_MIN_AUC', 0.55, probability),
    riskThreshold: optionalNum(env, 'LUMEN_RISK_THRESHOLD', probability),
    riskHigh: num(env, 'LUMEN_RISK_HIGH', 0.6, probability),
    riskMedium: num(env, 'LUMEN_RISK_MEDIUM', 0.4, probability),
    listSize: listSize(env),
    earlyHorizonDays: optionalNum(
      env,
      'LUMEN_EARLY_HORIZON_DAYS',
      (n) => Number.isInteger(n) && n >= 7 && n <= 91,
    ),
    maxTrainingRows: num(env, 'LUMEN_MAX_TRAINING_ROWS', 500_000, (n) => Number.isInteger(n) && n >= 1000),
    duckdbThreads: optionalNum(env, 'LUMEN_DUCKDB_THREADS', (n) => Number.isInteger(n) && n >= 1),
    duckdbMemory:
      env.LUMEN_DUCKDB_MEMORY?.trim() || `${Math.max(1024, Math.floor(totalmem() / 2 ** 20 / 6))}MB`,
    duckdbTempDir: env.LUMEN_DUCKDB_TEMP?.trim() || join(tmpdir(), 'lumen-duckdb'),
    duckdbTrace: Object.freeze({
      sql: env.LUMEN_TRACE_SQL?.trim() === '1',
      profileDir: env.LUMEN_PROFILE_DIR?.trim() || null,
    }),
    progress: Object.freeze({
      mode: progressMode(env),
      everySeconds: num(env, 'LUMEN_PROGRESS_SECONDS', 5, (n) => n > 0),
    }),
  });
}
