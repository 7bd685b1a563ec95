/**
 * weekly-digest: this week's digest of the last good run to a staff channel, exactly once per ISO
 * week per channel, as one message with its charts and at-risk CSV in the message's thread (see
 * src/jobs/digest/once.ts for the protocol and its remaining window). A preview (`/lumen digest`, to
 * the requester's DM) posts every time and records nothing.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { type KnownBlock, section } from '../../slack/index.ts';
import { chartAltText } from '../alt-text.ts';
import type { JobContext, PostResult } from '../contracts.ts';
import { failedDigestText } from '../digest/content.ts';
import { dayIn, isoWeek } from '../digest/iso-week.ts';
import {
  DigestOnce,
  digestMetadata,
  type LastDigest,
  lastDigestKey,
  ONCE_TTL_SECONDS,
  onceKey,
  readLastDigest,
} from '../digest/once.ts';
import { type DigestPlan, planDigest } from '../digest/plan.ts';
import type { ProcessorContext } from '../processor-context.ts';
import type { MessageMetadata, Publisher } from '../publisher.ts';
import { requirePublisher } from './require-publisher.ts';

function line(text: string): KnownBlock[] {
  return [section(text)];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Upload {
  readonly name: string;
  readonly title: string;
  readonly altText: string;
  readonly bytes: () => Uint8Array;
}

function uploadsOf(plan: DigestPlan): Upload[] {
  if (plan.kind !== 'digest') return [];
  const { content } = plan;
  const uploads: Upload[] = content.charts.map((chart) => ({
    name: chart.name,
    title: chart.title,
    altText: chartAltText(chart.path),
    bytes: () => readFileSync(chart.path),
  }));
  const csv = content.atRiskCsv;
  if (csv !== null)
    uploads.push({
      name: content.csvName,
      title: `At-risk learners, as of ${content.asOf}`,
      altText: content.atRiskCsvAltText,
      bytes: () => Buffer.from(csv),
    });
  return uploads;
}

/** Posts the plan's message (with `metadata` when recorded); returns its ts. */
async function postMessageOf(
  publisher: Publisher,
  channel: string,
  plan: DigestPlan,
  metadata?: MessageMetadata,
): Promise<string | null> {
  const options = metadata ? { metadata } : {};
  const posted =
    plan.kind === 'quiet'
      ? await publisher.postMessage(channel, line(plan.text), plan.text, options)
      : await publisher.postMessage(channel, plan.content.blocks, plan.content.text, options);
  return posted.ts;
}

/**
 * Uploads the plan's files into the thread of the message `ts` (into the channel when Slack gave no
 * ts); with `once`, files it already records are skipped and each upload is recorded.
 */
async function uploadFiles(
  publisher: Publisher,
  channel: string,
  plan: DigestPlan,
  ts: string | null,
  once: DigestOnce | null = null,
): Promise<void> {
  for (const upload of uploadsOf(plan)) {
    if (once?.uploaded(upload.name)) continue;
    await publisher.uploadFile(channel, upload.name, upload.bytes(), upload.title, {
      altText: upload.altText,
      threadTs: ts,
    });
    await once?.markUploaded(upload.name);
  }
}

export async function processWeeklyDigest(
  job: JobContext<'weekly-digest'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir } = job.data;
  const { jobsConfig } = context;
  const prefix = jobsConfig.queuePrefix;
  // The week the digest is for: the day the job was due in LUMEN_TZ (a scheduled job is created a
  // week early, when the previous one runs), stable across retries.
  const week = isoWeek(dayIn(job.dueAt, jobsConfig.tz));
  const redis = new Redis(jobsConfig.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    const last = await readLastDigest(redis, prefix, channel);
    const planFor = (baseline: LastDigest | null, runDir: string | null = null) =>
      planDigest({
        outDir,
        runDir,
        scope: job.data.scope,
        last: baseline,
        now: new Date(),
        modelMaxAgeDays: jobsConfig.modelMaxAgeDays,
        ...(job.data.top !== undefined ? { top: job.data.top } : {}),
      });
    let plan: DigestPlan;
    try {
      plan = planFor(job.data.preview ? null : last);
    } catch (error) {
      // Say what went wrong instead of posting nothing; once per channel and week for scheduled runs.
      const text = failedDigestText(message(error));
      const first = job.data.preview
        ? 'OK'
        : await redis.set(`${prefix}:digest:error:${channel}:${week}`, job.id, 'EX', ONCE_TTL_SECONDS, 'NX');
      if (first === 'OK' || job.data.force) await publisher.postMessage(channel, line(text), text);
      await job.log(`digest not built: ${message(error)}`);
      return { channel, posted: 'reason', count: 0 };
    }

    if (job.data.preview) {
      await uploadFiles(publisher, channel, plan, await postMessageOf(publisher, channel, plan));
      return { channel, posted: 'digest', count: plan.kind === 'digest' ? plan.content.atRiskIds.length : 0 };
    }
    if (plan.kind === 'quiet' && jobsConfig.digestSkipEmpty) {
      await job.log(`quiet week: no data newer than ${plan.since}; skipped (LUMEN_DIGEST_SKIP_EMPTY)`);
      return { channel, posted: 'none', count: 0 };
    }

    const { claim, once } = await DigestOnce.claim(
      redis,
      { key: onceKey(prefix, channel, week), lastKey: lastDigestKey(prefix, channel) },
      job.id,
      job.data.force === true,
    );
    if (!once) {
      const why =
        claim.status === 'posted'
          ? `already posted to ${channel} for ${week}`
          : `${channel} ${week} is claimed by job ${claim.record.owner} (${claim.record.stage} since ${claim.record.at}); not posting twice - re-post with force if it never arrived`;
      await job.log(`digest skipped: ${why}`);
      return { channel, posted: 'none', count: 0 };
    }
    const metadata = digestMetadata(channel, week);
    const baseline: LastDigest | null =
      plan.kind === 'digest'
        ? {
            week,
            asOf: plan.content.asOf,
            atRisk: plan.content.atRiskIds,
            postedAt: new Date().toISOString(),
            runDir: plan.runDir,
          }
        : null;
    if (claim.status === 'files') {
      // This job's message is out (an earlier attempt posted it): finish its thread with the files of
      // the run it was built from (the week's baseline names it), whatever was published since. The
      // week is already the baseline, so the plan must not compare with it (it would be "quiet").
      const posted = planFor(null, last?.week === week ? last.runDir : null);
      await uploadFiles(publisher, channel, posted, once.messageTs, once);
      await once.markDone();
      await job.log(
        `digest for ${channel} ${week} was posted by an earlier attempt; its files are now in its thread`,
      );
      return { channel, posted: 'none', count: 0 };
    }
    let ts: string | null = null;
    let postHere = false;
    if (claim.status === 'verify') {
      // This job's worker died after marking `sending`: did the message reach the channel?
      const check = await publisher.findPosted(channel, metadata, once.sendingSince());
      if ('found' in check && check.found) {
        await job.log(
          `digest for ${channel} ${week} found in the channel (sent before the worker stopped); recorded`,
        );
        ts = check.ts;
      } else if ('unknown' in check) {
        await job.log(
          `digest skipped: ${channel} ${week} was being sent when the worker stopped and the channel's history cannot tell whether it arrived (${check.unknown}; the app needs channels:history / groups:history and to be in the channel); not posting twice - re-post with force if it never arrived`,
        );
        return { channel, posted: 'none', count: 0 };
      } else {
        await job.log(
          `digest for ${channel} ${week} not in the channel: the worker stopped before sending it; posting`,
        );
        postHere = true;
      }
    } else postHere = true;
    if (postHere) {
      try {
        await once.markSending();
        ts = await postMessageOf(publisher, channel, plan, metadata);
      } catch (error) {
        // Slack may have posted a message whose response was lost: the channel's history tells.
        const check = once.sending
          ? await publisher.findPosted(channel, metadata, once.sendingSince())
          : null;
        if (!check || !('found' in check) || !check.found) {
          // Not posted (or cannot tell): the retry may take the week over.
          await once.release().catch(() => {});
          throw error;
        }
        ts = check.ts;
        await job.log(`postMessage failed (${message(error)}) but the digest is in the channel; recorded`);
      }
    }
    // The message is out: from here on nothing releases the claim; a failed upload is retried into
    // the same thread.
    await once.markPosted(baseline, ts);
    await uploadFiles(publisher, channel, plan, ts, once);
    await once.markDone();
    if (!postHere) return { channel, posted: 'none', count: 0 };
    return {
      channel,
      posted: plan.kind === 'digest' ? 'digest' : 'reason',
      count: plan.kind === 'digest' ? plan.content.atRiskIds.length : 0,
    };
  } finally {
    redis.disconnect();
  }
}
