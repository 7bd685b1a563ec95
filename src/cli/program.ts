/**
 * The `lumen` commands: names, descriptions and options only. Each command's work is in its own
 * module under commands/, imported when the command runs (like the bot's one listener per
 * subcommand), so `lumen --help`, `--version` and `status` load no Vega, sharp, DuckDB or Bolt
 * (test/cli/startup.test.ts).
 */
import { readFileSync } from 'node:fs';
import { Command, type Option } from 'commander';
import { GENERATE_STYLES, STUDY_PATTERNS } from '../analytics/generate/styles.ts';
import { type Config, readConfig } from '../config.ts';
import type { BacktestOptions } from './commands/backtest.ts';
import type { BenchOptions } from './commands/bench.ts';
import type { ChartsOptions } from './commands/charts.ts';
import type { DemoOptions } from './commands/demo.ts';
import type { DigestOptions } from './commands/digest.ts';
import type { FeaturesOptions } from './commands/features.ts';
import type { FeedbackOptions } from './commands/feedback.ts';
import type { GenerateOptions } from './commands/generate.ts';
import type { RefreshOptions } from './commands/refresh.ts';
import type { StatusOptions } from './commands/status.ts';
import type { ValidateOptions } from './commands/validate.ts';
import { asOfOption, choiceOption, dateOption, everyOption, positiveInt } from './options.ts';
import type { AnalysisCommandOptions } from './publish-analysis.ts';

/** package.json's version, for `lumen --version`. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
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

export function buildProgram(): Command {
  // Read when a command runs, not before: a bad LUMEN_TZ must not stop `lumen --help`.
  let config!: Config;
  const program = new Command('lumen')
    .description('Learning-analytics ops: LMS CSV exports -> data quality, weekly features, completion risk')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .hook('preAction', () => {
      config = readConfig(process.env);
    });

  program
    .command('validate')
    .description('check the five LMS files and print the data-quality report')
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .option('--json', 'print the report as JSON')
    .action(async (opts: ValidateOptions) =>
      (await import('./commands/validate.ts')).validateCommand(config, opts),
    );

  program
    .command('features')
    .description('write OUT/weekly_behavioral_features.csv and OUT/data_quality.json')
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .requiredOption('--out <dir>', 'output folder')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .action(async (opts: FeaturesOptions) =>
      (await import('./commands/features.ts')).featuresCommand(config, opts),
    );

  const analysis = (name: string, description: string, scoreOnly: boolean) => {
    const command = program
      .command(name)
      .description(description)
      .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
      .requiredOption('--out <dir>', 'output folder: the run goes to OUT/runs/<id>/, published as OUT/latest')
      .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption);
    if (scoreOnly) command.option('--model <file>', 'saved model (default OUT/latest/models/latest.json)');
    return command;
  };
  analysis('run', 'validate, features, outcomes, train, score and stats: every output', false).action(
    async (opts: AnalysisCommandOptions) => (await import('./commands/run.ts')).runCommand(config, opts),
  );
  analysis(
    'train',
    'fit the completion model; publishes a run with the model card, stats and models/',
    false,
  ).action(async (opts: AnalysisCommandOptions) =>
    (await import('./commands/train.ts')).trainCommand(config, opts),
  );
  analysis(
    'score',
    'score open learners with a saved model; publishes a run with ML_Prediction.csv',
    true,
  ).action(async (opts: AnalysisCommandOptions) =>
    (await import('./commands/score.ts')).scoreCommand(config, opts),
  );

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
    .action(async (opts: BacktestOptions) =>
      (await import('./commands/backtest.ts')).backtestCommand(config, opts),
    );

  program
    .command('charts')
    .description(
      "draw the charts and dashboard.html of OUT/latest's run again, from its files (scores, model) and its export (data charts), as a new published run holding its other files unchanged; nothing is re-scored",
    )
    .requiredOption('--out <dir>', 'output folder of an earlier run (holding runs/ and latest)')
    .option('--data <dir>', "export folder (default: the one OUT/latest's data_quality.json names)")
    .option('--learner <user_id>', 'learner for the learner-profile chart')
    .option('--as-of <date>', "ignore events after this date (default: the latest run's as-of)", asOfOption)
    .action(async (opts: ChartsOptions) =>
      (await import('./commands/charts.ts')).chartsCommand(config, opts),
    );

  program
    .command('worker')
    .description('run jobs from the Redis queue (refresh, train, charts, Slack posts) until SIGTERM/SIGINT')
    .action(async () => (await import('./commands/worker.ts')).workerCommand(config));

  program
    .command('bot')
    .description(
      'run the Slack app (/lumen): HTTP on PORT at /slack/events, or Socket Mode with SLACK_APP_TOKEN',
    )
    .action(async () => (await import('./commands/bot.ts')).botCommand());

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
    .action(async (opts: DigestOptions) => (await import('./commands/digest.ts')).digestCommand(opts));

  program
    .command('feedback')
    .description('export the feedback-button log (who, when, learner, action) as CSV')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--from <dir>', 'output folder holding feedback/ (default LUMEN_OUT_DIR)')
    .action(async (opts: FeedbackOptions) => (await import('./commands/feedback.ts')).feedbackCommand(opts));

  program
    .command('status')
    .description('queue counts, the last runs, the next scheduled digest and refresh')
    .option('--json', 'print as JSON')
    .action(async (opts: StatusOptions) => (await import('./commands/status.ts')).statusCommand(opts));

  program
    .command('refresh')
    .description('queue a refresh for the worker (needs Redis) and wait for it, showing its stage')
    .option('--data <dir>', 'export folder (default LUMEN_DATA_DIR)')
    .option('--out <dir>', 'output folder (default LUMEN_OUT_DIR)')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .option('--train', 'retrain even when the data and settings are unchanged')
    .option('--no-wait', 'return once the job is queued')
    .action(async (opts: RefreshOptions) => (await import('./commands/refresh.ts')).refreshCommand(opts));

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
    .option(
      '--study <pattern>',
      'cohort style: bursty (only before deadlines; default) or steady (most weeks, fading before leaving)',
      choiceOption(STUDY_PATTERNS),
    )
    .action(async (opts: GenerateOptions) => (await import('./commands/generate.ts')).generateCommand(opts));

  program
    .command('demo')
    .description('generate 2,000 learners and run the pipeline on them (demo/data -> demo/out)')
    .option('--dir <dir>', 'where to put data/ and out/', 'demo')
    .option('--learners <n>', 'number of learners', positiveInt, 2000)
    .action(async (opts: DemoOptions) => (await import('./commands/demo.ts')).demoCommand(config, opts));

  program
    .command('bench')
    .description('time load+validate and features on generated data (docs/BENCHMARKS.md)')
    .option('--learners <n>', 'number of learners', positiveInt, 10_000)
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 7)
    .option('--dir <dir>', 'where generated data is kept between runs', '.lumen/bench')
    .option('--no-reuse', 'generate again even when data for these settings exists')
    .option('--pandas [rounds]', 'lumen features against the pandas baseline, interleaved (default 3 rounds)')
    .action(async (opts: BenchOptions) => (await import('./commands/bench.ts')).benchCommand(opts));

  program
    .command('bench-step', { hidden: true })
    .requiredOption('--data <dir>')
    .requiredOption('--out <dir>')
    .action(async (opts: { data: string; out: string }) =>
      (await import('./commands/bench.ts')).benchStepCommand(config, opts),
    );

  reportUnknownOptionsFirst(program);
  return program;
}
