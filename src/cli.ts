/**
 * The `lumen` command line: the whole pipeline without Redis or Slack.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { stageLogger } from './cli/progress.ts';
import { type Config, readConfig } from './config.ts';
import { LumenError } from './errors.ts';
import { runFeatures, runValidate } from './analytics/pipeline.ts';
import { formatQualityReport, parseAsOfArgument } from './analytics/validate.ts';

function asOfOption(value: string): string {
  try {
    return parseAsOfArgument(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got ${value}`);
  return n;
}

function buildProgram(config: Config): Command {
  const program = new Command('lumen')
    .description('Learning-analytics ops: LMS CSV exports -> data quality, weekly features, completion risk')
    .exitOverride();

  program
    .command('validate')
    .description('check the five LMS files and print the data-quality report')
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .option('--json', 'print the report as JSON')
    .action(async (opts: { data: string; asOf?: string; json?: boolean }) => {
      const report = await runValidate(config, { dataDir: resolve(opts.data), asOf: opts.asOf });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatQualityReport(report)}\n`);
    });

  program
    .command('features')
    .description('write OUT/weekly_behavioral_features.csv and OUT/data_quality.json')
    .requiredOption('--data <dir>', 'folder with the five lms_*.csv files')
    .requiredOption('--out <dir>', 'output folder')
    .option('--as-of <date>', 'ignore events after this date (YYYY-MM-DD)', asOfOption)
    .action(async (opts: { data: string; out: string; asOf?: string }) => {
      const log = stageLogger();
      const result = await runFeatures(config, {
        dataDir: resolve(opts.data),
        outDir: resolve(opts.out),
        asOf: opts.asOf,
        onStage: log.stage,
      });
      log.done();
      process.stdout.write(
        `${result.featureRows} learner-weeks for ${result.learners} learners, as of ${result.report.asOf}\n${result.files.join('\n')}\n`,
      );
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const config = readConfig(process.env);
    await buildProgram(config).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof LumenError) {
      process.stderr.write(`lumen: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`lumen: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
