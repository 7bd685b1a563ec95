/**
 * The `lumen` command line: the whole pipeline without Redis or Slack.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, type Option } from 'commander';
import type { AnalysisResult } from './analytics/analysis.ts';
import { parseEvery } from './analytics/backtest.ts';
import { GENERATE_STYLES, type GenerateStyle, generateLmsData } from './analytics/generate.ts';
import { runFeatures, runValidate } from './analytics/pipeline.ts';
import { formatQualityReport, parseAsOfArgument } from './analytics/validate.ts';
import { digestScopeOf, keepServingOnErrors, slackPublisherFromEnv, startBot } from './bot/index.ts';
import { formatBacktestSummary } from './cli/backtest-summary.ts';
import { benchStep, runBench } from './cli/bench.ts';
import { backtestFitWeight, commandProgress } from './cli/command-progress.ts';
import { runDemo } from './cli/demo.ts';
import { type ProgressSettings, progressBar, readProgressSettings, stageLogger } from './cli/progress.ts';
import { formatRunSummary } from './cli/summary.ts';
import { type Config, readConfig } from './config.ts';
import { LumenError } from './errors.ts';
import { dataFingerprint } from './jobs/data-fingerprint.ts';
import {
  closeOnSignals,
  enqueue,
  enqueueRefresh,
  feedbackCsv,
  formatQueueStatus,
  JobsError,
  latestFeedback,
  queueStatus,
  type RefreshResult,
  readJobsConfig,
  requireWorker,
  runDigestDryRun,
  startWorker,
  waitForJob,
  withJobQueues,
} from './jobs/index.ts';
import { outputFolderError } from './output-errors.ts';
import type { PublishedAnalysisOptions } from './run-folder/analysis-run.ts';
import { latestPath, latestRunFolderOrFail, readDataQuality, readLatestRun } from './run-folder/index.ts';

function asOfOption(value: string): string {
  try {
    return parseAsOfArgument(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** A date option other than --as-of: the same check, the message without the flag (commander names it). */
function dateOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim()))
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return asOfOption(value);
}

function everyOption(value: string): number {
  try {
    return parseEvery(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got ${value}`);
  return n;
}

function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const choice = choices.find((c) => c === value);
    if (choice === undefined)
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got ${value}`);
    return choice;
  };
}

/** package.json's version, for `lumen --version`. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Commander checks required options before unknown ones, so a typo (`--dta x`) was reported as a
 * missing `--data`. Required options are checked here instead, in a preAction hook, which runs after
 * commander has refused unknown options.
 */
function reportUnknownOptionsFirst(program: Command): void {
  for (const command of program.commands) {
    const required: Option[] = command.options.filter((option) => option.mandatory);
    for (const option of required) option.mandatory = false;
    if (required.length === 0) continue;
    command.hook('preAction', (self) => {
      for (const option of required) {
        if (self.getOptionValue(option.attributeName()) === undefined) {
          self.error(`error: required option '${option.flags}' not specified`, {
            code: 'commander.missingMandatoryOptionValue',
          });
        }
      }
    });
  }
}

/** The one-line answer of a refresh that succeeded: its as-of, its list and where the dashboard is. */
function refreshDoneLine(jobId: string, result: RefreshResult): string {
  const list =
    result.atRisk !== null
      ? `${result.atRisk} enrolments at risk`
      : `no at-risk list (${result.noListReason ?? 'no model'})`;
  const asOf = result.asOf ? `as of ${result.asOf}, ` : '';
  return `refresh ${jobId} done: ${asOf}${list}, dashboard ${join(result.runDir, 'dashboard.html')}\n`;
}

function buildProgram(): Command {
  // Read when a command runs, not before: a bad LUMEN_TZ must not stop `lumen --help`.
  let config!: Config;
  let progress!: ProgressSettings;
  const program = new Command('lumen')
    .description('Learning-analytics ops: LMS CSV exports -> data quality, weekly features, completion risk')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .hook('preAction', () => {
      config = readConfig(process.env);
      progress = readProgressSettings(process.env);
    });

  program
    .command('validate')
    .description('check the five LMS files and print the data-quality report')
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .option('--json', 'print the report as JSON')
    .action(async (opts: { data: string; asOf?: string; json?: boolean }) => {
      const log = commandProgress('validate', resolve(opts.data), progress);
      const report = await log.around(
        runValidate(config, {
          dataDir: resolve(opts.data),
          asOf: opts.asOf,
          onStage: log.stage,
        }),
      );
      process.stdout.write(
        opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatQualityReport(report)}\n`,
      );
    });

  program
    .command('features')
    .description('write OUT/weekly_behavioral_features.csv and OUT/data_quality.json')
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .requiredOption('--out <dir>', 'output folder')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .action(async (opts: { data: string; out: string; asOf?: string }) => {
      const log = commandProgress('features', resolve(opts.data), progress);
      const result = await log.around(
        runFeatures(config, {
          dataDir: resolve(opts.data),
          outDir: resolve(opts.out),
          asOf: opts.asOf,
          onStage: log.stage,
        }),
      );
      process.stdout.write(
        `${result.featureRows} learner-weeks for ${result.learners} learners, as of ${result.report.asOf}\n${result.files.join('\n')}\n`,
      );
    });

  const analysis = (name: string, description: string, flags: { train: boolean; score: boolean }) => {
    const command = program
      .command(name)
      .description(description)
      .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
      .requiredOption('--out <dir>', 'output folder: the run goes to OUT/runs/<id>/, published as OUT/latest')
      .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption);
    if (!flags.train) command.option('--model <file>', 'saved model (default OUT/latest/models/latest.json)');
    command.action(async (opts: { data: string; out: string; asOf?: string; model?: string }) => {
      const outDir = resolve(opts.out);
      const dataDir = resolve(opts.data);
      await publishAnalysis(config, progress, name === 'train' || name === 'score' ? name : 'run', {
        dataDir,
        outDir,
        asOf: opts.asOf,
        modelPath: opts.model ? resolve(opts.model) : null,
        feedback: latestFeedback(outDir),
        ...flags,
      });
    });
  };
  analysis('run', 'validate, features, outcomes, train, score and stats: every output', {
    train: true,
    score: true,
  });
  analysis('train', 'fit the completion model; publishes a run with the model card, stats and models/', {
    train: true,
    score: false,
  });
  analysis('score', 'score open learners with a saved model; publishes a run with ML_Prediction.csv', {
    train: false,
    score: true,
  });

  program
    .command('backtest')
    .description(
      'how the at-risk list would have done: at past as-of dates, fit on the data up to each and score the enrolments open then, judged against the outcomes at the end of the export; writes OUT/backtest.json, backtest.md, charts/backtest.png',
    )
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .requiredOption('--out <dir>', 'output folder')
    .option(
      '--from <date>',
      'first as-of date (default: the Sunday 4 weeks after the first event)',
      dateOption,
    )
    .option(
      '--to <date>',
      'last as-of date (default: the last complete week minus LUMEN_DROPOUT_DAYS rounded up to weeks)',
      dateOption,
    )
    .option(
      '--every <interval>',
      'time between as-of dates: 1w, 2w, 14d, ... whole weeks (default 1w)',
      everyOption,
    )
    .action(async (opts: { data: string; out: string; from?: string; to?: string; every?: number }) => {
      const log = commandProgress('backtest', resolve(opts.data), progress);
      // Imported here: the backtest's chart rendering is not needed by any other command.
      const { runBacktest } = await import('./analytics/backtest-run.ts');
      let current = '';
      let published = 0;
      const result = await log.around(
        runBacktest(config, {
          dataDir: resolve(opts.data),
          outDir: resolve(opts.out),
          from: opts.from,
          to: opts.to,
          everyDays: opts.every,
          onStage: log.stage,
          onProgress: ({ done, total, asOf, phase, listPublished }) => {
            // The per-date stage has just started: its weight is known once the dates are.
            if (phase === 'start' && done === 0) log.weigh(backtestFitWeight(total));
            if (phase === 'start') current = asOf;
            else if (listPublished) published += 1;
            log.step(
              done,
              total,
              `${done}/${total} dates done (${published} lists published) · as of ${current}`,
            );
          },
          onFitStage: (stage) => log.detail(`as of ${current}: ${stage}`),
        }),
      );
      process.stdout.write(formatBacktestSummary(result.report, result.files));
    });

  program
    .command('charts')
    .description(
      "re-render the charts and dashboard.html of OUT/latest's run (its export, as-of and model) as a new published run",
    )
    .requiredOption('--out <dir>', 'output folder of an earlier run (holding runs/ and latest)')
    .option('--data <dir>', "export folder (default: the one OUT/latest's data_quality.json names)")
    .option('--learner <user_id>', 'learner for the learner-profile chart')
    .option('--as-of <date>', "ignore events after this date (default: the latest run's as-of)", asOfOption)
    .action(async (opts: { data?: string; out: string; learner?: string; asOf?: string }) => {
      const outDir = resolve(opts.out);
      const latest = readLatestRun(outDir);
      const report = readDataQuality(latestRunFolderOrFail(outDir));
      const dataDir = opts.data ? resolve(opts.data) : report?.dataDir;
      if (!dataDir) {
        throw new LumenError(
          'BAD_ARGUMENT',
          `${latestPath(outDir)}: its run names no export folder (no data_quality.json); pass --data DIR`,
        );
      }
      // Charts re-runs everything but the fit: the stages of a scoring run.
      await publishAnalysis(config, progress, 'score', {
        dataDir,
        outDir,
        asOf: opts.asOf ?? (opts.data ? undefined : report?.asOf),
        latest,
        train: false,
        score: latest?.model != null,
        charts: true,
        learnerId: opts.learner ?? null,
      });
    });

  program
    .command('worker')
    .description('run jobs from the Redis queue (refresh, train, charts, Slack posts) until SIGTERM/SIGINT')
    .action(async () => {
      // Slack posts need the bot token; without it the worker still runs every compute job.
      const jobsConfig = readJobsConfig(process.env);
      const publisher = slackPublisherFromEnv();
      if (!publisher)
        process.stderr.write(
          'lumen worker: warning: SLACK_BOT_TOKEN is not set: Slack jobs (posts, the digest, feedback) will fail; refreshes and other compute jobs run\n',
        );
      // With Slack, the worker schedules the digest: it must go to a staff channel.
      if (publisher && jobsConfig.digestChannel) digestScopeOf(jobsConfig.digestChannel, jobsConfig.access);
      if (!jobsConfig.digestChannel)
        process.stderr.write('lumen worker: no weekly digest scheduled (LUMEN_DIGEST_CHANNEL is not set)\n');
      const log = (line: string) => process.stderr.write(`lumen worker: ${line}\n`);
      const worker = await startWorker(config, jobsConfig, publisher ?? undefined, { log });
      closeOnSignals(worker, log);
      log(`waiting for jobs on queue ${jobsConfig.queuePrefix} (Ctrl-C to stop)`);
      await new Promise(() => {});
    });

  program
    .command('bot')
    .description(
      'run the Slack app (/lumen): HTTP on PORT at /slack/events, or Socket Mode with SLACK_APP_TOKEN',
    )
    .action(async () => {
      const log = (line: string) => console.error(line);
      const bot = await startBot({ log });
      // After the start: a bot that cannot start still fails with one line and exit code.
      keepServingOnErrors(log);
      const stop = () => {
        void bot.stop().finally(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      await new Promise(() => {});
    });

  program
    .command('digest')
    .description('post the weekly digest now (once per ISO week and channel), or preview it with --dry-run')
    .option('--dry-run', 'build the digest, print its Block Kit JSON and write its files; no Slack, no Redis')
    .option('--out <dir>', 'with --dry-run: where the preview files go (default OUT/digest-dry-run)')
    .option('--from <dir>', 'output folder holding runs/ and latest (default LUMEN_OUT_DIR)')
    .option(
      '--channel <id>',
      "Slack channel (default LUMEN_DIGEST_CHANNEL); a course channel gets that course's digest",
    )
    .option('--course <id>', "with --dry-run: one course's digest (its learners only)")
    .option('--force', "post even when this week's digest was already posted to the channel")
    .action(
      async (opts: {
        dryRun?: boolean;
        out?: string;
        from?: string;
        channel?: string;
        course?: string;
        force?: boolean;
      }) => {
        const jobsConfig = readJobsConfig(process.env);
        const outDir = opts.from ? resolve(opts.from) : jobsConfig.outDir;
        if (opts.dryRun) {
          const preview = await runDigestDryRun({
            outDir,
            out: opts.out ? resolve(opts.out) : undefined,
            scope: opts.course ? [opts.course] : null,
            modelMaxAgeDays: jobsConfig.modelMaxAgeDays,
          });
          process.stdout.write(`${JSON.stringify(preview.blocks, null, 2)}\n`);
          process.stderr.write(`digest preview files:\n${preview.files.map((f) => `  ${f}`).join('\n')}\n`);
          return;
        }
        const channel = opts.channel ?? jobsConfig.digestChannel;
        if (!channel)
          throw new JobsError('BAD_CONFIG', 'no digest channel: pass --channel or set LUMEN_DIGEST_CHANNEL');
        const scope = digestScopeOf(channel, jobsConfig.access);
        await withJobQueues(jobsConfig, async (queues) => {
          const job = await enqueue(queues, 'weekly-digest', {
            outDir,
            channel,
            force: opts.force ?? false,
            scope,
          });
          process.stderr.write(`weekly digest queued as job ${job.id}\n`);
          await requireWorker(queues, 'weekly-digest', `the digest (job ${job.id})`);
          await waitForJob(queues, 'weekly-digest', job.id, {});
          process.stdout.write(`weekly digest job ${job.id} done\n`);
        });
      },
    );

  program
    .command('feedback')
    .description('export the feedback-button log (who, when, learner, action) as CSV')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--from <dir>', 'output folder holding feedback/ (default LUMEN_OUT_DIR)')
    .action((opts: { out: string; from?: string }) => {
      const outDir = opts.from ? resolve(opts.from) : readJobsConfig(process.env).outDir;
      const target = resolve(opts.out);
      // Written beside the target and renamed: a reader never sees half a file.
      const partial = `${target}.partial`;
      writeFileSync(partial, feedbackCsv(outDir));
      renameSync(partial, target);
      process.stdout.write(`${target}\n`);
    });

  program
    .command('status')
    .description('queue counts, the last runs, the next scheduled digest and refresh')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await queueStatus(readJobsConfig(process.env));
      process.stdout.write(
        opts.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatQueueStatus(status)}\n`,
      );
    });

  program
    .command('refresh')
    .description('queue a refresh for the worker (needs Redis) and wait for it, showing its stage')
    .option('--data <dir>', 'export folder (default LUMEN_DATA_DIR)')
    .option('--out <dir>', 'output folder (default LUMEN_OUT_DIR)')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .option('--train', 'retrain even when the data and settings are unchanged')
    .option('--no-wait', 'return once the job is queued')
    .action(async (opts: { data?: string; out?: string; asOf?: string; train?: boolean; wait: boolean }) => {
      await withJobQueues(readJobsConfig(process.env), async (queues) => {
        const job = await enqueueRefresh(queues, {
          trigger: 'cli',
          dataDir: opts.data ? resolve(opts.data) : undefined,
          outDir: opts.out ? resolve(opts.out) : undefined,
          asOf: opts.asOf ?? null,
          forceTrain: opts.train ?? false,
        });
        process.stderr.write(`refresh queued as job ${job.id}\n`);
        if (!opts.wait) return;
        await requireWorker(queues, 'refresh', `the refresh (job ${job.id})`);
        const log = stageLogger();
        let result: RefreshResult;
        try {
          result = await waitForJob(queues, 'refresh', job.id, {
            onProgress: ({ stage }) => log.stage(stage),
          });
        } catch (error) {
          throw new LumenError(
            'JOB_FAILED',
            `refresh job ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        } finally {
          log.done();
        }
        process.stdout.write(refreshDoneLine(job.id, result));
      });
    });

  program
    .command('generate')
    .description(
      'write a synthetic LMS export (the five files, in the export format; cohort style: + enrolments, truth)',
    )
    .requiredOption('--learners <n>', 'number of learners', positiveInt)
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 1)
    .requiredOption('--out <dir>', 'output folder')
    .option('--timestamps', 'ISO-8601 date-times with times of day instead of M/D/YYYY')
    .option('--end-date <date>', 'last day of the export (YYYY-MM-DD)', asOfOption)
    .option(
      '--style <style>',
      'default (self-paced) or cohort (dated presentations, deadlines, enrolments, truth file)',
      choiceOption(GENERATE_STYLES),
      'default',
    )
    .option(
      '--enrolments <with|without>',
      'cohort style: write lms_enrolments.csv or not (default with)',
      choiceOption(['with', 'without'] as const),
    )
    .option(
      '--truth <file>',
      'cohort style: where to write the truth file (default OUT/truth/truth_enrolments.csv)',
    )
    .action(
      async (opts: {
        learners: number;
        seed: number;
        out: string;
        timestamps?: boolean;
        endDate?: string;
        style: GenerateStyle;
        enrolments?: 'with' | 'without';
        truth?: string;
      }) => {
        const bar = progressBar('generate', opts.learners);
        const result = await generateLmsData({
          learners: opts.learners,
          seed: opts.seed,
          outDir: resolve(opts.out),
          timestamps: opts.timestamps,
          endDate: opts.endDate,
          style: opts.style,
          enrolments: opts.enrolments === undefined ? undefined : opts.enrolments === 'with',
          truthPath: opts.truth === undefined ? undefined : resolve(opts.truth),
          onProgress: (n) => bar.update(n),
        });
        bar.stop();
        for (const [name, file] of Object.entries(result.files)) {
          process.stdout.write(`${name}: ${file.rows} rows\n`);
        }
      },
    );

  program
    .command('demo')
    .description('generate 2,000 learners and run the pipeline on them (demo/data -> demo/out)')
    .option('--dir <dir>', 'where to put data/ and out/', 'demo')
    .option('--learners <n>', 'number of learners', positiveInt, 2000)
    .action(async (opts: { dir: string; learners: number }) => {
      await runDemo(config, { dir: resolve(opts.dir), learners: opts.learners });
    });

  program
    .command('bench')
    .description('time load+validate and features on generated data (docs/BENCHMARKS.md)')
    .option('--learners <n>', 'number of learners', positiveInt, 10_000)
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 7)
    .option('--dir <dir>', 'where generated data is kept between runs', '.lumen/bench')
    .option('--no-reuse', 'generate again even when data for these settings exists')
    .action(async (opts: { learners: number; seed: number; dir: string; reuse: boolean }) => {
      await runBench({ learners: opts.learners, seed: opts.seed, dir: resolve(opts.dir), reuse: opts.reuse });
    });

  program
    .command('bench-step', { hidden: true })
    .requiredOption('--data <dir>')
    .requiredOption('--out <dir>')
    .action(async (opts: { data: string; out: string }) => {
      process.stdout.write(`${JSON.stringify(await benchStep(config, opts.data, opts.out))}\n`);
    });

  reportUnknownOptionsFirst(program);
  return program;
}

/**
 * An analysis into a new run folder OUT/runs/<id>/, published as OUT/latest exactly as a refresh
 * publishes (src/run-folder/analysis-run.ts); prints the summary and where the run is.
 */
async function publishAnalysis(
  config: Config,
  progress: ProgressSettings,
  command: 'run' | 'train' | 'score',
  options: Omit<PublishedAnalysisOptions, 'dataFingerprint' | 'source' | 'label' | 'onStage'>,
): Promise<AnalysisResult> {
  const log = commandProgress(command, options.dataDir, progress);
  // Imported here: DuckDB and the model are needed by the analysis commands only.
  const { analyseAndPublish } = await import('./run-folder/analysis-run.ts');
  const run = await log.around(
    analyseAndPublish(config, {
      ...options,
      onStage: log.stage,
      // A later refresh with the same export and settings scores with this run's model.
      dataFingerprint: await dataFingerprint(options.dataDir, config),
      source: 'cli',
      label: 'cli',
    }),
  );
  process.stdout.write(formatRunSummary(run.analysis));
  process.stdout.write(`Published: ${latestPath(options.outDir)} -> ${run.runDir}\n`);
  return run.analysis;
}

/** The --out folder of the command line, for errors that do not name their path. */
function outOption(argv: string[]): string | null {
  for (const [i, arg] of argv.entries()) {
    if (arg === '--out' && argv[i + 1]) return resolve(argv[i + 1] as string);
    if (arg.startsWith('--out=')) return resolve(arg.slice('--out='.length));
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    // JobsError and the bot's config errors are LumenErrors too.
    const known = error instanceof LumenError ? error : outputFolderError(error, outOption(argv));
    if (known) {
      process.stderr.write(`lumen: ${known.message}\n`);
      return known.exitCode;
    }
    process.stderr.write(
      `lumen: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
