/**
 * Reads the five LMS files (and the optional lms_enrolments.csv: when it is not there, its raw table
 * is made empty, with the contract columns) into DuckDB as text, the views raw_<source>: lumen_row
 * (the record's index in file order), one column per contract column (plus lumen_line_breaks, the
 * line breaks inside the record's fields, extra columns included, when the file has quotes). The
 * text is a DuckDB table (raw_<source>_text), or, for a file whose text would take more than half
 * of DuckDB's memory, a Parquet file in the database's own folder (see RawTextOptions). Numbers the
 * records with the file lines they start on as the views raw_<source>_numbered, blank lines between
 * records included (DuckDB skips them; a byte scan finds them). Every fatal problem (missing file or
 * column, not a CSV, empty, bad encoding, ragged row) becomes one InputError line naming the file,
 * column or line.
 */
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import {
  type DateOrder,
  type DateOrderDecision,
  type DateOrderEvidence,
  type DateSighting,
  decideDateOrders,
} from './date-order.ts';
import { type Db, listValue } from './db.ts';
import { SOURCES, type SourceSpec } from './schema.ts';

const HEAD_BYTES = 256 * 1024;
const SCAN_BYTES = 4 * 1024 * 1024;

export interface LoadedSource {
  readonly spec: SourceSpec;
  readonly path: string;
  /** False for an optional file the export leaves out (its raw table is empty). */
  readonly present: boolean;
  readonly rowsRead: number;
  /**
   * The file's modification time: when the export wrote it (the newest date its rows can hold);
   * null for a file not given.
   */
  readonly modifiedAt: Date | null;
  /** The day/month order its slash dates are read in, and why. */
  readonly dateOrder: DateOrderDecision;
}

type Loaded = Omit<LoadedSource, 'dateOrder'> & { readonly evidence: DateOrderEvidence };

/**
 * The first slash date of each kind in the file (queries/staging/raw_date_order_evidence.sql), one
 * date column at a time, from the numbered view, so the lines are file lines.
 */
async function dateOrderEvidence(db: Db, spec: SourceSpec): Promise<DateOrderEvidence> {
  const kinds = ['dmy', 'mdy', 'either'] as const;
  const first: Record<(typeof kinds)[number], DateSighting | null> = { dmy: null, mdy: null, either: null };
  const view = `raw_${spec.name}_date_order`;
  for (const column of spec.dateColumns) {
    await db.defineViewOver(view, 'raw_date_order_evidence', {
      raw_source: `raw_${spec.name}_numbered`,
      date_column: column,
    });
    const [row] = await db.all(`SELECT * FROM ${view}`);
    await db.run(`DROP VIEW ${view}`);
    for (const kind of kinds) {
      const line = row?.[`${kind}_line`];
      const known = first[kind];
      if (line == null || (known && known.line <= Number(line))) continue;
      first[kind] = { column, line: Number(line), value: String(row?.[`${kind}_value`] ?? '').trim() };
    }
  }
  return { file: spec.file, dayFirst: first.dmy, monthFirst: first.mdy, swappable: first.either };
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const bytes = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytes);
  } finally {
    closeSync(fd);
  }
}

function lineOfOffset(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Checks the first bytes: present, not empty, not binary, valid UTF-8 (an optional BOM is fine). */
function checkHead(spec: SourceSpec, path: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new InputError('NOT_CSV', `${spec.file}: is a directory, not a CSV file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('MISSING_FILE', `${spec.file}: file not found in ${join(path, '..')}`, {
      cause: error,
    });
  }
  if (size === 0) throw new InputError('EMPTY_FILE', `${spec.file}: file is empty`);
  const head = readHead(path);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new InputError('BAD_ENCODING', `${spec.file}: encoded as UTF-16; export it as UTF-8`);
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(
      'NOT_CSV',
      `${spec.file}: not a CSV file (binary content at line ${lineOfOffset(head, nul)})`,
    );
  }
  // A multi-byte character may be cut at the end of the head; `stream` keeps it pending.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length === HEAD_BYTES });
  } catch {
    throw new InputError('BAD_ENCODING', `${spec.file}: line ${firstInvalidUtf8Line(head)}: not valid UTF-8`);
  }
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase();
}

/** Parses the header record and maps each contract column to its position in the file. */
function readHeader(
  spec: SourceSpec,
  head: string,
): { width: number; positions: Map<string, number>; lineBreaks: number } {
  const text = head.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (!firstLine.includes(',') && spec.required.length > 1) {
    throw new InputError('NOT_CSV', `${spec.file}: not a CSV file (line 1 has no comma-separated header)`);
  }
  let header: string[];
  try {
    // `to` counts records, not lines: a quoted header name may hold a line break.
    const records = parse(text, { to: 1, relax_column_count: true }) as string[][];
    header = records[0] ?? [];
  } catch (error) {
    throw new InputError('NOT_CSV', `${spec.file}: not a CSV file (line 1 is not a valid CSV header)`, {
      cause: error,
    });
  }
  const positions = new Map<string, number>();
  header.forEach((raw, index) => {
    const name = normalizeHeaderName(raw);
    if (name === '') return;
    if (positions.has(name)) {
      throw new InputError('BAD_HEADER', `${spec.file}: column "${name}" appears twice in the header`);
    }
    positions.set(name, index);
  });
  for (const column of spec.required) {
    if (!positions.has(column)) {
      throw new InputError('MISSING_COLUMN', `${spec.file}: missing required column "${column}"`);
    }
  }
  const lineBreaks = header.reduce((sum, name) => sum + name.split('\n').length - 1, 0);
  return { width: header.length, positions, lineBreaks };
}

const LF_LF = Buffer.from('\n\n');
const LF_CRLF = Buffer.from('\n\r\n');

/** The file's size without the line breaks at its end (blank lines there are no concern). */
function contentEnd(fd: number, size: number): number {
  const buffer = Buffer.alloc(4096);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buffer.length);
    const bytes = readSync(fd, buffer, 0, end - start, start);
    let i = bytes - 1;
    while (i >= 0 && (buffer[i] === 0x0a || buffer[i] === 0x0d)) i--;
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/**
 * One read of the file with native byte searches. `quoted`: a double quote anywhere; without one
 * no field can hold a line break, so records are lines (a 500 MB file reads in about 0.1 s, about a
 * quarter of what counting line breaks per field costs DuckDB on the same file). `blankLines`: a
 * line break followed by an empty line (LF or CRLF) before the last record; it may also be inside
 * a quoted field, so it only says that blankLineRuns is worth its full scan.
 */
function scanFile(path: string): { quoted: boolean; blankLines: boolean } {
  const fd = openSync(path, 'r');
  try {
    const end = contentEnd(fd, statSync(path).size);
    const buffer = Buffer.allocUnsafe(SCAN_BYTES);
    let quoted = false;
    let blankLines = false;
    // Chunks overlap by two bytes, so a pattern cut at a chunk's end is found in the next one.
    for (let position = 0; position < end && !(quoted && blankLines); ) {
      const bytes = readSync(fd, buffer, 0, Math.min(SCAN_BYTES, end - position), position);
      if (bytes === 0) break;
      const chunk = buffer.subarray(0, bytes);
      quoted ||= chunk.indexOf(0x22) >= 0;
      blankLines ||= chunk.indexOf(LF_LF) >= 0 || chunk.indexOf(LF_CRLF) >= 0;
      if (position + bytes >= end) break;
      position += Math.max(1, bytes - 2);
    }
    return { quoted, blankLines };
  } finally {
    closeSync(fd);
  }
}

/** What walkRecords tells of each record besides where it starts. */
interface RecordShape {
  /** Nothing but an optional CR. */
  readonly blank: boolean;
  /** Fields: commas outside quotes, plus one. */
  readonly fields: number;
  /** The record ends in CR LF (false: LF, or the end of the file). */
  readonly crlf: boolean;
  /** A CR outside quotes that no LF follows (DuckDB's strict reader stops there). */
  readonly bareCr: boolean;
}

/**
 * Walks the file's records as DuckDB's CSV reader (strict mode, `"` quote and escape) splits them:
 * a double quote opens a quoted field only at the start of a field, and line breaks inside quoted
 * fields belong to the field. `onRecord` is called at each line break outside quotes with the file
 * line (header = line 1) the record ending there started on, and its shape; it returns true to stop
 * the walk. Returns the line of a quoted field still open at the end of the file, else null.
 */
function walkRecords(
  path: string,
  onRecord: (startLine: number, shape: RecordShape) => boolean,
): number | null {
  const FIELD_START = 0;
  const UNQUOTED = 1;
  const QUOTED = 2;
  const QUOTE_IN_QUOTED = 3;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SCAN_BYTES);
    let line = 1;
    let start = 1;
    let state = FIELD_START;
    let content = false;
    let fields = 1;
    let cr = false;
    let bareCr = false;
    for (let position = 0; ; ) {
      const bytes = readSync(fd, buffer, 0, SCAN_BYTES, position);
      if (bytes === 0) {
        // The last record when the file does not end with a line break (or a quote left open).
        if (content) onRecord(start, { blank: false, fields, crlf: false, bareCr: bareCr || cr });
        return state === QUOTED ? start : null;
      }
      for (let i = 0; i < bytes; i++) {
        const byte = buffer[i];
        if (byte === 0x0a) {
          line++;
          if (state === QUOTED) continue;
          if (onRecord(start, { blank: !content, fields, crlf: cr, bareCr })) return null;
          start = line;
          state = FIELD_START;
          content = false;
          fields = 1;
          cr = false;
          bareCr = false;
          continue;
        }
        if (state !== QUOTED) {
          bareCr ||= cr;
          cr = byte === 0x0d;
        }
        if (byte !== 0x0d) content = true;
        if (state === QUOTED) {
          if (byte === 0x22) state = QUOTE_IN_QUOTED;
        } else if (byte === 0x2c) {
          state = FIELD_START;
          fields++;
        } else if (state === FIELD_START)
          state = byte === 0x22 ? QUOTED : byte === 0x0d ? FIELD_START : UNQUOTED;
        else if (state === QUOTE_IN_QUOTED) state = byte === 0x22 ? QUOTED : UNQUOTED;
      }
      position += bytes;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The file's records checked as DuckDB's strict CSV reader reads them (the field count, quotes
 * closed, no bare CR), for when that reader has failed: `problem` is the first one as "line N: ...",
 * '' when there is none. `mixed`: some lines end in CR LF and some in LF (two files pasted together,
 * a line edited by hand), which the strict reader cannot split; the lenient one can, but it would
 * cut extra fields off a record without a word, hence this check before it is used.
 */
function checkRecords(path: string, width: number): { mixed: boolean; problem: string } {
  let crlf = false;
  let lf = false;
  let problem = '';
  let problemLine = 0;
  const unterminated = walkRecords(path, (startLine, shape) => {
    if (shape.crlf) crlf = true;
    else if (!shape.blank) lf = true;
    if (problem) return false;
    problemLine = startLine;
    if (shape.bareCr) problem = `line ${startLine}: a carriage return without a line feed`;
    else if (!shape.blank && shape.fields !== width)
      problem = `line ${startLine}: expected ${width} fields, found ${shape.fields}`;
    return false;
  });
  // A quote left open runs to the end of the file: that record's field count says nothing.
  if (unterminated !== null && (!problem || problemLine === unterminated))
    problem = `line ${unterminated}: unterminated quoted field`;
  return { mixed: crlf && lf, problem };
}

/**
 * The blank lines between the records of a file (DuckDB's CSV reader skips them) as runs, for the
 * table raw_<source>_blank_lines: for each run followed by a record, the line that record gets
 * when blank lines are not counted, and the blank lines from the top of the file down to it.
 */
function blankLineRuns(path: string): { lineNos: number[]; blankLines: number[] } {
  const lineNos: number[] = [];
  const blankLines: number[] = [];
  let blanks = 0;
  let pending = false;
  const onRecord = (startLine: number, { blank }: RecordShape): boolean => {
    if (blank) {
      blanks++;
      pending = true;
    } else if (pending) {
      lineNos.push(startLine - blanks);
      blankLines.push(blanks);
      pending = false;
    }
    return false;
  };
  walkRecords(path, onRecord);
  return { lineNos, blankLines };
}

/**
 * The file line (header = line 1) on which record `record` starts, counting the header as record 1
 * and every line break outside quotes (blank lines included) as the end of a record, as DuckDB's
 * CSV errors count them. Only read when a load fails, so a plain byte scan is fast enough.
 */
function lineOfRecord(path: string, record: number): number {
  let found = 1;
  let current = 0;
  walkRecords(path, (startLine) => {
    found = startLine;
    return ++current === record;
  });
  return found;
}

/**
 * Turns DuckDB's multi-line CSV error into one line that names the file and the line. DuckDB's
 * "Line" is the record's number, so it is turned into the file line the record starts on.
 */
function csvReadError(spec: SourceSpec, path: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const record = /Line: (\d+)/.exec(message)?.[1];
  const line = record ? lineOfRecord(path, Number(record)) : undefined;
  const where = line ? `${spec.file}: line ${line}` : spec.file;
  const firstLine = message.split('\n')[0] ?? message;
  if (/unicode|utf-?8|byte sequence/i.test(message)) {
    return new InputError('BAD_ENCODING', `${where}: not valid UTF-8`, { cause: error });
  }
  const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (found) {
    return new InputError('BAD_VALUE', `${where}: expected ${found[1]} fields, found ${found[2]}`, {
      cause: error,
    });
  }
  // Not any "quote": the message also lists the reader's options ("quote = ...").
  if (/unterminated quote/i.test(message)) {
    return new InputError('BAD_VALUE', `${where}: unterminated quoted field`, { cause: error });
  }
  return new InputError('NOT_CSV', `${where}: cannot be read as CSV (${firstLine})`, { cause: error });
}

/**
 * Where a file's text is kept. In DuckDB's memory a table stays uncompressed until a checkpoint, and
 * at 1M learners the lesson file's text (95M records of six strings, about twice the file's size)
 * outgrew the memory limit: DuckDB wrote it to its spill folder, then the load's checkpoint read it
 * back to compress it (48 s to read, 48-77 s to compress). Written as Parquet while the CSV is read
 * (57 s), it is compressed once and read back column by column from a file the page cache keeps:
 * `lumen validate` 207 -> 179 s there (docs/BENCHMARKS.md, session 12).
 */
export interface RawTextOptions {
  /**
   * Files larger than this many bytes go to Parquet. Default (undefined): a quarter of DuckDB's
   * memory limit, the size whose text in memory would take about half of it. Tests pass 0 to read
   * every file that way.
   */
  readonly parquetAboveBytes?: number;
}

async function parquetThreshold(db: Db, options: RawTextOptions): Promise<number> {
  if (options.parquetAboveBytes !== undefined) return options.parquetAboveBytes;
  const limit = await db.memoryLimitBytes();
  return limit === null ? Number.POSITIVE_INFINITY : limit / 4;
}

/** The view raw_<source> over the text table raw_<source>_text, its rowid (file order) as lumen_row. */
function defineTextView(db: Db, table: string): Promise<void> {
  return db.run(`CREATE OR REPLACE VIEW ${table} AS SELECT rowid AS lumen_row, * FROM ${table}_text`);
}

async function loadSource(db: Db, spec: SourceSpec, dir: string, parquetAbove: number): Promise<Loaded> {
  const path = join(dir, spec.file);
  const head = checkHead(spec, path);
  const { width, positions, lineBreaks: headerBreaks } = readHeader(spec, head);
  // Positional names keep odd header text (spaces, quotes, case) out of SQL entirely.
  const names = Array.from({ length: width }, (_, i) => `c${i}`);
  const select = [...spec.required, ...spec.optional]
    .map((column) => {
      const position = positions.get(column);
      return position === undefined ? `NULL::VARCHAR AS ${column}` : `c${position} AS ${column}`;
    })
    .join(', ');
  // Only a quoted field can hold a line break. Every column of the file counts, the ignored extra
  // ones too: they also move later records down.
  const { quoted, blankLines } = scanFile(path);
  const breaks = quoted
    ? `, (${names.map((n) => `lumen_line_breaks(${n})`).join(' + ')})::INTEGER AS lumen_line_breaks`
    : '';
  const table = `raw_${spec.name}`;
  const parquet = statSync(path).size > parquetAbove ? db.scratchPath(`${table}.parquet`) : null;
  const scan = (strict: boolean) =>
    `SELECT ${select}${breaks} FROM read_csv($path,
        header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
        strict_mode = ${strict}, null_padding = false, auto_detect = false,
        columns = {${names.map((n) => `'${n}': 'VARCHAR'`).join(', ')}})`;
  // File order: DuckDB preserves insertion order (preserve_insertion_order, on by default) when it
  // writes a parallel CSV scan to a table or a Parquet file, so a table's rowid and a Parquet file's
  // row numbers are the records' order in the CSV; the numbered views rely on it.
  const read = (strict: boolean) =>
    parquet
      ? db.run(`COPY (${scan(strict)}) TO $parquet (FORMAT parquet)`, { path, parquet })
      : db.run(`CREATE OR REPLACE TABLE ${table}_text AS ${scan(strict)}`, { path });
  try {
    try {
      await read(true);
    } catch (error) {
      const { mixed, problem } = checkRecords(path, width);
      // DuckDB names a record when it can; with mixed line endings its error is about those.
      const named = /Line: \d+/.test(error instanceof Error ? error.message : String(error));
      if (problem && (mixed || !named))
        throw new InputError('BAD_VALUE', `${spec.file}: ${problem}`, { cause: error });
      if (!mixed) throw csvReadError(spec, path, error);
      try {
        await read(false);
      } catch (lenient) {
        throw csvReadError(spec, path, lenient);
      }
    }
  } catch (error) {
    if (parquet) rmSync(parquet, { force: true });
    throw error;
  }
  if (parquet) {
    // The path is this database's own (Db.scratchPath: a plain file name in its folder).
    await db.run(
      `CREATE OR REPLACE VIEW ${table} AS SELECT file_row_number AS lumen_row, * EXCLUDE (file_row_number)
        FROM read_parquet('${parquet.replaceAll("'", "''")}', file_row_number = true)`,
    );
  } else {
    await defineTextView(db, table);
    await db.compactIfLarge();
  }
  const [count] = await db.all<{ n: bigint; breaks: bigint | null }>(
    `SELECT count(*) AS n, ${quoted ? 'sum(lumen_line_breaks)' : '0'} AS breaks FROM ${table}`,
  );
  const rowsRead = Number(count?.n ?? 0);
  if (rowsRead === 0 && !spec.mayBeEmpty)
    throw new InputError('EMPTY_FILE', `${spec.file}: has a header but no data rows`);
  // Records are lines unless a field holds a line break; only then is a running sum worth its sort.
  const multiLineRecords = Number(count?.breaks ?? 0) > 0;
  const counting = multiLineRecords ? 'raw_lines_by_breaks' : 'raw_lines_by_rowid';
  const constants = { first_line: 2 + headerBreaks };
  // DuckDB skips blank lines; the byte scan says when some may lie between records (nearly never).
  const runs = blankLines ? blankLineRuns(path) : { lineNos: [], blankLines: [] };
  if (runs.lineNos.length === 0) {
    await db.defineViewOver(`${table}_numbered`, counting, { raw_source: table }, constants);
  } else {
    await db.materialize(
      'raw_blank_lines',
      { line_nos: listValue(runs.lineNos), blank_lines: listValue(runs.blankLines) },
      `${table}_blank_lines`,
    );
    await db.defineViewOver(`${table}_lines`, counting, { raw_source: table }, constants);
    await db.defineViewOver(`${table}_numbered`, 'raw_lines_after_blanks', {
      raw_source: `${table}_lines`,
      raw_blank_lines: `${table}_blank_lines`,
    });
  }
  const evidence = await dateOrderEvidence(db, spec);
  return { spec, path, present: true, rowsRead, modifiedAt: statSync(path).mtime, evidence };
}

/**
 * An optional file the export leaves out: the same raw table and numbered view as a loaded file,
 * with the contract columns and no rows, so the staging and checked models read it unchanged.
 */
async function loadAbsent(db: Db, spec: SourceSpec, path: string): Promise<Loaded> {
  const table = `raw_${spec.name}`;
  const columns = [...spec.required, ...spec.optional].map((column) => `NULL::VARCHAR AS ${column}`);
  await db.run(`CREATE OR REPLACE TABLE ${table}_text AS SELECT ${columns.join(', ')} WHERE false`);
  await defineTextView(db, table);
  await db.defineViewOver(
    `${table}_numbered`,
    'raw_lines_by_rowid',
    { raw_source: table },
    { first_line: 2 },
  );
  const evidence = { file: spec.file, dayFirst: null, monthFirst: null, swappable: null };
  return { spec, path, present: false, rowsRead: 0, modifiedAt: null, evidence };
}

/** Drops what loadSources made for the loaded files, once the staging models no longer need it. */
export async function dropLoaded(db: Db, loaded: readonly LoadedSource[]): Promise<void> {
  for (const { spec } of loaded) {
    const table = `raw_${spec.name}`;
    await db.run(`DROP VIEW IF EXISTS ${table}_numbered`);
    await db.run(`DROP VIEW IF EXISTS ${table}_lines`);
    await db.run(`DROP TABLE IF EXISTS ${table}_blank_lines`);
    await db.run(`DROP VIEW ${table}`);
    await db.run(`DROP TABLE IF EXISTS ${table}_text`);
    const parquet = db.scratchPath(`${table}.parquet`);
    if (parquet) rmSync(parquet, { force: true });
  }
}

/**
 * Loads all five files and the optional ones that are there, in contract order; the first fatal
 * problem stops the load. Then decides each given file's date order (`dateOrder`: LUMEN_DATE_ORDER,
 * for files whose slash dates cannot tell); a file not given has no say in it.
 */
export async function loadSources(
  db: Db,
  dir: string,
  dateOrder: DateOrder | null = null,
  rawText: RawTextOptions = {},
): Promise<LoadedSource[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError('MISSING_FILE', `${dir}: data folder not found`);
  }
  const parquetAbove = await parquetThreshold(db, rawText);
  const loaded: Loaded[] = [];
  for (const spec of SOURCES) {
    const path = join(dir, spec.file);
    loaded.push(
      spec.optionalFile && !existsSync(path)
        ? await loadAbsent(db, spec, path)
        : await loadSource(db, spec, dir, parquetAbove),
    );
  }
  const present = loaded.filter((l) => l.present);
  const decisions = decideDateOrders(
    present.map((l) => l.evidence),
    dateOrder,
  );
  return loaded.map(({ evidence: _evidence, ...source }) => ({
    ...source,
    dateOrder: source.present
      ? (decisions[present.findIndex((l) => l.spec === source.spec)] as DateOrderDecision)
      : { file: source.spec.file, order: dateOrder ?? 'mdy', reason: 'file not given' },
  }));
}
