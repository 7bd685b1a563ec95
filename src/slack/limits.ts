/**
 * Slack's Block Kit limits that Lumen's messages can reach. Slack rejects a whole message
 * (invalid_blocks) when one block breaks one of them, so every outgoing message is held to these by
 * `withinLimits` (src/slack/blocks.ts). Values from Slack's Block Kit reference and @slack/types.
 */

/** Blocks per message (chat.postMessage, chat.update, response_url). */
export const MAX_BLOCKS = 50;
/** A section's text. */
export const SECTION_TEXT_LIMIT = 3000;
/** Each of a section's fields, and at most this many fields. */
export const SECTION_FIELD_LIMIT = 2000;
export const MAX_SECTION_FIELDS = 10;
/** A header's plain text. */
export const HEADER_TEXT_LIMIT = 150;
/** A button's label. */
export const BUTTON_TEXT_LIMIT = 75;
/** A button's value (Lumen puts an enrolment key there: learner id, tab, course id). */
export const BUTTON_VALUE_LIMIT = 2000;
/** Elements of a context block, and the text of each (a text object's limit). */
export const MAX_CONTEXT_ELEMENTS = 10;
export const CONTEXT_TEXT_LIMIT = 3000;
/** Elements of an actions block. */
export const MAX_ACTIONS_ELEMENTS = 25;
/** block_id (unique within a message) and action_id (unique within a message's interactive elements). */
export const BLOCK_ID_LIMIT = 255;
export const ACTION_ID_LIMIT = 255;
