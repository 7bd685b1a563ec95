/**
 * Errors raised by the job system and the bot: LumenErrors (one-line message, string code, exit
 * code; the CLI prints them as one line) with the job system's codes.
 */
import { LumenError, type LumenErrorCode } from '../errors.ts';

export type JobsErrorCode = Extract<
  LumenErrorCode,
  | 'BAD_CONFIG'
  | 'QUEUE_DOWN'
  | 'NO_WORKER'
  | 'JOB_TIMEOUT'
  | 'MISSING_OUTPUT'
  | 'UNKNOWN_JOB'
  | 'PUBLISH_FAILED'
>;

export class JobsError extends LumenError {
  declare readonly code: JobsErrorCode;

  constructor(code: JobsErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(code, message, options);
    this.name = 'JobsError';
  }
}
