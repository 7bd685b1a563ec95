/**
 * The only module in src/analytics that touches DuckDB. Everything else asks it to run named
 * queries from queries/ with bound parameters, and gets plain rows back.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, listValue } from '@duckdb/node-api';
import { processAlive } from '../process-alive.ts';
import type { QueryName } from './query-names.ts';

export type Params = Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export const QUERIES_DIR = fileURLToPath(new URL('../../queries/', import.meta.url));

export interface DbOptions {
  /** IANA zone; naive timestamps are read in it and event dates are taken in it. */
  readonly tz: string;
  readonly threads?: number | null;
  readonly memoryLimit?: string | null;
  /**
   * Where DuckDB spills when a query needs more than memoryLimit: each database spills into its own
   * new folder inside it (removed on close), so processes never share spill files.
   */
  readonly tempDirectory?: string | null;
  /**
   * For profiles such as docs/BENCHMARKS.md's: `sql` writes each statement's wall time, the
   * process's CPU time (user + system, all threads) during it and its first words to stderr;
   * `profileDir` keeps DuckDB's query-tree profile of each statement as <dir>/<statement number>.txt.
   */
  readonly trace?: { readonly sql: boolean; readonly profileDir: string | null } | null;
}

/**
 * What DuckDB is doing in this process, for progress displays (src/cli/progress.ts polls it; nothing
 * is pushed, so a run without a display pays nothing but a counter): statements finished so far,
 * and the running query's own progress when DuckDB can tell (a scan it knows the size of).
 */
export interface DuckDbActivity {
  readonly statements: number;
  readonly query: { readonly percent: number; readonly rows: number; readonly totalRows: number } | null;
}

let statementsDone = 0;
const busyConnections = new Set<DuckDBConnection>();

function traceLabel(sql: string): string {
  const text = sql
    .replace(/--[^\n]*\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 110 ? `${text.slice(0, 110)}...` : text;
}

export function duckDbActivity(): DuckDbActivity {
  let query: DuckDbActivity['query'] = null;
  for (const connection of busyConnections) {
    const { percentage, rows_processed, total_rows_to_process } = connection.progress;
    // -1 until DuckDB has an estimate (and for statements without a scan).
    if (percentage >= 0 && total_rows_to_process > 0n) {
      query = {
        percent: Math.min(100, percentage),
        rows: Number(rows_processed),
        totalRows: Number(total_rows_to_process),
      };
    }
  }
  return { statements: statementsDone, query };
}

const queryPaths = new Map<string, string>();
const queryText = new Map<string, string>();

function indexQueries(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) indexQueries(path);
    else if (entry.name.endsWith('.sql')) {
      const name = entry.name.slice(0, -4);
      if (queryPaths.has(name)) throw new Error(`two query files are named ${name}.sql`);
      queryPaths.set(name, path);
    }
  }
}

/**
 * Queries whose joins run in the order and with the build sides they are written in: DuckDB cannot
 * estimate the size of a CTE, and guessed wrong in enrolment_week_snapshots, hashing the 1.47M-row
 * snapshot side (every column) to probe it with a 3,000-row rank table, twice: 5.7 of that
 * statement's 15.4 s at 100k learners. The query is written small side on the right of every join.
 */
const JOINS_AS_WRITTEN: ReadonlySet<QueryName> = new Set<QueryName>(['enrolment_week_snapshots']);

/** DuckDB's own rendering of a size ("3.6 GiB", "512.0 MiB", "0 bytes") in bytes; null if unreadable. */
export function parseDuckDbBytes(text: string): number | null {
  const match = /^([\d.]+)\s*(bytes|([KMGTP])(i?)B)$/i.exec(text.trim());
  if (!match) return null;
  const power = match[3] ? 'KMGTP'.indexOf((match[3] as string).toUpperCase()) + 1 : 0;
  return Number(match[1]) * (match[4] ? 1024 : 1000) ** power;
}

/** The text of queries/<any layer>/<name>.sql, read once. */
export function loadQuery(name: QueryName): string {
  if (queryPaths.size === 0) indexQueries(QUERIES_DIR);
  let sql = queryText.get(name);
  if (sql === undefined) {
    const path = queryPaths.get(name);
    if (!path) throw new Error(`no query named ${name} under ${QUERIES_DIR}`);
    sql = readFileSync(path, 'utf8').trim().replace(/;\s*$/, '');
    queryText.set(name, sql);
  }
  return sql;
}

/** Parameters a statement does not mention are dropped: DuckDB rejects unused named parameters. */
function paramsUsedBy(sql: string, params: Params | undefined): Params | undefined {
  if (!params) return undefined;
  const used: Params = {};
  for (const [key, value] of Object.entries(params)) {
    if (new RegExp(`\\$${key}\\b`).test(sql)) used[key] = value;
  }
  return Object.keys(used).length > 0 ? used : undefined;
}

/** Table and view names are spliced into SQL, so only plain lower-case identifiers pass. */
function assertTableName(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe table name ${name}`);
}

/**
 * Spill folders left by processes that were killed before they could close their database (a
 * killed run at 1M learners leaves gigabytes): each folder is named after its process id, and a
 * folder whose process is gone is removed. A live process with a reused id keeps its folder.
 */
function removeDeadSpillDirs(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = /^(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && !processAlive(Number(pid)))
      rmSync(join(base, name), { recursive: true, force: true });
  }
}

/**
 * A new folder for one database's spill files inside `base`: the DuckDB release in use names its
 * spill files the same in every process, so processes spilling into one shared folder (the worker's
 * sandboxed jobs, a CLI run beside them) would use each other's files. Null when `base` cannot be
 * written: DuckDB is then given `base` itself and reports the problem only if it has to spill.
 */
function ownSpillDir(base: string): string | null {
  try {
    mkdirSync(base, { recursive: true });
    removeDeadSpillDirs(base);
    return mkdtempSync(join(base, `${process.pid}-`));
  } catch {
    return null;
  }
}

export class Db {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** This database's own spill folder, removed on close. */
    private readonly spillDir: string | null,
    private readonly traceSql: boolean,
    private readonly profileDir: string | null,
  ) {}

  static async open(options: DbOptions): Promise<Db> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    const spillDir = options.tempDirectory ? ownSpillDir(options.tempDirectory) : null;
    if (options.tempDirectory) config.temp_directory = spillDir ?? options.tempDirectory;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
    } catch (error) {
      if (spillDir) rmSync(spillDir, { recursive: true, force: true });
      throw error;
    }
    const connection = await instance.connect();
    const profileDir = options.trace?.profileDir ?? null;
    const db = new Db(instance, connection, spillDir, options.trace?.sql ?? false, profileDir);
    // ICU is loaded by the first statement, so the zone cannot go in the instance config. The
    // zone was checked against Intl's IANA list by config.ts; the pattern keeps quotes out.
    if (!/^[A-Za-z0-9_+\-/]+$/.test(options.tz)) throw new Error(`unsafe time zone name ${options.tz}`);
    await connection.run(`SET TimeZone = '${options.tz}'`);
    // The database lives in memory and is thrown away: DuckDB's automatic checkpoints would only
    // recompress tables, which measured 2-4 s of stalls per statement on the 100k-learner benchmark.
    await connection.run(`SET checkpoint_threshold = '1TB'`);
    // Query progress for duckDbActivity() from the first moment (DuckDB's default waits 2 s), and
    // never printed by DuckDB itself: the CLI draws its own line on stderr.
    await connection.run('SET enable_progress_bar = true');
    await connection.run('SET enable_progress_bar_print = false');
    await connection.run('SET progress_bar_time = 0');
    await connection.run(loadQuery('lumen_macros'));
    await connection.run(loadQuery('lumen_checked_events'));
    if (profileDir) {
      mkdirSync(profileDir, { recursive: true });
      await connection.run(`SET enable_profiling = 'query_tree'`);
      await connection.run(`SET profiling_output = '${join(profileDir, 'last.txt').replaceAll("'", "''")}'`);
    }
    return db;
  }

  /** Every statement goes through here, so duckDbActivity() sees it run and counts it. */
  private async tracked<T>(sql: string, work: () => Promise<T>): Promise<T> {
    busyConnections.add(this.connection);
    const { traceSql, profileDir } = this;
    const started = traceSql ? performance.now() : 0;
    const cpu = traceSql ? process.cpuUsage() : null;
    try {
      return await work();
    } finally {
      busyConnections.delete(this.connection);
      statementsDone += 1;
      if (profileDir) {
        const last = join(profileDir, 'last.txt');
        if (existsSync(last))
          renameSync(last, join(profileDir, `${String(statementsDone).padStart(4, '0')}.txt`));
      }
      if (cpu) {
        const used = process.cpuUsage(cpu);
        const ms = (performance.now() - started).toFixed(0).padStart(7);
        const cpuMs = ((used.user + used.system) / 1000).toFixed(0).padStart(7);
        process.stderr.write(`[sql] ${ms} ms wall ${cpuMs} ms cpu  ${traceLabel(sql)}\n`);
      }
    }
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.tracked(sql, () => this.connection.run(sql, paramsUsedBy(sql, params)));
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.tracked(sql, () =>
      this.connection.runAndReadAll(sql, paramsUsedBy(sql, params)),
    );
    return reader.getRowObjectsJS() as T[];
  }

  /** Column-wise result (one array per column): cheaper than row objects for large numeric reads. */
  async columns(sql: string, params?: Params): Promise<Record<string, unknown[]>> {
    const reader = await this.tracked(sql, () =>
      this.connection.runAndReadAll(sql, paramsUsedBy(sql, params)),
    );
    return reader.getColumnsObjectJS() as Record<string, unknown[]>;
  }

  /**
   * Runs `work` with DuckDB settings for the large per-row statements of validation and features,
   * then resets them to DuckDB's defaults (so nothing else in the session is affected):
   * - preserve_insertion_order = false: a table written from a parallel plan is not buffered to keep
   *   its input's order. Only the raw text's row order must be file order (the numbered views rely on
   *   it), and they are written before this; every later reader orders what it needs explicitly.
   * - common_subplan off: DuckDB otherwise materialises a subplan it finds twice in a statement (the
   *   raw lesson scan, the whole staging model) as a full-width copy for the statement's lifetime.
   */
  async lean<T>(work: () => Promise<T>): Promise<T> {
    await this.run('SET preserve_insertion_order = false');
    await this.run(`SET disabled_optimizers = 'common_subplan'`);
    try {
      return await work();
    } finally {
      await this.run('RESET preserve_insertion_order');
      await this.run('RESET disabled_optimizers');
    }
  }

  /**
   * Compresses the tables when they hold more than half of DuckDB's memory limit. DuckDB keeps an
   * in-memory table uncompressed until a checkpoint (automatic ones are off: openDb), so at 1M
   * learners the raw and checked lesson tables alone outgrew the limit and every later statement
   * read them back from the spill folder. Called after the load's large tables (load.ts,
   * validate.ts): compressed, later stages read them from memory (1M learners: features 65 -> 37 s,
   * for 100-150 s of compression in load+validate; docs/BENCHMARKS.md, session 9). Below the
   * threshold nothing spills, and a checkpoint would only cost time.
   */
  async compactIfLarge(): Promise<boolean> {
    const [row] = await this.all<{ tables: bigint | null }>(
      `SELECT sum(memory_usage_bytes) AS tables FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`,
    );
    const limit = await this.memoryLimitBytes();
    if (limit === null || Number(row?.tables ?? 0) <= limit / 2) return false;
    await this.run('CHECKPOINT');
    return true;
  }

  /** DuckDB's memory limit in bytes (null when its text cannot be read). */
  async memoryLimitBytes(): Promise<number | null> {
    const [row] = await this.all<{ limit_text: string }>(
      `SELECT current_setting('memory_limit') AS limit_text`,
    );
    return parseDuckDbBytes(String(row?.limit_text ?? ''));
  }

  /**
   * A path for a working file of this database (`name`, a plain file name) in its own folder, which
   * close() removes; null when the database has no folder of its own (its temp folder could not be
   * written), so the caller keeps the data in DuckDB instead.
   */
  scratchPath(name: string): string | null {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`not a plain file name: ${name}`);
    return this.spillDir ? join(this.spillDir, name) : null;
  }

  /** Runs queries/<name>.sql (a SELECT) and keeps its result as the table <table> (default: <name>). */
  async materialize(name: QueryName, params?: Params, table: string = name): Promise<void> {
    assertTableName(table);
    const create = () => this.run(`CREATE OR REPLACE TABLE ${table} AS\n${loadQuery(name)}`, params);
    if (!JOINS_AS_WRITTEN.has(name)) return create();
    await this.run(`SET disabled_optimizers = 'join_order,build_side_probe_side'`);
    try {
      await create();
    } finally {
      await this.run('RESET disabled_optimizers');
    }
  }

  /** Defines queries/<name>.sql (a SELECT without parameters) as the view <name>. */
  async defineView(name: QueryName): Promise<void> {
    await this.run(`CREATE OR REPLACE VIEW ${name} AS\n${loadQuery(name)}`);
  }

  /**
   * Defines queries/<name>.sql as the view <name> with its one parameter, $as_of, filled in as a DATE
   * literal (a view cannot take parameters): for a model read by few statements, so that its rows
   * are not kept as a table beside the tables it reads.
   */
  async defineViewAsOf(name: QueryName, asOf: string): Promise<void> {
    assertTableName(name);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`as-of must be YYYY-MM-DD, got ${asOf}`);
    const sql = loadQuery(name).replace(/\$as_of\b/g, `DATE '${asOf}'`);
    if (/\$[a-z_]/i.test(sql)) throw new Error(`${name}.sql: a parameter other than $as_of is used`);
    await this.run(`CREATE OR REPLACE VIEW ${name} AS\n${sql}`);
  }

  /**
   * Defines queries/<template>.sql as the view <view>: the template reads placeholder table names
   * (such as `raw_source`), replaced by the names in `tables`, and may use integer `$name`
   * constants, filled in here (a view cannot take parameters).
   */
  async defineViewOver(
    view: string,
    template: QueryName,
    tables: Record<string, string>,
    constants: Record<string, number> = {},
  ): Promise<void> {
    for (const name of [view, ...Object.keys(tables), ...Object.values(tables)]) assertTableName(name);
    let sql = loadQuery(template);
    for (const [placeholder, table] of Object.entries(tables)) {
      sql = sql.replace(new RegExp(`\\b${placeholder}\\b`, 'g'), table);
    }
    for (const [key, value] of Object.entries(constants)) {
      if (!Number.isSafeInteger(value)) throw new Error(`${key} must be an integer, got ${value}`);
      sql = sql.replace(new RegExp(`\\$${key}\\b`, 'g'), String(value));
    }
    if (/\$[a-z_]/i.test(sql)) throw new Error(`${template}.sql: a constant was not given`);
    await this.run(`CREATE OR REPLACE VIEW ${view} AS\n${sql}`);
  }

  /** Rows of queries/<name>.sql. */
  async query<T extends Row = Row>(name: QueryName, params?: Params): Promise<T[]> {
    return this.all<T>(loadQuery(name), params);
  }

  /**
   * Writes the result of a SELECT to a CSV file with a header row; every text column goes through
   * lumen_csv_safe (the formula protection of every CSV Lumen writes, src/analytics/csv-safe.ts).
   */
  async copyToCsv(selectSql: string, path: string, params?: Params): Promise<void> {
    const columns = await this.all<{ column_name: string; column_type: string }>(
      `DESCRIBE (${selectSql})`,
      params,
    );
    const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const select = columns
      .map(({ column_name, column_type }) =>
        column_type === 'VARCHAR'
          ? `lumen_csv_safe(${quoted(column_name)}) AS ${quoted(column_name)}`
          : quoted(column_name),
      )
      .join(', ');
    await this.run(
      `COPY (SELECT ${select} FROM (${selectSql}) AS lumen_copy) TO $lumen_copy_path (HEADER, DELIMITER ',')`,
      { ...params, lumen_copy_path: path },
    );
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
  }
}

export { listValue };
