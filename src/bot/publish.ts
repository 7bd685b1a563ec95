/**
 * The worker's Publisher over the Slack Web API. The bot process uses it for its own few posts
 * (notes, DMs) and `lumen worker` is given one so processors can post. The Web API client retries
 * 5xx and network errors with backoff and waits out 429s for their Retry-After; what still fails is
 * thrown, and BullMQ retries the job.
 */
import { LogLevel, type RetryOptions, WebClient } from '@slack/web-api';
import {
  carriesMetadata,
  type MessageMetadata,
  type PostedCheck,
  type PostedMessage,
  type PostOptions,
  type Publisher,
  type UploadOptions,
} from '../jobs/index.ts';
import { type KnownBlock, withinLimits } from '../slack/index.ts';
import { apiUrl, type BotConfig } from './config.ts';

/** A few quick retries inside one job attempt; BullMQ's backoff covers longer outages. */
const SLACK_RETRIES: RetryOptions = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 4000 };

/**
 * Every Web API request gives up after this long (then the retry policy applies): a stuck call fails
 * its job instead of holding a publish slot until LUMEN_JOB_TIMEOUT, and the other publish slots
 * (LUMEN_PUBLISH_CONCURRENCY) keep posting meanwhile.
 */
export const SLACK_REQUEST_TIMEOUT_MS = 30_000;

/** Slack's alt text is for screen readers: a sentence or two, cut here at Slack's length cap. */
const ALT_TEXT_LIMIT = 1000;

/** Pages of 200 messages (newest first) searched for a post: a digest is looked for soon after it was sent. */
const HISTORY_PAGES = 5;

export interface SlackPublisherOptions {
  readonly retryConfig?: RetryOptions;
  /** Per-request timeout in milliseconds (default SLACK_REQUEST_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

/** The Web API client every part of the bot uses: one base URL, one retry policy, quiet logging. */
export function createSlackClient(
  config: Pick<BotConfig, 'botToken' | 'apiUrl'>,
  options: SlackPublisherOptions = {},
): WebClient {
  return new WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig: options.retryConfig ?? SLACK_RETRIES,
    timeout: options.timeoutMs ?? SLACK_REQUEST_TIMEOUT_MS,
    // The client's debug output includes request details; warnings are enough.
    logLevel: LogLevel.WARN,
  });
}

export class SlackPublisher implements Publisher {
  constructor(readonly client: WebClient) {}

  async postMessage(
    channel: string,
    blocks: KnownBlock[],
    text: string,
    options: PostOptions = {},
  ): Promise<PostedMessage> {
    // text is the notification / screen-reader fallback; Slack caps it at 40k characters.
    const reply = await this.client.chat.postMessage({
      channel,
      blocks: withinLimits(blocks),
      text: text.slice(0, 3000),
      unfurl_links: false,
      ...(options.metadata
        ? {
            metadata: {
              event_type: options.metadata.eventType,
              event_payload: { ...options.metadata.payload },
            },
          }
        : {}),
    });
    return { ts: reply.ts ?? null };
  }

  async findPosted(channel: string, metadata: MessageMetadata, sinceMs: number): Promise<PostedCheck> {
    let cursor: string | undefined;
    try {
      for (let page = 0; page < HISTORY_PAGES; page += 1) {
        const reply = await this.client.conversations.history({
          channel,
          oldest: (sinceMs / 1000).toFixed(6),
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of reply.messages ?? []) {
          const found = message.metadata as
            | { event_type?: string; event_payload?: Record<string, unknown> }
            | undefined;
          const posted = found && { eventType: found.event_type, payload: found.event_payload };
          if (carriesMetadata(posted, metadata)) return { found: true, ts: message.ts ?? null };
        }
        cursor = reply.response_metadata?.next_cursor || undefined;
        if (!reply.has_more || !cursor) return { found: false };
      }
      return { found: false };
    } catch (error) {
      // missing_scope, not_in_channel, a Slack outage after the client's retries: it cannot tell.
      const slackError = (error as { data?: { error?: string } }).data?.error;
      return {
        unknown: `conversations.history failed: ${slackError ?? (error instanceof Error ? error.message : String(error))}`,
      };
    }
  }

  async uploadFile(
    channel: string,
    filename: string,
    bytes: Uint8Array,
    title: string,
    options: UploadOptions,
  ): Promise<void> {
    // files.uploadV2 is the three-step upload: getUploadURLExternal (with the alt text), POST the
    // bytes, completeUploadExternal (into the channel, or into a message's thread).
    const upload = {
      channel_id: channel,
      file: Buffer.from(bytes),
      filename,
      title,
      alt_text: options.altText.slice(0, ALT_TEXT_LIMIT),
    };
    await this.client.files.uploadV2(options.threadTs ? { ...upload, thread_ts: options.threadTs } : upload);
  }

  async openDm(userId: string): Promise<string> {
    const reply = await this.client.conversations.open({ users: userId });
    const id = reply.channel?.id;
    if (!id) throw new Error(`conversations.open returned no channel for ${userId}`);
    return id;
  }
}

/** What the lead passes to `startWorker` in `lumen worker` when SLACK_BOT_TOKEN is set. */
export function createSlackPublisher(
  config: Pick<BotConfig, 'botToken' | 'apiUrl'>,
  options: SlackPublisherOptions = {},
): SlackPublisher {
  return new SlackPublisher(createSlackClient(config, options));
}

/**
 * For `lumen worker`: a publisher when SLACK_BOT_TOKEN is set (the worker needs no signing secret),
 * otherwise null and Slack jobs fail with a clear "no Slack publisher configured".
 */
export function slackPublisherFromEnv(
  env: Record<string, string | undefined> = process.env,
): SlackPublisher | null {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  if (!botToken) return null;
  return createSlackPublisher({ botToken, apiUrl: apiUrl(env) });
}
