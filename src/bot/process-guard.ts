/**
 * `lumen bot` keeps serving when something slips past every listener's own handling: an unhandled
 * promise rejection or an uncaught exception is logged on one line with an error id, and the process
 * goes on answering (nothing restarts a bot that exits, so exiting would be the worse outcome).
 */
import type { BotLog } from './deps.ts';
import { logError } from './error-id.ts';

/** Installs the two process handlers; returns a function that removes them. */
export function keepServingOnErrors(log: BotLog): () => void {
  const onRejection = (reason: unknown) => {
    logError(log, 'unhandled promise rejection (the bot keeps serving)', reason);
  };
  const onException = (error: Error) => {
    logError(log, 'uncaught exception (the bot keeps serving)', error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
