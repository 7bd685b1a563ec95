/**
 * Typed Block Kit builders and the one guard every outgoing message passes through. Builders cut
 * their own text; `withinLimits` then holds the whole message to Slack's limits (src/slack/limits.ts)
 * because Slack rejects a message whole - a chat.update that fails after a feedback click shows the
 * clicker nothing, and a rejected digest fails after every retry.
 */
import type {
  ActionsBlock,
  ContextBlock,
  ContextBlockElement,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  SectionBlock,
  TextObject,
} from '@slack/types';
import {
  ACTION_ID_LIMIT,
  BLOCK_ID_LIMIT,
  BUTTON_TEXT_LIMIT,
  BUTTON_VALUE_LIMIT,
  CONTEXT_TEXT_LIMIT,
  HEADER_TEXT_LIMIT,
  MAX_ACTIONS_ELEMENTS,
  MAX_BLOCKS,
  MAX_CONTEXT_ELEMENTS,
  MAX_SECTION_FIELDS,
  SECTION_FIELD_LIMIT,
  SECTION_TEXT_LIMIT,
} from './limits.ts';
import { cutText, truncateLines } from './text.ts';

export type { KnownBlock } from '@slack/types';

/** A Slack message as Lumen builds it: Block Kit blocks plus the plain-text fallback. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export function section(markdown: string, blockId?: string): SectionBlock {
  return {
    type: 'section',
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: 'mrkdwn', text: truncateLines(markdown, SECTION_TEXT_LIMIT) },
  };
}

/** A context line of one or more mrkdwn texts (at most ten: Slack's limit). */
export function context(...markdown: string[]): ContextBlock {
  return {
    type: 'context',
    elements: markdown
      .slice(0, MAX_CONTEXT_ELEMENTS)
      .map((text) => ({ type: 'mrkdwn', text: truncateLines(text, CONTEXT_TEXT_LIMIT) })),
  };
}

export function header(plain: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: cutText(plain, HEADER_TEXT_LIMIT) } };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export interface ButtonSpec {
  readonly actionId: string;
  readonly label: string;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}

/** A row of buttons; labels are plain text cut to Slack's 75 characters. */
export function buttons(blockId: string, specs: readonly ButtonSpec[]): ActionsBlock {
  return {
    type: 'actions',
    block_id: cutText(blockId, BLOCK_ID_LIMIT),
    elements: specs.map((spec) => ({
      type: 'button',
      action_id: cutText(spec.actionId, ACTION_ID_LIMIT),
      text: { type: 'plain_text', text: cutText(spec.label, BUTTON_TEXT_LIMIT) },
      value: spec.value.slice(0, BUTTON_VALUE_LIMIT),
      ...(spec.style ? { style: spec.style } : {}),
    })),
  };
}

/** A message whose blocks went through `withinLimits`. */
export function message(text: string, blocks: readonly KnownBlock[]): SlackMessage {
  return { text, blocks: withinLimits(blocks) };
}

/** A one-section message: notes, refusals and failures. */
export function plainMessage(markdown: string): SlackMessage {
  return message(markdown, [section(markdown)]);
}

function limitText<T extends TextObject>(text: T, max: number): T {
  const cut = text.type === 'mrkdwn' ? truncateLines(text.text, max) : cutText(text.text, max);
  return cut === text.text ? text : { ...text, text: cut };
}

/** `id` made unique among `taken` (which it joins) and at most `max` long, by a numbered suffix. */
function uniqueId(id: string, taken: Set<string>, max: number): string {
  let unique = id.slice(0, max);
  for (let n = 2; taken.has(unique); n += 1) {
    const suffix = `~${n}`;
    unique = `${id.slice(0, max - suffix.length)}${suffix}`;
  }
  taken.add(unique);
  return unique;
}

function limitBlock(block: KnownBlock, actionIds: Set<string>): KnownBlock {
  switch (block.type) {
    case 'section':
      return {
        ...block,
        ...(block.text ? { text: limitText(block.text, SECTION_TEXT_LIMIT) } : {}),
        ...(block.fields
          ? {
              fields: block.fields
                .slice(0, MAX_SECTION_FIELDS)
                .map((field) => limitText(field, SECTION_FIELD_LIMIT)),
            }
          : {}),
      };
    case 'header':
      return { ...block, text: limitText(block.text, HEADER_TEXT_LIMIT) };
    case 'context':
      return {
        ...block,
        elements: block.elements
          .slice(0, MAX_CONTEXT_ELEMENTS)
          .map(
            (element): ContextBlockElement =>
              element.type === 'mrkdwn' || element.type === 'plain_text'
                ? limitText(element, CONTEXT_TEXT_LIMIT)
                : element,
          ),
      };
    case 'actions':
      return {
        ...block,
        elements: block.elements.slice(0, MAX_ACTIONS_ELEMENTS).map((element) => {
          const actionId = element.action_id
            ? { action_id: uniqueId(element.action_id, actionIds, ACTION_ID_LIMIT) }
            : {};
          if (element.type !== 'button') return { ...element, ...actionId };
          return {
            ...element,
            ...actionId,
            text: limitText(element.text, BUTTON_TEXT_LIMIT),
            ...(element.value !== undefined ? { value: element.value.slice(0, BUTTON_VALUE_LIMIT) } : {}),
          };
        }),
      };
    default:
      return block;
  }
}

/**
 * The blocks held to Slack's limits: texts cut (whole lines first), at most 50 blocks (the last
 * says how many were left out), block_ids unique in the message and action_ids unique in each
 * actions block (Slack rejects duplicates; a learner listed twice would make them). The input is
 * not changed. Builders keep messages well inside these limits; this is the last line of defence.
 */
export function withinLimits(blocks: readonly KnownBlock[]): KnownBlock[] {
  let kept: readonly KnownBlock[] = blocks;
  if (blocks.length > MAX_BLOCKS) {
    const left = blocks.length - (MAX_BLOCKS - 1);
    kept = [
      ...blocks.slice(0, MAX_BLOCKS - 1),
      context(`... and ${left} more blocks not shown: Slack shows at most ${MAX_BLOCKS} in a message.`),
    ];
  }
  const blockIds = new Set<string>();
  return kept.map((block) => {
    const limited = limitBlock(block, new Set<string>());
    return limited.block_id === undefined
      ? limited
      : { ...limited, block_id: uniqueId(limited.block_id, blockIds, BLOCK_ID_LIMIT) };
  });
}

/**
 * The blocks of a message Slack sent back (an interaction payload's `message.blocks`): the message
 * Lumen posted, so its blocks are Block Kit; null when the payload carries no block list.
 */
export function receivedBlocks(value: unknown): KnownBlock[] | null {
  if (!Array.isArray(value)) return null;
  const blocks: unknown[] = value;
  if (!blocks.every((block) => typeof block === 'object' && block !== null && 'type' in block)) return null;
  // Slack's JSON of our own message: the one place a block list arrives untyped.
  return blocks as KnownBlock[];
}
