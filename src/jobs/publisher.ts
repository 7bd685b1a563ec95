/**
 * What publishing processors need from Slack. The bot implements it with the Slack Web API; tests
 * use an in-memory fake. Errors it throws (Slack 5xx/429) are retried with backoff by BullMQ.
 */

/** A Slack Block Kit block; kept loose on purpose so this module does not depend on Slack's types. */
export type SlackBlock = Record<string, unknown>;

export interface Publisher {
  postMessage(channel: string, blocks: SlackBlock[], text: string): Promise<void>;
  uploadFile(channel: string, filename: string, bytes: Uint8Array, title: string): Promise<void>;
  /** Opens a direct-message channel with a user and returns its channel id. */
  openDm(userId: string): Promise<string>;
}
