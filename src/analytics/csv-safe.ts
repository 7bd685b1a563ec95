/**
 * The one formula-protection rule for every CSV Lumen writes: a text cell starting with = + - @, a tab
 * or a carriage return, or the full-width ＝ ＋ － ＠ (which spreadsheets also read as formula starts),
 * gets a leading single quote, so Excel and LibreOffice show it as text instead of running it. It is
 * csv-stringify's `escape_formulas` rule: toCsv always uses that option, and
 * queries/macros/lumen_macros.sql's lumen_csv_safe is the same rule for DuckDB's COPY (Db.copyToCsv
 * applies it to every text column). Numbers are never changed (a negative number is no formula).
 */
import { type Input, type Options, stringify } from 'csv-stringify/sync';

/** csv-stringify with formula protection always on. */
export function toCsv(rows: Input, options: Omit<Options, 'escape_formulas'> = {}): string {
  return stringify(rows, { ...options, escape_formulas: true });
}
