/**
 * Errors raised by the job system. They extend LumenError's shape (string code, one-line message,
 * exit code) without widening src/errors.ts's code union, which other work owns.
 */
export type JobsErrorCode =
  | 'BAD_CONFIG'
  | 'QUEUE_DOWN'
  | 'JOB_TIMEOUT'
  | 'MISSING_OUTPUT'
  | 'UNKNOWN_JOB'
  | 'PUBLISH_FAILED';

export class JobsError extends Error {
  readonly code: JobsErrorCode;
  readonly exitCode: number;

  constructor(code: JobsErrorCode, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'JobsError';
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}
