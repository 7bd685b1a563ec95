/** `/lumen status`: the queue status text of `lumen status`, plus the data as-of date. */
import { type SlackMessage, section } from '../../slack/index.ts';

export function statusMessage(statusText: string, dataAsOf: string | null): SlackMessage {
  const asOf = `Data as of ${dataAsOf ?? 'unknown (no successful refresh yet)'}`;
  // A code block keeps the columns of the run lines aligned; backticks in it would end it early.
  const body = `\`\`\`${statusText.replace(/`/g, "'")}\`\`\``;
  return { text: `${asOf}\n${statusText}`, blocks: [section(asOf), section(body)] };
}
