/**
 * What publishing processors need from Slack. The bot implements it with the Slack Web API; tests
 * use an in-memory fake. Errors it throws (Slack 5xx/429) are retried with backoff by BullMQ.
 */
import type { KnownBlock } from '../slack/index.ts';

/**
 * Slack message metadata (event type + flat payload) carried by a post, so the post can be found
 * again in the channel's history: the digest's proof that a week's message went out.
 */
export interface MessageMetadata {
  readonly eventType: string;
  readonly payload: Readonly<Record<string, string>>;
}

/** Whether a posted message's metadata carries `wanted`: the same event type, every wanted field equal. */
export function carriesMetadata(
  posted: { readonly eventType?: string; readonly payload?: Readonly<Record<string, unknown>> } | undefined,
  wanted: MessageMetadata,
): boolean {
  if (posted?.eventType !== wanted.eventType) return false;
  const payload = posted.payload ?? {};
  return Object.entries(wanted.payload).every(([key, value]) => String(payload[key]) === value);
}

export interface PostOptions {
  readonly metadata?: MessageMetadata;
}

/** A posted message: its timestamp, the handle for replies in its thread (null when Slack gave none). */
export interface PostedMessage {
  readonly ts: string | null;
}

/** Every upload says what it shows, for screen readers (Slack's alt_text); optionally into a thread. */
export interface UploadOptions {
  /** What the file shows: the chart's title and its key numbers, or what the CSV holds. */
  readonly altText: string;
  /** Upload as a reply in this message's thread (the digest's charts and CSV). */
  readonly threadTs?: string | null;
}

/** What a channel's history says about a post: found (with the message's ts) or not, or why it cannot tell. */
export type PostedCheck =
  | { readonly found: true; readonly ts: string | null }
  | { readonly found: false }
  | { readonly unknown: string };

export interface Publisher {
  postMessage(
    channel: string,
    blocks: KnownBlock[],
    text: string,
    options?: PostOptions,
  ): Promise<PostedMessage>;
  /**
   * Whether a message with this metadata (same event type, every payload field equal) was posted
   * to `channel` at or after `sinceMs`; `unknown` (with the reason) when the channel's history cannot
   * be read (a missing history scope, the bot not in the channel, Slack failing). Never throws.
   */
  findPosted(channel: string, metadata: MessageMetadata, sinceMs: number): Promise<PostedCheck>;
  uploadFile(
    channel: string,
    filename: string,
    bytes: Uint8Array,
    title: string,
    options: UploadOptions,
  ): Promise<void>;
  /** Opens a direct-message channel with a user and returns its channel id. */
  openDm(userId: string): Promise<string>;
}
