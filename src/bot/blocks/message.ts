/** A Slack message as the bot builds it: Block Kit blocks plus the plain-text fallback. */
import type { types } from '@slack/bolt';
import type { SlackBlock } from '../../jobs/index.ts';

export interface SlackMessage {
  readonly text: string;
  readonly blocks: SlackBlock[];
}

/** Slack cuts a section's text at 3000 characters; we cut earlier and say so. */
export const SECTION_TEXT_LIMIT = 2900;

export function section(markdown: string): SlackBlock {
  const text =
    markdown.length > SECTION_TEXT_LIMIT ? `${markdown.slice(0, SECTION_TEXT_LIMIT - 2)} …` : markdown;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function context(markdown: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: markdown.slice(0, SECTION_TEXT_LIMIT) }] };
}

export function header(plain: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: plain.slice(0, 150) } };
}

/** A one-section message: notes, refusals and failures. */
export function plainMessage(markdown: string): SlackMessage {
  return { text: markdown, blocks: [section(markdown)] };
}

/**
 * The job system keeps blocks as plain records so it does not depend on Slack's types; the Web API
 * client wants its own block union. The builders here and in the processors produce valid blocks.
 */
export function asKnownBlocks(blocks: readonly SlackBlock[]): types.KnownBlock[] {
  return blocks as unknown as types.KnownBlock[];
}
