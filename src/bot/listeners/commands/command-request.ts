/** The slice of Bolt's slash-command arguments a /lumen subcommand handler uses. */
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { EnqueueOptions, JobName, JobProgressReport, JobResultMap } from '../../../jobs/index.ts';
import { type SlackMessage, withinLimits } from '../../../slack/index.ts';
import { failureMessage } from '../../blocks/notices.ts';
import { type BotDeps, inBackground } from '../../deps.ts';
import { logError, reasonOf } from '../../error-id.ts';
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
    blocks: withinLimits(message.blocks),
  });
}

/**
 * Replaces the ephemeral message the response_url last posted (the "working on it" note). Slack
 * cannot chat.update an ephemeral message, but response_url with replace_original can.
 */
export async function replaceReply(
  request: Pick<CommandRequest, 'respond'>,
  message: SlackMessage,
): Promise<void> {
  await request.respond({
    response_type: 'ephemeral',
    replace_original: true,
    text: message.text,
    blocks: withinLimits(message.blocks),
  });
}

/**
 * Logs a handler's failure (ids and the reason, no secrets or payload text) under an error id, and
 * tells the requester in one sentence with that id: "I could not <what>: something went wrong ...".
 */
export async function reportFailure(
  request: CommandRequest,
  deps: BotDeps,
  subcommand: string,
  error: unknown,
  what: string,
): Promise<void> {
  const errorId = logError(
    deps.log,
    `/lumen ${subcommand} from ${request.command.user_id} in ${request.command.channel_id} failed`,
    error,
  );
  await reply(request, failureMessage(what, errorId)).catch((replyError: unknown) => {
    deps.log(`could not tell the requester about error ${errorId}: ${reasonOf(replyError)}`);
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
      const errorId = logError(
        deps.log,
        `${job.name} ${job.id} for ${request.command.user_id} failed`,
        error,
      );
      await reply(request, failureMessage(what, errorId));
    }
  });
}

/** Stage updates per "working on it" note (a response_url takes five posts in all). */
export const STAGE_UPDATES = 2;

export interface FollowJobMessages<N extends JobName> {
  /** The "working on it" note, updated with the job's stage as the worker reports it. */
  readonly progress: (progress: JobProgressReport) => SlackMessage;
  /** What replaces the note when the job has finished. */
  readonly done: (result: JobResultMap[N]) => SlackMessage;
  /** For the failure sentence: "I could not <what>: ...". */
  readonly what: string;
  /** Work with the result before the answer replaces the note (the bot posting it); may throw. */
  readonly withResult?: (result: JobResultMap[N]) => Promise<void>;
}

/**
 * After the ack and the "working on it" note: replaces that note (response_url, replace_original)
 * with each stage the job reports, then with the answer, or with one sentence when it failed.
 * Updates are sent one at a time and in order, so a late stage never overwrites the answer.
 */
export function followJob<N extends JobName>(
  request: CommandRequest,
  deps: BotDeps,
  job: { id: string; name: N },
  messages: FollowJobMessages<N>,
): void {
  inBackground(deps, `${job.name} ${job.id}`, async () => {
    let chain: Promise<void> = Promise.resolve();
    const send = (message: SlackMessage) => {
      chain = chain
        .then(() => replaceReply(request, message))
        .catch((error: unknown) => {
          deps.log(
            `could not update the requester: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
    };
    let lastStage = '';
    let stageUpdates = 0;
    const stop = deps.watcher.onProgress(job.name, job.id, (progress) => {
      // Slack takes at most five posts per response_url: the note, STAGE_UPDATES stages, the
      // answer, and one left for a failure of a companion job (reportJobFailure).
      if (progress.stage === lastStage || stageUpdates >= STAGE_UPDATES) return;
      lastStage = progress.stage;
      stageUpdates += 1;
      send(messages.progress(progress));
    });
    try {
      const result = await deps.watcher.waitFor(job.name, job.id, WATCH_MS);
      stop();
      await messages.withResult?.(result);
      send(messages.done(result));
    } catch (error) {
      stop();
      // A watch that timed out, or ended because the bot stops, says nothing about the job.
      if (!deps.stopping.aborted && !(error instanceof JobWatchEnded)) {
        const errorId = logError(
          deps.log,
          `${job.name} ${job.id} for ${request.command.user_id} failed`,
          error,
        );
        send(failureMessage(messages.what, errorId));
        await chain;
        return;
      }
    }
    await chain;
  });
}
