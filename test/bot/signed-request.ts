/** Sends slash commands and button clicks to the Bolt HTTP receiver the way Slack signs them. */
import { createHmac, randomUUID } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommandFields {
  readonly text: string;
  readonly channelId: string;
  readonly userId: string;
  readonly responseUrl: string;
  /** Slack gives every invocation its own; a redelivery repeats it. Default: a fresh one. */
  readonly triggerId?: string;
}

export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'example',
    channel_id: fields.channelId,
    channel_name: 'some-channel',
    user_id: fields.userId,
    user_name: 'someone',
    command: '/lumen',
    text: fields.text,
    api_app_id: 'A1',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${randomUUID()}`,
  }).toString();
}

export interface SendOptions {
  /** Sign with this secret instead of the right one. */
  readonly secret: string;
  /** Seconds since the epoch; default now. */
  readonly timestamp?: number;
  readonly unsigned?: boolean;
  /** Slack's redelivery headers (x-slack-retry-num / x-slack-retry-reason). */
  readonly retryNum?: number;
  /** Default application/x-www-form-urlencoded (slash commands and interactivity). */
  readonly contentType?: string;
}

export async function postToSlackEvents(
  port: number,
  body: string,
  options: SendOptions,
): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (!options.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(options.secret, timestamp, body);
  }
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

/** A block_actions payload for one button click on a message. */
export function buttonClickBody(click: {
  actionId: string;
  value: string;
  userId: string;
  channelId: string;
  messageTs: string;
  blocks: unknown[];
  responseUrl: string;
}): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'example' },
    user: { id: click.userId, name: 'someone', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: click.messageTs, channel_id: click.channelId },
    trigger_id: 'trigger-2',
    channel: { id: click.channelId, name: 'some-channel' },
    message: { type: 'message', ts: click.messageTs, text: 'Learners at risk', blocks: click.blocks },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: `lumen-feedback:${click.value}`,
        value: click.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
