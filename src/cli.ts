/**
 * The `lumen` command line: the whole pipeline without Redis or Slack. The commands are declared in
 * cli/program.ts and each runs from its own module in cli/commands/, loaded when it runs.
 */
import { resolve } from 'node:path';
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.ts';
import { LumenError } from './errors.ts';
import { outputFolderError } from './output-errors.ts';

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
