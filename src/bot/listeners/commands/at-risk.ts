/**
 * `/lumen at-risk [course_id] [top N]`: enqueues the list (with buttons and the CSV) and the
 * risk-distribution chart for the worker to post. The list names learners: staff only, limited to
 * the courses they (and the channel's audience) may see; in a course channel it means that course;
 * elsewhere it goes to the requester's DM (see privacy.ts).
 */
import { enqueue } from '../../../jobs/index.ts';
import { plainMessage } from '../../../slack/index.ts';
import { badArgumentMessage, doneMessage, progressMessage, workingMessage } from '../../blocks/notices.ts';
import { learnerLevelDestination } from '../../privacy.ts';
import {
  type CommandHandler,
  followJob,
  oncePerRequest,
  reply,
  reportFailure,
  reportJobFailure,
} from './command-request.ts';

export const DEFAULT_TOP = 10;
export const MAX_TOP = 20;

export interface AtRiskRequest {
  readonly courseId: string | null;
  readonly top: number;
}

const COURSE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** `C101`, `top 5`, `5`, `C101 top 5`, in any order; anything else is a usage error. */
export function parseAtRiskArgs(args: readonly string[]): AtRiskRequest | string {
  let courseId: string | null = null;
  let top = DEFAULT_TOP;
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] ?? '';
    const number = word.toLowerCase() === 'top' ? args[++i] : /^\d+$/.test(word) ? word : undefined;
    if (number !== undefined) {
      const n = Number(number);
      if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) return `"top" takes a number from 1 to ${MAX_TOP}.`;
      top = n;
    } else if (courseId === null && COURSE_ID.test(word)) {
      courseId = word;
    } else {
      return `I did not understand "${word.slice(0, 40)}".`;
    }
  }
  return { courseId, top };
}

export const handleAtRisk: CommandHandler = async (request, deps) => {
  await request.ack();
  const { command } = request;
  try {
    const parsed = parseAtRiskArgs(request.args);
    if (typeof parsed === 'string') {
      await reply(request, badArgumentMessage(parsed, '/lumen at-risk C101 top 5'));
      return;
    }
    const destination = await learnerLevelDestination(
      deps,
      command.channel_id,
      command.user_id,
      parsed.courseId,
    );
    if (!destination.allowed) {
      deps.log(`/lumen at-risk refused for ${command.user_id}: not staff for what was asked`);
      await reply(request, plainMessage(destination.reason));
      return;
    }
    const { outDir } = deps.jobsConfig;
    const list = await enqueue(
      deps.queues,
      'post-at-risk',
      {
        outDir,
        channel: destination.channel,
        limit: parsed.top,
        courseId: destination.courseId,
        attachCsv: true,
        scope: destination.scope,
      },
      oncePerRequest(request),
    );
    // A redelivered request: the first delivery already queued everything and answered.
    if (list.deduplicated) return;
    // The chart is aggregate, but it belongs with the list, so it goes where the list goes.
    const chart = await enqueue(
      deps.queues,
      'post-chart',
      {
        outDir,
        channel: destination.channel,
        chart: 'risk-distribution',
      },
      oncePerRequest(request),
    );
    const what = 'the at-risk list';
    await reply(request, workingMessage(what, list.id, destination.viaDm));
    // The note is replaced with each stage the worker reports, then with the answer.
    followJob(
      request,
      deps,
      { id: list.id, name: 'post-at-risk' as const },
      {
        what: 'post the at-risk list',
        progress: (progress) => progressMessage(what, list.id, progress, destination.viaDm),
        done: (result) =>
          doneMessage(
            result.posted === 'list' ? `posted ${what}` : `no list this time, the reason is posted`,
            list.id,
            result.summary ?? '',
            destination.viaDm,
          ),
      },
    );
    reportJobFailure(request, deps, chart, 'post the risk-distribution chart');
  } catch (error) {
    await reportFailure(request, deps, 'at-risk', error, 'queue the at-risk list');
  }
};
