import { UnrecoverableError } from 'bullmq';

/**
 * A failure BullMQ must not retry, carrying our string code. The name must stay
 * 'UnrecoverableError': across the sandbox boundary BullMQ recognises it by name only, and the
 * own `code` property travels with it (errors are sent to the worker as their own properties).
 */
export function unrecoverable(code: string, message: string): UnrecoverableError & { code: string } {
  return Object.assign(new UnrecoverableError(message), { code });
}

export function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}
