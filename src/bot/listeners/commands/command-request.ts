/** The slice of Bolt's slash-command arguments a /lumen subcommand handler uses. */
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { EnqueueOptions, JobName } from '../../../jobs/index.ts';
import { asKnownBlocks, type SlackMessage } from '../../blocks/message.ts';
import { failureMessage } from '../../blocks/notices.ts';
import { type BotDeps, inBackground } from '../../deps.ts';
import { JobWatchEnded } from '../../job-watcher.ts';

export interface CommandRequest {
  readonly command: SlackCommandMiddlewareArgs['command'];
  readonly ack: SlackCommandMiddlewareArgs['ack'];
  readonly respond: SlackCommandMiddlewareArgs['respond'];
  /** The words after the subcommand. */
  readonly args: readonly string[];
}

export type CommandHandler = (request: CommandRequest, deps: BotDeps) => Promise<void>;

/** Replies through the command's response_url: visible to the requester only unless said otherwise. */
export async function reply(
  request: Pick<CommandRequest, 'respond'>,
  message: SlackMessage,
  visibility: 'ephemeral' | 'in_channel' = 'ephemeral',
): Promise<void> {
  await request.respond({
    response_type: visibility,
    text: message.text,
    blocks: asKnownBlocks(message.blocks),
  });
}

/** Logs a handler's failure without secrets or payload text, and tells the requester in one sentence. */
export async function reportFailure(
  request: CommandRequest,
  deps: BotDeps,
  subcommand: string,
  error: unknown,
  message: SlackMessage,
): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  deps.log(
    `/lumen ${subcommand} from ${request.command.user_id} in ${request.command.channel_id} failed: ${reason}`,
  );
  await reply(request, message).catch((replyError: unknown) => {
    deps.log(
      `could not tell the requester: ${replyError instanceof Error ? replyError.message : String(replyError)}`,
    );
  });
}

/** Ten minutes: longer than Slack keeps retrying a request. */
const REDELIVERY_WINDOW_MS = 10 * 60 * 1000;

/**
 * Enqueue options that make a redelivered request (same trigger_id, e.g. with Slack's retry headers)
 * enqueue nothing new: BullMQ returns the first job instead.
 */
export function oncePerRequest(request: Pick<CommandRequest, 'command'>): EnqueueOptions {
  return { dedupeKey: `slack-${request.command.trigger_id}`, dedupeWindowMs: REDELIVERY_WINDOW_MS };
}

/** How long the bot watches a posting job for a failure to report; the job itself may run longer. */
const WATCH_MS = 5 * 60 * 1000;

/**
 * After the ack: waits for a job in the background and, if it fails, tells the requester in one
 * sentence through the response_url (valid for 30 minutes), never with a stack trace.
 */
export function reportJobFailure(
  request: CommandRequest,
  deps: BotDeps,
  job: { id: string; name: JobName },
  what: string,
): void {
  inBackground(deps, `${job.name} ${job.id}`, async () => {
    try {
      await deps.watcher.waitFor(job.name, job.id, WATCH_MS);
    } catch (error) {
      // A watch that timed out, or ended because the bot stops, says nothing about the job.
      if (deps.stopping.aborted || error instanceof JobWatchEnded) return;
      await reply(request, failureMessage(what, error));
    }
  });
}
