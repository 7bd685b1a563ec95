/**
 * An independent check of a message against Slack's Block Kit limits, written from Slack's
 * reference (not from src/slack/limits.ts) so a wrong constant there fails the tests.
 */

type Json = Record<string, unknown>;

function textOf(value: unknown): string | null {
  const text = (value as Json | undefined)?.text;
  return typeof text === 'string' ? text : null;
}

/** Every limit the message breaks, as readable lines; [] when Slack would take it. */
export function limitViolations(blocks: readonly unknown[]): string[] {
  const problems: string[] = [];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (max 50)`);
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    const block = raw as Json;
    const where = `block ${i} (${String(block.type)})`;
    const blockId = block.block_id;
    if (typeof blockId === 'string') {
      if (blockId.length > 255) problems.push(`${where}: block_id of ${blockId.length} characters`);
      if (blockIds.has(blockId)) problems.push(`${where}: duplicate block_id ${blockId}`);
      blockIds.add(blockId);
    }
    if (block.type === 'section') {
      const text = textOf(block.text);
      if (text !== null && text.length > 3000) problems.push(`${where}: text of ${text.length} characters`);
      for (const field of (block.fields as unknown[] | undefined) ?? []) {
        const length = textOf(field)?.length ?? 0;
        if (length > 2000) problems.push(`${where}: field of ${length} characters`);
      }
    }
    if (block.type === 'header') {
      const length = textOf(block.text)?.length ?? 0;
      if (length > 150) problems.push(`${where}: header of ${length} characters`);
    }
    if (block.type === 'context') {
      const elements = (block.elements as unknown[]) ?? [];
      if (elements.length > 10) problems.push(`${where}: ${elements.length} elements`);
      for (const element of elements) {
        const length = textOf(element)?.length ?? 0;
        if (length > 3000) problems.push(`${where}: context text of ${length} characters`);
      }
    }
    if (block.type === 'actions') {
      const actionIds = new Set<string>();
      for (const element of (block.elements as Json[]) ?? []) {
        const label = textOf(element.text)?.length ?? 0;
        if (label > 75) problems.push(`${where}: button label of ${label} characters`);
        const actionId = element.action_id;
        if (typeof actionId === 'string') {
          if (actionId.length > 255) problems.push(`${where}: action_id of ${actionId.length} characters`);
          if (actionIds.has(actionId)) problems.push(`${where}: duplicate action_id ${actionId}`);
          actionIds.add(actionId);
        }
      }
    }
  });
  return problems;
}

/**
 * The blocks as a click's payload carries them back: JSON, and a block_id Slack made up on every
 * block that had none (the bot sees this, not what the worker built).
 */
export function asSlackReturnsThem(blocks: readonly unknown[]): unknown[] {
  const copy = JSON.parse(JSON.stringify(blocks)) as Json[];
  return copy.map((block, i) => ({ block_id: `gen${i}`, ...block }));
}
