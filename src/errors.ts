/**
 * Errors that reach the user carry a string-literal code and a one-line human message.
 * The CLI prints `message` alone and exits with `exitCode`.
 */
export type LumenErrorCode =
  | 'MISSING_FILE'
  | 'MISSING_COLUMN'
  | 'BAD_HEADER'
  | 'NOT_CSV'
  | 'EMPTY_FILE'
  | 'BAD_ENCODING'
  | 'BAD_VALUE'
  | 'BAD_ARGUMENT'
  | 'BAD_CONFIG'
  | 'MODEL_MISMATCH'
  | 'MODEL_FROM_FUTURE'
  | 'MODEL_UNRELIABLE'
  | 'NOT_FOUND'
  | 'JOB_FAILED'
  | 'OUTPUT_FOLDER'
  // the job system (src/jobs/jobs-error.ts)
  | 'QUEUE_DOWN'
  | 'NO_WORKER'
  | 'JOB_TIMEOUT'
  | 'MISSING_OUTPUT'
  | 'UNKNOWN_JOB'
  | 'PUBLISH_FAILED';

export class LumenError extends Error {
  readonly code: LumenErrorCode;
  readonly exitCode: number;

  constructor(code: LumenErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LumenError';
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Fatal input problems: the command stops, exit code 2, nothing written. */
export class InputError extends LumenError {
  constructor(code: LumenErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: 2 });
    this.name = 'InputError';
  }
}
