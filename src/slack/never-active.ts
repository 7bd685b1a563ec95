/**
 * The "registered, never active" section of the at-risk list and the digest: learners with a user
 * row and no activity at all, the strongest early warning there is. Without an enrolments file they
 * belong to no course, so only programme-wide answers show them.
 */
import type { KnownBlock } from '@slack/types';
import { section } from './blocks.ts';
import { SECTION_TEXT_LIMIT } from './limits.ts';
import { escapeMrkdwn, truncateLines } from './text.ts';

/** A row of never_active.csv (column name -> cell). */
export type NeverActiveRow = Readonly<Record<string, string | undefined>>;

/** Learners named in the section; the rest are in never_active.csv. */
export const NEVER_ACTIVE_SHOWN = 5;

function line(row: NeverActiveRow): string {
  const name = escapeMrkdwn(`${row.first_name ?? ''} ${row.last_name ?? ''}`.trim()).slice(0, 100);
  const id = escapeMrkdwn(row.user_id ?? '').slice(0, 64);
  const since = row.registered_on
    ? `registered ${escapeMrkdwn(row.registered_on)}, no activity in ${escapeMrkdwn(row.days_since_registration ?? '?')} days`
    : 'registration date unknown, no activity at all';
  return `• *${name}* (${id}): ${since}`;
}

/** One section, or none when nobody is waiting. */
export function neverActiveBlocks(rows: readonly NeverActiveRow[]): KnownBlock[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, NEVER_ACTIVE_SHOWN);
  const more = rows.length - shown.length;
  const text = [
    `*Registered, never active: ${rows.length}* (newest registrations first${more > 0 ? `; ${more} more in the CSV` : ''})`,
    ...shown.map(line),
  ].join('\n');
  return [section(truncateLines(text, SECTION_TEXT_LIMIT))];
}
