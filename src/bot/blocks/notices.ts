/** Short notes the bot sends right after acknowledging: working, sent to your DM, refusals, failures. */
import { escapeMrkdwn, plainMessage, type SlackMessage } from '../../slack/index.ts';

/** The immediate answer with the job id; `viaDm` adds why the answer will arrive in the DM. */
export function workingMessage(what: string, jobId: string, viaDm = false): SlackMessage {
  const working = `:hourglass_flowing_sand: Working on ${what} (job \`${escapeMrkdwn(jobId)}\`).`;
  return plainMessage(viaDm ? `${working}\n${sentToDmNote(what)}` : working);
}

/** The "working on it" note again, with the stage the worker reported last. */
export function progressMessage(
  what: string,
  jobId: string,
  progress: { stage: string; percent: number },
  viaDm = false,
): SlackMessage {
  const percent = Math.max(0, Math.min(100, Math.round(progress.percent)));
  const working =
    `:hourglass_flowing_sand: Working on ${what} (job \`${escapeMrkdwn(jobId)}\`): ` +
    `${escapeMrkdwn(progress.stage)} (${percent}%).`;
  return plainMessage(viaDm ? `${working}\n${sentToDmNote(what)}` : working);
}

/** What replaces the note when the job is done: `answer` is mrkdwn the caller escaped. */
export function doneMessage(what: string, jobId: string, answer: string, viaDm = false): SlackMessage {
  const where = viaDm ? ' in your direct messages' : '';
  return plainMessage(
    `:white_check_mark: Done: ${what}${where} (job \`${escapeMrkdwn(jobId)}\`).${answer ? `\n${answer}` : ''}`,
  );
}

/** Learner-level answers asked for outside a staff channel go to the requester's DM. */
export function sentToDmNote(what: string): string {
  return `:lock: ${what} names learners, so I am sending it to you in a direct message instead of this channel.`;
}

export function adminOnlyMessage(action: string): SlackMessage {
  return plainMessage(`Sorry, only Lumen admins can ${action}. Ask one of them, or see \`/lumen model\`.`);
}

/**
 * One plain sentence with an error id, never the reason: the reason (it may name server paths or
 * Redis internals) is in the bot's log under that id (see logError).
 */
export function failureMessage(what: string, errorId: string): SlackMessage {
  return plainMessage(
    `:x: I could not ${what}: something went wrong (error ${errorId}); staff can find it in the bot's log.`,
  );
}

export function badArgumentMessage(problem: string, example: string): SlackMessage {
  return plainMessage(`${escapeMrkdwn(problem)} Try \`${example}\`.`);
}
