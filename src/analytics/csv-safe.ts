/**
 * The one formula-protection rule for every CSV Lumen writes: a text cell starting with = + - @, a tab
 * or a carriage return, or the full-width ＝ ＋ － ＠ (which spreadsheets also read as formula starts),
 * gets a leading single quote, so Excel and LibreOffice show it as text instead of running it. It is
 * csv-stringify's `escape_formulas` rule: toCsv always uses that option, and
 * queries/macros/lumen_macros.sql's lumen_csv_safe is the same rule for DuckDB's COPY (Db.copyToCsv
 * applies it to every text column). Numbers are never changed (a negative number is no formula).
 */
import { parse } from 'csv-parse/sync';
import { type Input, type Options, stringify } from 'csv-stringify/sync';

/** csv-stringify with formula protection always on. */
export function toCsv(rows: Input, options: Omit<Options, 'escape_formulas'> = {}): string {
  return stringify(rows, { ...options, escape_formulas: true });
}

/** A cell the rule protected: a single quote, then a formula start. */
const PROTECTED = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * A cell of a CSV Lumen wrote, as it was before the rule: the leading single quote dropped where the
 * rule added one. Readers of a run's files use it, so an id like "-7" or "+44..." is looked up as
 * itself. (A text that itself began with ' and a formula start reads back without that quote: the rule
 * does not mark which quotes it added.) queries/macros/lumen_macros.sql's lumen_csv_plain is the same
 * for DuckDB.
 */
export function fromCsvSafe(text: string): string {
  return PROTECTED.test(text) ? text.slice(1) : text;
}

/**
 * The rows of a CSV Lumen wrote (header row: column names), each cell as it was before the rule: the
 * one reader of a run's CSV files for the run folder and the backtest. fromCsvSafe runs in a plain
 * loop over the parsed cells: csv-parse's `cast` callback (a context object per cell) made reading a
 * run's files slow enough to hold a worker past its job lock.
 */
export function parseCsvSafe(text: string): Record<string, string>[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  for (const row of rows)
    for (const key in row) {
      const value = row[key];
      if (value !== undefined && value.charCodeAt(0) === 39) row[key] = fromCsvSafe(value);
    }
  return rows;
}
