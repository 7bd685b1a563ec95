/**
 * Failures the requester hears about carry an error id instead of the reason: the reason (which may
 * name a server path or a Redis internal) goes to the bot's log on one line with the same id.
 */
import { randomBytes } from 'node:crypto';
import type { BotLog } from './deps.ts';

/** 8 hex characters: enough to find one line in a log, too short to mean anything else. */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

/** The first line of an error's message (at most 500 characters): logs take one line per event. */
export function reasonOf(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return (reason.split('\n')[0] ?? '').slice(0, 500) || 'unknown error';
}

/** Logs `context` and the reason under a fresh error id, and returns the id for the reply. */
export function logError(log: BotLog, context: string, error: unknown): string {
  const id = newErrorId();
  log(`error ${id}: ${context}: ${reasonOf(error)}`);
  return id;
}
