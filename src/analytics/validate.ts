/**
 * Validation: sorts every row of the five files (and of lms_enrolments.csv when it is given) into
 * kept or excluded-with-a-reason, settles the as-of date, and builds the data-quality report.
 * Nothing is dropped without being counted here.
 */
import { InputError } from '../errors.ts';
import { parseAsOfArgument } from './as-of.ts';
import { DATE_ORDER_LABELS, type DateOrder, type DateOrderDecision } from './date-order.ts';
import type { Db } from './db.ts';
import { dropLoaded, type LoadedSource, loadSources, type RawTextOptions } from './load.ts';
import { type ExclusionReason, REASON_LABELS, SOURCES } from './schema.ts';

export interface ExclusionCount {
  readonly reason: ExclusionReason;
  readonly label: string;
  readonly column: string;
  readonly rows: number;
  readonly firstLines: number[];
}

export interface FileQuality {
  readonly file: string;
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly rowsExcluded: number;
  readonly excluded: ExclusionCount[];
}

export interface QualityWarning {
  readonly file: string;
  readonly check: string;
  readonly rows: number;
  readonly firstLines: number[];
}

/** The dates learner events can really lie in (queries/intermediate/int_event_span.sql). */
export interface EventSpan {
  /** First and last day of the span (YYYY-MM-DD); null when no kept event is left. */
  readonly start: string | null;
  readonly end: string | null;
  /** The day the event files were written (newest modification time, never after now), in LUMEN_TZ. */
  readonly writtenOn: string;
  /** Kept events dated outside the span, excluded as 'outside_span'. */
  readonly eventsOutside: number;
}

export interface DataQualityReport {
  readonly dataDir: string;
  readonly asOf: string;
  /** 'latest event': the latest kept event date inside the export's span. */
  readonly asOfSource: 'argument' | 'latest event';
  readonly eventSpan: EventSpan;
  /** Per file: the order its slash dates (3/2/2026) were read in, and why. */
  readonly dateOrders: DateOrderDecision[];
  readonly timeZone: string;
  readonly learners: { readonly kept: number; readonly staffExcluded: number; readonly active: number };
  /**
   * Whether the optional lms_enrolments.csv was given: then enrolments and their known outcomes come
   * from it (int_enrolments_checked), else they are inferred from activity.
   */
  readonly enrolmentsFile: boolean;
  /** The files given: the five required ones, and lms_enrolments.csv when it is there. */
  readonly files: FileQuality[];
  readonly warnings: QualityWarning[];
}

export interface ValidateOptions {
  readonly dataDir: string;
  readonly tz: string;
  /** YYYY-MM-DD; defaults to the latest kept event date inside the export's span. */
  readonly asOf?: string | null;
  /** The clock, for the export's written date (never after now); tests pass a fixed one. */
  readonly now?: Date;
  /** LUMEN_DATE_ORDER: the order of files whose slash dates cannot tell. */
  readonly dateOrder?: DateOrder | null;
  /** Where the files' text is kept (load.ts); tests force Parquet. */
  readonly rawText?: RawTextOptions;
}

/**
 * Built in this order. The two event staging models are views: they are read once, by their
 * checked model, and writing 10M parsed rows to a table first cost ~25% of the validation time.
 */
const STAGING_VIEWS = ['stg_lesson_activity', 'stg_quiz_attempts'] as const;
const CHECKED_MODELS = [
  'stg_users',
  'stg_courses',
  'stg_modules',
  'int_users_checked',
  'int_courses_checked',
  'int_modules_checked',
  'int_learner_roles',
  'int_lesson_activity_id_problems',
  'int_lesson_activity_checked',
  'int_quiz_attempts_id_problems',
  'int_quiz_attempts_checked',
  'stg_enrolments',
  'int_enrolments_checked',
] as const;

/**
 * The event files' id columns are read by their id-problem models only (the staging models have
 * none): once those are built, the column is dropped from the raw text table (DuckDB frees it at
 * once, rowids unchanged), so it is not kept beside the checked table being written (100k learners:
 * ~0.2 GB). A file kept as Parquet (load.ts) has no such table.
 */
const ID_COLUMN_DROPPED_AFTER: Partial<Record<(typeof CHECKED_MODELS)[number], [string, string]>> = {
  int_lesson_activity_id_problems: ['raw_lesson_activity_text', 'activity_id'],
  int_quiz_attempts_id_problems: ['raw_quiz_attempts_text', 'attempt_id'],
};

const EVENT_FILES = new Set(['lms_lesson_activity.csv', 'lms_quiz_attempts.csv']);
const ENROLMENTS_FILE = 'lms_enrolments.csv';

/** When the export was written: its event files' newest modification time, never later than now. */
function writtenAt(loaded: readonly LoadedSource[], now: Date): Date {
  const times = loaded.flatMap((s) =>
    EVENT_FILES.has(s.spec.file) && s.modifiedAt ? [s.modifiedAt.getTime()] : [],
  );
  return new Date(Math.min(now.getTime(), Math.max(...times)));
}

// In as-of.ts so that the CLI's option parsing does not load the loader and DuckDB.
export { parseAsOfArgument };

function isoDate(value: unknown): string {
  // DuckDB DATE values arrive as JS Dates at UTC midnight.
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

function lines(value: unknown): number[] {
  return Array.isArray(value) ? value.map(Number) : [];
}

/** Loads the files, classifies every row and returns the report; leaves the checked tables in db. */
export async function validateData(db: Db, options: ValidateOptions): Promise<DataQualityReport> {
  const requestedAsOf = options.asOf ? parseAsOfArgument(options.asOf) : null;
  const loaded: LoadedSource[] = await loadSources(
    db,
    options.dataDir,
    options.dateOrder ?? null,
    options.rawText,
  );
  const dayFirst = (model: string) => ({
    day_first: loaded.find((s) => `stg_${s.spec.name}` === model)?.dateOrder.order === 'dmy' ? 1 : 0,
  });
  for (const view of STAGING_VIEWS) await db.defineViewOver(view, view, {}, dayFirst(view));
  await db.lean(async () => {
    for (const model of CHECKED_MODELS) {
      await db.materialize(model, dayFirst(model));
      const dropped = ID_COLUMN_DROPPED_AFTER[model];
      // A file kept as Parquet has no table: its views read only the columns they name.
      if (dropped) await db.run(`ALTER TABLE IF EXISTS ${dropped[0]} DROP COLUMN ${dropped[1]}`);
      await db.compactIfLarge();
    }
    for (const view of STAGING_VIEWS) await db.run(`DROP VIEW ${view}`);
    await dropLoaded(db, loaded);
    await db.materialize('int_event_span', {
      written_at: writtenAt(loaded, options.now ?? new Date()).toISOString(),
    });
  });
  const [span] = await db.all<{ span_start: unknown; span_end: unknown; written_on: unknown }>(
    'SELECT span_start, span_end, written_on FROM int_event_span',
  );

  let asOf = requestedAsOf;
  if (!asOf) {
    const [row] = await db.query<{ as_of: unknown }>('as_of_default');
    if (row?.as_of == null) {
      // Kept events but no span: every one is dated after the files were written.
      const [kept] = await db.all<{ n: bigint }>(
        `SELECT (SELECT count(*) FROM int_lesson_activity_checked WHERE exclusion_reason IS NULL)
              + (SELECT count(*) FROM int_quiz_attempts_checked WHERE exclusion_reason IS NULL) AS n`,
      );
      const why =
        Number(kept?.n ?? 0) > 0
          ? ` (all dated after the files were written, ${isoDate(span?.written_on)})`
          : '';
      throw new InputError(
        'BAD_VALUE',
        `lms_lesson_activity.csv, lms_quiz_attempts.csv: no learner event left after validation${why}`,
      );
    }
    asOf = isoDate(row.as_of);
  }
  const params = { as_of: asOf };

  const exclusions = await db.query<{
    file: string;
    reason: ExclusionReason;
    column_name: string;
    rows: bigint;
    first_lines: unknown;
  }>('dq_exclusions', params);
  const fileRows = await db.query<{ file: string; rows_read: bigint; rows_kept: bigint }>(
    'dq_file_rows',
    params,
  );
  // common_subplan off (Db.lean), or DuckDB materialises the kept lesson rows it reads five times.
  const warnings = await db.lean(() =>
    db.query<{ file: string; check_name: string; rows: bigint; first_lines: unknown }>('dq_warnings', params),
  );
  const [learners] = await db.all<{ kept: bigint; staff: bigint }>(
    `SELECT count(*) FILTER (exclusion_reason IS NULL) AS kept,
            count(*) FILTER (exclusion_reason = 'staff_account') AS staff
     FROM int_users_checked`,
  );
  const [active] = await db.all<{ n: bigint }>(
    `SELECT count(DISTINCT user_id) AS n FROM (
       SELECT user_id FROM int_lesson_activity_checked, int_event_span AS span
       WHERE exclusion_reason IS NULL AND event_date BETWEEN span.span_start AND least(span.span_end, $as_of)
       UNION ALL
       SELECT user_id FROM int_quiz_attempts_checked, int_event_span AS span
       WHERE exclusion_reason IS NULL AND attempt_date BETWEEN span.span_start AND least(span.span_end, $as_of))`,
    params,
  );

  const given = new Set(loaded.filter((s) => s.present).map((s) => s.spec.file));
  const files: FileQuality[] = SOURCES.filter((spec) => given.has(spec.file)).map((spec) => {
    const counts = fileRows.find((r) => r.file === spec.file);
    const excluded = exclusions
      .filter((r) => r.file === spec.file)
      .map((r) => ({
        reason: r.reason,
        label: REASON_LABELS[r.reason],
        column: r.column_name,
        rows: Number(r.rows),
        firstLines: lines(r.first_lines),
      }));
    const rowsRead = Number(counts?.rows_read ?? 0);
    const rowsKept = Number(counts?.rows_kept ?? 0);
    return { file: spec.file, rowsRead, rowsKept, rowsExcluded: rowsRead - rowsKept, excluded };
  });

  return {
    dataDir: options.dataDir,
    asOf,
    asOfSource: requestedAsOf ? 'argument' : 'latest event',
    eventSpan: {
      start: span?.span_start == null ? null : isoDate(span.span_start),
      end: span?.span_end == null ? null : isoDate(span.span_end),
      writtenOn: isoDate(span?.written_on),
      eventsOutside: exclusions
        .filter((r) => r.reason === 'outside_span')
        .reduce((sum, r) => sum + Number(r.rows), 0),
    },
    timeZone: options.tz,
    learners: {
      kept: Number(learners?.kept ?? 0),
      staffExcluded: Number(learners?.staff ?? 0),
      active: Number(active?.n ?? 0),
    },
    enrolmentsFile: given.has(ENROLMENTS_FILE),
    files,
    dateOrders: loaded.filter((s) => s.present).map((s) => s.dateOrder),
    warnings: warnings.map((w) => ({
      file: w.file,
      check: w.check_name,
      rows: Number(w.rows),
      firstLines: lines(w.first_lines),
    })),
  };
}

/** The report as a terminal table. */
export function formatQualityReport(report: DataQualityReport): string {
  const out: string[] = [];
  out.push(
    `Data quality: ${report.dataDir} (as of ${report.asOf}, ${report.asOfSource}; time zone ${report.timeZone})`,
  );
  const span = report.eventSpan;
  out.push(
    span.start
      ? `Events span ${span.start} to ${span.end} (files written ${span.writtenOn}); ${span.eventsOutside} events dated outside it excluded`
      : `No kept event (files written ${span.writtenOn})`,
  );
  const orders = report.dateOrders.filter((d) => d.reason !== 'no slash date whose day and month differ');
  if (orders.length > 0) {
    out.push(
      `Slash dates read as: ${orders.map((d) => `${d.file} ${DATE_ORDER_LABELS[d.order]} (${d.reason})`).join('; ')}`,
    );
  }
  out.push(
    `Learners kept: ${report.learners.kept} (${report.learners.active} with activity); staff accounts excluded: ${report.learners.staffExcluded}`,
  );
  out.push('');
  const width = Math.max(...report.files.map((f) => f.file.length));
  out.push(
    `${'file'.padEnd(width)}  ${'read'.padStart(9)}  ${'kept'.padStart(9)}  ${'excluded'.padStart(9)}`,
  );
  for (const f of report.files) {
    out.push(
      `${f.file.padEnd(width)}  ${String(f.rowsRead).padStart(9)}  ${String(f.rowsKept).padStart(9)}  ${String(f.rowsExcluded).padStart(9)}`,
    );
    for (const e of f.excluded) {
      out.push(
        `    - ${e.label} (${e.column}): ${e.rows} rows, lines ${e.firstLines.join(', ')}${e.rows > e.firstLines.length ? ', ...' : ''}`,
      );
    }
  }
  if (!report.enrolmentsFile)
    out.push(`${ENROLMENTS_FILE}: not given (enrolments are inferred from activity)`);
  if (report.warnings.length > 0) {
    out.push('');
    out.push('Warnings (rows kept):');
    for (const w of report.warnings) {
      // A check counted per learner-course pair has no line to list; its name gives an example.
      const where =
        w.firstLines.length === 0
          ? ''
          : `, lines ${w.firstLines.join(', ')}${w.rows > w.firstLines.length ? ', ...' : ''}`;
      out.push(`    - ${w.file}: ${w.check}: ${w.rows} rows${where}`);
    }
  }
  return out.join('\n');
}
